"""What a scan shows about a stamp batch, read once per app server and kept in memory.

A scan is the hottest request of the platform: many per second nationally, almost all of them for a few
thousand live batches. A `Card` holds everything about a batch that does not depend on the stamp (product,
producer, place, the certificate that speaks for the product, activations with their lots and stories,
the photo and shop links) plus the rendered HTML of that part of the page. Each scan reads the batch
row and the public data version in one indexed query; a card built under an older version is rebuilt,
so a revocation or a new activation made on any server shows on the very next scan everywhere."""

import bisect
import datetime
import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

from ocop.core.models import PublicVersion
from ocop.evaluation.models import Certificate

from .models import Activation, ScanEvent, StampBatch


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


class Located(NamedTuple):
    batch_id: int
    start: int
    count: int
    version: int
    others_scanned: bool | None  # see locate()
    key_id: str  # the key the batch was issued under (services.verify checks it matches the code's)


_cards: OrderedDict[int, Card] = OrderedDict()
_lock = threading.Lock()


@functools.cache
def _locate_sql(vendor: str, with_others: bool, placeholder: str = "%s") -> str:
    q = connection.ops.quote_name
    batch, version = q(StampBatch._meta.db_table), q(PublicVersion._meta.db_table)
    others = (
        f", EXISTS(SELECT 1 FROM {q(ScanEvent._meta.db_table)} e WHERE e.stamp = %s AND e.scanned_at >= %s"
        " AND (e.fingerprint <> %s OR e.place_province IS NOT NULL))"
        if with_others
        else ""
    )
    sql = (
        f"SELECT b.id, b.start, b.count, (SELECT v.value FROM {version} v WHERE v.id = 1){others}, b.key_id "
        f"FROM {batch} b WHERE b.start <= %s ORDER BY b.start DESC LIMIT 1"
    )
    return sql.replace("%s", placeholder)


def locate(index: int, scanner: tuple[str, datetime.datetime] | None = None) -> Located | None:
    """The batch whose range may hold this position, with the public data version. For a scan, the same
    query also says whether any other device, or any shared place, scanned this position since a date
    (`scanner` = (fingerprint, since)): if not, no copied-stamp rule can fire."""
    db = connections[DEFAULT_DB_ALIAS]
    params = [index]
    if scanner:
        fingerprint, since = scanner
        params = [index, db.ops.adapt_datetimefield_value(since), fingerprint, index]
    row = _fetchone(db, scanner is not None, params)
    if row is None:
        return None
    return Located(row[0], row[1], row[2], row[3] or 0, bool(row[4]) if scanner else None, row[-1])


def _fetchone(db, with_others: bool, params: list) -> tuple | None:
    if db.queries_logged or db.execute_wrappers:  # DEBUG, tests counting queries: Django's cursor logs it
        with db.cursor() as cursor:
            cursor.execute(_locate_sql(db.vendor, with_others), params)
            return cursor.fetchone()
    # Otherwise the driver's own cursor, with the driver's placeholders: Django's cursor (SQLite's rewrites
    # %s to ? with a regular expression on every call) costs more than the query itself. Errors are still
    # Django's, and a connection that failed is still closed at the end of the request. Django's cursor would
    # first check a persistent connection's health (CONN_HEALTH_CHECKS): after a database restart a worker
    # idle during the outage answered 500 on its dead connection (benchmarks/faults.py).
    db.close_if_health_check_failed()
    db.ensure_connection()
    placeholder = "?" if db.Database.paramstyle == "qmark" else "%s"
    with db.wrap_database_errors:
        cursor = db.connection.cursor()
        try:
            cursor.execute(_locate_sql(db.vendor, with_others, placeholder), params)
            return cursor.fetchone()
        finally:
            cursor.close()


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
    certificate = Certificate.objects.speaking_for(product)
    if certificate is not None:
        certificate.product = product  # its snapshot is compared with the name today, without a query
    return Card(
        version=version,
        batch=batch,
        certificate=certificate,
        activations=activations,
        photo=product.photos.first(),
        links=list(product.ecommerce_links.all()),
    )


def clear() -> None:
    with _lock:
        _cards.clear()
