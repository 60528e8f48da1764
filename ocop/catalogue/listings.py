"""Keeps the catalogue's Listing rows in step with the registry, evaluation and monitoring records.

A row is rebuilt synchronously, inside the writer's transaction, whenever something it shows changes (model
signals below; bulk imports send registry.signals.products_changed). `ocop stats --rebuild` rebuilds all."""

import datetime
import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.db.models import Count
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

from ocop.core.textfold import fold_words
from ocop.core.workdays import add_months
from ocop.evaluation.models import (
    GRACE_DAYS,
    TRANSITION_ISSUED_BEFORE,
    VALIDITY_MONTHS,
    Certificate,
    Dossier,
    reevaluating_products,
)
from ocop.monitoring.models import SalesPoint
from ocop.registry.models import EcommerceLink, Photo, Producer, Product
from ocop.registry.signals import products_changed

from .models import Listing

CHUNK = 2000

# Sent with `product_ids` (None: every product) after their rows were rebuilt, inside the same transaction:
# what is derived from the listings (reporting's recognition facts) follows it.
refreshed = Signal()


def refresh(product_ids: Iterable[int] | None = None) -> int:
    """Rebuild the rows of these products (every product when None); returns the number of rows kept."""
    if product_ids is None:
        Listing.objects.all().delete()
        ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(product_ids))
    kept = 0
    for start in range(0, len(ids), CHUNK):
        kept += _refresh_chunk(ids[start : start + CHUNK])
    refreshed.send(sender=Listing, product_ids=None if product_ids is None else ids)
    return kept


def _refresh_chunk(ids: list[int]) -> int:
    products = Product.objects.filter(pk__in=ids).select_related(
        "producer", "commune__province", "product_set__group__sector"
    )
    certificates: dict[int, Certificate] = {}
    for c in Certificate.objects.filter(product_id__in=ids).order_by("product_id", "-valid_until", "-id"):
        certificates.setdefault(c.product_id, c)
    photos: dict[int, Photo] = {}
    for ph in Photo.objects.filter(product_id__in=ids).order_by("product_id", "position", "id"):
        photos.setdefault(ph.product_id, ph)
    links = dict(
        EcommerceLink.objects.filter(product_id__in=ids)
        .values_list("product_id")
        .annotate(n=Count("id"))
        .values_list("product_id", "n")
    )
    through = SalesPoint.products.through
    points = dict(
        through.objects.filter(product_id__in=ids, salespoint__active=True)
        .values_list("product_id")
        .annotate(n=Count("id"))
        .values_list("product_id", "n")
    )
    reevaluating = reevaluating_products(ids)
    rows = []
    for p in products:
        row = _row(p, certificates.get(p.pk), p.pk in reevaluating)
        if row is None:
            continue
        photo = photos.get(p.pk)
        row.photo = photo.image.name if photo else ""
        row.ecommerce = min(links.get(p.pk, 0), 32767)
        row.sales_points = min(points.get(p.pk, 0), 32767)
        rows.append(row)
    Listing.objects.filter(product_id__in=ids).delete()
    Listing.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _row(p: Product, cert: Certificate | None, reevaluating: bool) -> Listing | None:
    if cert is not None:
        star, number, recognised, issued = cert.star, cert.number, cert.decision_date, cert.issued_on
        valid_until, revoked = cert.valid_until, cert.revoked_on is not None
    elif p.star and p.star >= 3:
        # A recognition recorded by an import, without a certificate row: 36 months from the decision;
        # with only the year known, from the end of that year (an estimate, said on the product page).
        star, number, revoked = p.star, "", False
        recognised = p.decision_date
        issued = p.decision_date or (datetime.date(p.year, 12, 31) if p.year else None)
        valid_until = add_months(issued, VALIDITY_MONTHS) if issued else None
    else:
        return None
    listed_until = None
    if not revoked and valid_until:
        listed_until = valid_until
        if reevaluating and issued and issued < TRANSITION_ISSUED_BEFORE:
            listed_until = valid_until + datetime.timedelta(days=GRACE_DAYS)
    ps = p.product_set
    province, commune = p.commune.province, p.commune
    return Listing(
        product_id=p.pk,
        public_id=p.public_id,
        name=p.name,
        producer_id=p.producer_id,
        producer_name=p.producer.name,
        producer_public_id=p.producer.public_id,
        producer_type=p.producer.type,
        province_id=province.code,
        province_name=province.name,
        commune_id=commune.code,
        commune_name=commune.name,
        sector_code=ps.group.sector.code,
        group_id=ps.group_id,
        set_number=ps.number,
        star=star,
        certificate_number=number,
        recognised_on=recognised,
        valid_until=valid_until,
        listed_until=listed_until,
        revoked=revoked,
        name_folded=fold_words(p.name),
        producer_folded=fold_words(p.producer.name),
        place_folded=fold_words(f"{commune.name} {province.name}"),
        other_folded=fold_words(
            " ".join([ps.name, ps.group.name, p.code or "", p.gtin, p.ip_titles, p.certifications])
        ),
    )


# --- keeping rows in step -------------------------------------------------------------------------------

_deferred = threading.local()


@contextmanager
def deferred():
    """Inside this block, changed products are collected and rebuilt once at the end (loaders, demo)."""
    if getattr(_deferred, "ids", None) is not None:
        yield
        return
    _deferred.ids = set()
    try:
        yield
        ids = _deferred.ids
    finally:
        _deferred.ids = None
    refresh(ids)


def _changed(ids: Iterable[int]) -> None:
    pending = getattr(_deferred, "ids", None)
    if pending is None:
        refresh(ids)
    else:
        pending.update(ids)


def _product(sender, instance, raw=False, **kwargs):
    if not raw:
        _changed([instance.product_id if hasattr(instance, "product_id") else instance.pk])


def _producer(sender, instance, raw=False, **kwargs):
    if not raw:
        _changed(instance.products.values_list("pk", flat=True))


def _dossier(sender, instance, raw=False, **kwargs):
    if not raw and instance.product_id:
        _changed([instance.product_id])


def _sales_point(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        _changed(instance.products.values_list("pk", flat=True))


def _sales_point_products(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if reverse:  # product.sales_points.add(...)
        _changed([instance.pk])
    elif action == "pre_clear":
        instance._cleared_products = list(instance.products.values_list("pk", flat=True))
    elif action == "post_clear":
        _changed(getattr(instance, "_cleared_products", []))
    else:
        _changed(pk_set or [])


def _bulk(sender, product_ids, **kwargs):
    _changed(product_ids)


def connect() -> None:
    post_save.connect(_product, sender=Product, dispatch_uid="listing-product")
    for model in (Certificate, Photo, EcommerceLink):
        post_save.connect(_product, sender=model, dispatch_uid=f"listing-{model._meta.label}")
        post_delete.connect(_product, sender=model, dispatch_uid=f"listing-del-{model._meta.label}")
    post_save.connect(_producer, sender=Producer, dispatch_uid="listing-producer")
    post_save.connect(_dossier, sender=Dossier, dispatch_uid="listing-dossier")
    post_save.connect(_sales_point, sender=SalesPoint, dispatch_uid="listing-sales-point")
    m2m_changed.connect(
        _sales_point_products, sender=SalesPoint.products.through, dispatch_uid="listing-sp-m2m"
    )
    products_changed.connect(_bulk, dispatch_uid="listing-bulk")
