"""Reads of the public pages: choices for the filters, a product's page, a province's figures."""

import datetime
import time
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from ocop.evaluation.models import EXPIRING_DAYS, Certificate
from ocop.geo.models import Commune, Province
from ocop.monitoring.models import SalesPoint
from ocop.registry.models import Producer, ProducerType, Product, ProductGroup, ProductSet, Sector
from ocop.traceability.places import SEATS

from .models import Fair, Listing

CHOICES_TTL = 300.0
_choices: dict = {}


def choices() -> dict:
    """The filter lists (provinces, sectors, groups, product sets, producer types): reference data that
    changes a few times a year, kept in memory for five minutes so a search page does not re-read it."""
    now = time.monotonic()
    # Empty until first filled (not "at": 0: time.monotonic() counts from the machine's boot, and a server
    # started in its first five minutes would have read lists that were never loaded).
    if not _choices or now - _choices["at"] > CHOICES_TTL:
        _choices.update(
            at=now,
            communes={},
            provinces=list(Province.objects.order_by("name").values_list("code", "name")),
            sectors=list(Sector.objects.filter(taxonomy__current=True).values_list("code", "name")),
            groups=list(
                ProductGroup.objects.filter(sector__taxonomy__current=True).values_list(
                    "id", "name", "sector__code"
                )
            ),
            sets=[
                (n, f"{n}. {name}")
                for n, name in ProductSet.objects.filter(taxonomy__current=True).values_list("number", "name")
            ],
        )
    return {**_choices, "types": ProducerType.choices}


def communes_of(province: int | None) -> list[tuple[int, str]]:
    """A province's communes for the filter (kept with the other choices, same five minutes)."""
    if not province:
        return []
    choices()  # expires the cache together with the other lists
    cached = _choices.setdefault("communes", {})
    if province not in cached:
        cached[province] = list(
            Commune.objects.filter(province_id=province).order_by("name").values_list("code", "name")
        )
    return cached[province]


def live(today: datetime.date | None = None):
    return Listing.objects.filter(listed_until__gte=today or datetime.date.today())


def status(listing: Listing, today: datetime.date) -> str:
    """valid / expiring / grace / expired / revoked, as Certificate.status says it."""
    if listing.revoked:
        return "revoked"
    if listing.listed_until is None or listing.listed_until < today:
        return "expired"
    if listing.valid_until and listing.valid_until < today:
        return "grace"
    if listing.valid_until and (listing.valid_until - today).days <= EXPIRING_DAYS:
        return "expiring"
    return "valid"


# Where a province sits on the map when nothing more precise is known: its present seat (first in SEATS).
SEAT: dict[int, tuple[float, float]] = {}
for _code, _name, _lat, _lon in SEATS:
    SEAT.setdefault(_code, (_lat, _lon))


@dataclass
class ProductPage:
    listing: Listing
    product: Product
    status: str
    certificate: Certificate | None
    photos: list
    links: list
    sales_points: list
    fairs: list
    others: list


def product_page(public_id: str, today: datetime.date) -> ProductPage | None:
    listing = Listing.objects.filter(public_id=public_id).select_related("product").first()
    if listing is None:
        return None
    product = listing.product
    certificate = (
        Certificate.objects.filter(number=listing.certificate_number).first()
        if listing.certificate_number
        else None
    )
    return ProductPage(
        listing=listing,
        product=product,
        status=status(listing, today),
        certificate=certificate,
        photos=list(product.photos.all()),
        links=list(product.ecommerce_links.all()),
        sales_points=list(
            product.sales_points.filter(active=True).select_related("commune__province").order_by("name")
        ),
        fairs=list(product.fairs.filter(ends_on__gte=today).select_related("province").order_by("starts_on")),
        others=list(
            live(today)
            .filter(producer_id=listing.producer_id)
            .exclude(pk=listing.pk)
            .order_by("-star", "name")[:8]
        ),
    )


@dataclass
class ProvinceFigures:
    products: int
    by_star: dict[int, int]
    producers: int
    communes_with_product: int
    communes: int
    sales_points: int
    online: int

    @property
    def online_share(self) -> int:
        return round(100 * self.online / self.products) if self.products else 0


def province_figures(province: Province, today: datetime.date) -> ProvinceFigures:
    rows = live(today).filter(province_id=province.code)
    agg = rows.aggregate(
        n=Count("pk"),
        producers=Count("producer_id", distinct=True),
        communes=Count("commune_id", distinct=True),
        online=Count("pk", filter=Q(ecommerce__gt=0)),
    )
    by_star = dict(rows.values_list("star").annotate(n=Count("pk")).values_list("star", "n"))
    return ProvinceFigures(
        products=agg["n"],
        by_star={s: by_star.get(s, 0) for s in (5, 4, 3)},
        producers=agg["producers"],
        communes_with_product=agg["communes"],
        communes=Commune.objects.filter(province=province).count(),
        sales_points=SalesPoint.objects.filter(commune__province=province, active=True).count(),
        online=agg["online"],
    )


def coverage(today: datetime.date) -> list[dict]:
    """E-commerce coverage per province: listed products, those with at least one shop link, the share."""
    rows = (
        live(today)
        .values("province_id", "province_name")
        .annotate(products=Count("pk"), online=Count("pk", filter=Q(ecommerce__gt=0)))
        .order_by("province_name")
    )
    out = []
    for r in rows:
        r["share"] = round(100 * r["online"] / r["products"]) if r["products"] else 0
        out.append(r)
    return out


def last_update():
    return Listing.objects.aggregate(m=Max("updated_at"))["m"]


def producer_of(public_id: str) -> Producer | None:
    return Producer.objects.filter(public_id=public_id).select_related("commune__province").first()


def fairs_of(province: int | None, today: datetime.date):
    qs = Fair.objects.select_related("province").annotate(n=Count("products"))
    if province:
        qs = qs.filter(province_id=province)
    return qs.filter(ends_on__gte=today).order_by("starts_on"), qs.filter(ends_on__lt=today).order_by(
        "-starts_on"
    )
