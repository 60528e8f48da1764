"""What a scan shows about a stamp batch, read once per app server and kept in memory.

A scan is the hottest request of the platform: many per second nationally, almost all of them for a few
thousand live batches. A `Card` holds everything about a batch that does not depend on the stamp (product,
producer, place, the certificate that speaks for the product, activations with their lots and stories,
the photo and shop links) plus the rendered HTML of that part of the page. Each scan reads the batch
row and the public data version in one indexed query; a card built under an older version is rebuilt,
so a revocation or a new activation made on any server shows on the very next scan everywhere."""

import bisect
import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from ocop.core.models import PublicVersion
from ocop.evaluation.models import Certificate

from .models import Activation, StampBatch


@dataclass
class Card:
    version: int
    batch: StampBatch
    certificate: Certificate | None
    activations: list[Activation]
    photo: object | None
    links: list
    firsts: list[int] = field(init=False)
    pages: dict = field(default_factory=dict)  # rendered scan pages (see public._page)

    def __post_init__(self) -> None:
        self.firsts = [a.first for a in self.activations]

    def activation(self, number: int) -> Activation | None:
        i = bisect.bisect_right(self.firsts, number) - 1
        if i >= 0 and self.activations[i].last >= number:
            return self.activations[i]
        return None


_cards: OrderedDict[int, Card] = OrderedDict()
_lock = threading.Lock()


@functools.cache
def _locate_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    batch, version = q(StampBatch._meta.db_table), q(PublicVersion._meta.db_table)
    return (
        f"SELECT b.id, b.start, b.count, (SELECT v.value FROM {version} v WHERE v.id = 1) "
        f"FROM {batch} b WHERE b.start <= %s ORDER BY b.start DESC LIMIT 1"
    )


def locate(index: int) -> tuple[int, int, int, int] | None:
    """The batch whose range may hold this position: (id, start, count, public data version)."""
    with connection.cursor() as cursor:
        cursor.execute(_locate_sql(connection.vendor), [index])
        row = cursor.fetchone()
    return (row[0], row[1], row[2], row[3] or 0) if row else None


def card(batch_id: int, version: int) -> Card:
    c = _cards.get(batch_id)
    if c is not None and c.version == version:
        return c
    c = _build(batch_id, version)
    with _lock:
        _cards[batch_id] = c
        _cards.move_to_end(batch_id)
        while len(_cards) > settings.OCOP_SCAN_CACHE_BATCHES:
            _cards.popitem(last=False)
    return c


def _build(batch_id: int, version: int) -> Card:
    batch = StampBatch.objects.select_related("product__producer", "product__commune__province").get(
        pk=batch_id
    )
    product = batch.product
    activations = list(
        batch.activations.select_related("lot").prefetch_related("lot__events").order_by("first")
    )
    return Card(
        version=version,
        batch=batch,
        certificate=Certificate.objects.speaking_for(product),
        activations=activations,
        photo=product.photos.first(),
        links=list(product.ecommerce_links.all()),
    )


def clear() -> None:
    with _lock:
        _cards.clear()
