"""Keeps the Recognition rows in step: rebuilt for the products whose catalogue listing was just rebuilt
(catalogue.listings sends `refreshed` inside the writer's transaction, after imports too), from the listing
(places, classification, days in force) and the product's certificates (its history)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from ocop.catalogue.listings import refreshed
from ocop.catalogue.models import Listing
from ocop.evaluation.models import Certificate, Kind
from ocop.registry.models import Producer, Product

from .models import Recognition, RecognitionKind

ONE_DAY = datetime.timedelta(days=1)
CHUNK = 2000


def refresh(product_ids: Iterable[int] | None = None) -> int:
    """Rebuild the rows of these products (all when None); returns the number of rows written."""
    if product_ids is None:
        Recognition.objects.all().delete()
        ids = list(Listing.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(product_ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        written += _refresh_chunk(ids[start : start + CHUNK])
    return written


def _refresh_chunk(ids: list[int]) -> int:
    listings = {row.pk: row for row in Listing.objects.filter(pk__in=ids)}
    flags = dict(
        (pk, (female, ethnic))
        for pk, female, ethnic in Producer.objects.filter(
            pk__in={row.producer_id for row in listings.values()}
        ).values_list("pk", "rep_female", "rep_ethnic_minority")
    )
    history: dict[int, list] = defaultdict(list)
    for c in (
        Certificate.objects.filter(product_id__in=listings)
        .order_by("product_id", "decision_date", "id")
        .values("id", "product_id", "star", "decision_date", "valid_until", "revoked_on", "dossier__kind")
    ):
        history[c["product_id"]].append(c)
    years = dict(
        Product.objects.filter(pk__in=[pk for pk in listings if pk not in history]).values_list("pk", "year")
    )
    rows = []
    for pk, listing in listings.items():
        female, ethnic = flags.get(listing.producer_id, (False, False))
        dims = {
            "product_id": pk,
            "province_id": listing.province_id,
            "commune_id": listing.commune_id,
            "producer_id": listing.producer_id,
            "producer_type": listing.producer_type,
            "rep_female": female,
            "rep_ethnic_minority": ethnic,
            "sector_code": listing.sector_code,
            "set_number": listing.set_number,
        }
        spells = _spells(history.get(pk), listing, years.get(pk))
        for i, spell in enumerate(spells):
            following = spells[i + 1] if i + 1 < len(spells) else None
            spell["last_of_year"] = following is None or following["year"] != spell["year"]
            rows.append(Recognition(**dims, **spell))
    Recognition.objects.filter(product_id__in=ids).delete()
    Recognition.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _spells(certificates: list[dict] | None, listing: Listing, year: int | None) -> list[dict]:
    """The product's recognitions in order, each with the days it was in force."""
    if not certificates:
        # Recorded by a province's list: one recognition, dated by its decision or only by its year.
        year = listing.recognised_on.year if listing.recognised_on else year
        starts = listing.recognised_on or (datetime.date(year, 1, 1) if year else None)
        return [
            {
                "certificate_id": None,
                "kind": RecognitionKind.RECORDED,
                "star": listing.star,
                "year": year,
                "starts_on": starts,
                "ends_on": listing.listed_until,
                "valid_until": listing.valid_until,
                "revoked_on": None,
            }
        ]
    spells = []
    previous_star = None
    for n, c in enumerate(certificates):
        kind = c["dossier__kind"] or (
            Kind.FIRST
            if previous_star is None
            else Kind.UPGRADE
            if c["star"] > previous_star
            else Kind.REEVALUATION
        )
        ends = c["valid_until"]
        if c["revoked_on"]:
            ends = min(ends, c["revoked_on"] - ONE_DAY)
        if n + 1 < len(certificates):
            ends = min(ends, certificates[n + 1]["decision_date"] - ONE_DAY)
        elif not c["revoked_on"] and listing.listed_until:
            ends = max(ends, listing.listed_until)  # the transition grace of the last certificate
        spells.append(
            {
                "certificate_id": c["id"],
                "kind": kind,
                "star": c["star"],
                "year": c["decision_date"].year,
                "starts_on": c["decision_date"],
                "ends_on": ends,
                "valid_until": c["valid_until"],
                "revoked_on": c["revoked_on"],
            }
        )
        previous_star = c["star"]
    return spells


def _rebuilt(sender, product_ids, **kwargs):
    refresh(product_ids)


def connect() -> None:
    refreshed.connect(_rebuilt, dispatch_uid="reporting-facts")
