"""The sections of the dashboard and the periodic report, each a few GROUP BY queries over the recognition
facts (stats.recognitions) and the tables beside them; no query per row."""

import datetime
import statistics
from functools import cache

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from ocop.catalogue.models import Listing
from ocop.core.workdays import add_months
from ocop.evaluation.models import Dossier, Kind, State, reevaluations_under_way
from ocop.geo.models import Commune, Province
from ocop.registry.models import ProductSet

from .models import Measure, Outcome, Recognition, RecognitionKind, Target
from .stats import Area, counts, percent, recognitions, summary, tally

EXPIRING_MONTHS = 6
PIPELINE = [
    State.SUBMITTED,
    State.RETURNED,
    State.FORWARDED,
    State.REVIEW,
    State.MORE_EVIDENCE,
    State.IN_ROUND,
    State.SCORED,
    State.CENTRAL,
]


def build(area: Area, year: int | None = None, *, today: datetime.date | None = None) -> dict:
    today = today or datetime.date.today()
    rows = recognitions(area, year, on=today)
    tallied = tally(rows)
    years = trend(area, today)
    return {
        "area": area,
        "year": year,
        "today": today,
        "summary": summary(area, year, today=today, tallied=tallied),
        "by_set": by_set(tallied),
        "trend": years,
        "expiring": expiring(area, today),
        "coverage": coverage(area, rows),
        "inclusion": inclusion(tallied),
        "ecommerce": ecommerce(area, today),
        "targets": targets(area, year or today.year, today, years),
        "outcomes": outcomes(area, year or today.year - 1),
    }


@cache
def set_names() -> dict[int, str]:
    return dict(ProductSet.objects.filter(taxonomy__current=True).values_list("number", "name"))


def by_set(tallied: dict) -> list[dict]:
    names = set_names()
    per_set: dict[int, int] = {}
    for *_, number, n in tallied["groups"]:
        per_set[number] = per_set.get(number, 0) + n
    return [
        {"set": number, "name": names.get(number, str(number)), "products": n}
        for number, n in sorted(per_set.items())
    ]


def _reevaluating():
    """Whether the row's product has a re-evaluation dossier under way (an Exists subquery)."""
    return Exists(reevaluations_under_way().filter(product_id=OuterRef("product_id")))


def _area_filter(area: Area, prefix: str) -> dict:
    """The area as a lookup from a model that reaches the commune by `prefix` (e.g. "product__commune")."""
    if area.commune:
        return {f"{prefix}_id": area.commune.pk}
    return {f"{prefix}__province_id": area.province.pk} if area.province else {}


def trend(area: Area, today: datetime.date) -> list[dict]:
    """Per year: recognitions by kind (a product counted once a year, at its last recognition) and the
    products in force at the end of the year (today for the current year)."""
    facts = Recognition.objects.filter(**area.lookup())
    years: dict[int, dict] = {}
    for y, kind, n in (
        facts.filter(last_of_year=True, year__isnull=False)
        .values_list("year", "kind")
        .annotate(n=Count("pk"))
        .values_list("year", "kind", "n")
    ):
        years.setdefault(y, dict.fromkeys(RecognitionKind.values, 0))[kind] = n
    years.setdefault(today.year, dict.fromkeys(RecognitionKind.values, 0))
    ends = {y: min(datetime.date(y, 12, 31), today) for y in years if y <= today.year}
    stock = facts.aggregate(
        **{f"y{y}": Count("pk", filter=Q(starts_on__lte=d, ends_on__gte=d)) for y, d in ends.items()}
    )
    return [
        {"year": y, **kinds, "total": sum(kinds.values()), "in_force": stock.get(f"y{y}")}
        for y, kinds in sorted(years.items())
    ]


def expiring(area: Area, today: datetime.date, limit: int = 50) -> dict:
    """Products in force whose certificate ends in the next six months, soonest first, and whether a
    re-evaluation dossier is under way."""
    until = add_months(today, EXPIRING_MONTHS)
    rows = recognitions(area, on=today).filter(ends_on__lte=until)
    listed = list(
        rows.annotate(reevaluating=_reevaluating())
        .order_by("ends_on", "product__name")
        .values(
            "product__public_id",
            "product__name",
            "product__commune__name",
            "star",
            "ends_on",
            "reevaluating",
        )[:limit]
    )
    return {"until": until, "count": rows.count(), "rows": listed}


@cache
def _communes_per_province() -> dict[int, int]:
    return dict(
        Commune.objects.values_list("province_id").annotate(n=Count("pk")).values_list("province_id", "n")
    )


@cache
def communes_of(province_id: int) -> list[tuple[int, str]]:
    """(code, name) of a province's communes by name (the administrative map changes only by migration)."""
    return list(Commune.objects.filter(province_id=province_id).order_by("name").values_list("code", "name"))


@cache
def province_names() -> dict[int, str]:
    return dict(Province.objects.order_by("code").values_list("code", "name"))


def coverage(area: Area, rows) -> dict:
    """Communes with and without an OCOP product: per province for the country, per commune for a province
    or a commune (the "every commune has at least one product" target)."""
    if area.level == "country":
        with_product = dict(
            rows.values_list("province_id")
            .annotate(n=Count("commune_id", distinct=True))
            .values_list("province_id", "n")
        )
        totals = _communes_per_province()
        table = [
            {
                "code": code,
                "name": name,
                "communes": totals.get(code, 0),
                "with_product": with_product.get(code, 0),
            }
            for code, name in province_names().items()
        ]
    else:
        products = dict(counts(rows, "commune_id"))
        communes = [(area.commune.pk, area.commune.name)] if area.commune else communes_of(area.province.pk)
        table = [
            {
                "code": code,
                "name": name,
                "communes": 1,
                "with_product": int(code in products),
                "products": products.get(code, 0),
            }
            for code, name in communes
        ]
    for r in table:
        r["share"] = percent(r["with_product"], r["communes"])
    communes = sum(r["communes"] for r in table)
    covered = sum(r["with_product"] for r in table)
    return {"table": table, "communes": communes, "with_product": covered, "without": communes - covered}


def inclusion(tallied: dict) -> dict:
    """Producers led by women or by ethnic minority people, and their products."""
    keys = ("producers", "female", "ethnic", "female_products", "ethnic_products")
    return {"products": sum(g[-1] for g in tallied["groups"]), **{k: tallied[k] for k in keys}}


def ecommerce(area: Area, today: datetime.date) -> dict:
    """Products in force today with at least one shop link (the catalogue's rows)."""
    totals = Listing.objects.filter(listed_until__gte=today, **area.lookup()).aggregate(
        products=Count("pk"), online=Count("pk", filter=Q(ecommerce__gt=0))
    )
    totals["share"] = percent(totals["online"], totals["products"])
    return totals


def targets(area: Area, year: int, today: datetime.date, years: list[dict]) -> list[dict]:
    """The area's targets for the year with the value reached (at the end of the year, or today) and, while
    the year is not over, a forecast: products in force, less those whose certificate ends before 31/12
    without a re-evaluation under way, plus the dossiers in the pipeline at the pass rate seen so far.
    `years` is the area's trend (its totals are the products recognised each year)."""
    if area.commune:
        return []
    chosen = list(Target.objects.filter(province=area.province, year=year))
    if not chosen:
        return []
    end = datetime.date(year, 12, 31)
    on = min(end, today)
    now = (
        recognitions(area, on=on)
        .annotate(reevaluating=_reevaluating())
        .aggregate(
            in_force=Count("pk"),
            four_star=Count("pk", filter=Q(star__gte=4)),
            communes=Count("commune_id", distinct=True),
            lost=Count("pk", filter=Q(ends_on__lt=end, reevaluating=False)),
            lost_four=Count("pk", filter=Q(ends_on__lt=end, star__gte=4, reevaluating=False)),
        )
    )
    now["recognised"] = next((r["total"] for r in years if r["year"] == year), 0)
    dossiers = Dossier.objects.filter(**_area_filter(area, "product__commune")).aggregate(
        pipeline=Count("pk", filter=Q(state__in=PIPELINE, kind=Kind.FIRST)),
        passed=Count("pk", filter=Q(state=State.RECOGNISED)),
        failed=Count("pk", filter=Q(state=State.NOT_RECOGNISED)),
    )
    decided = dossiers["passed"] + dossiers["failed"]
    rate = dossiers["passed"] / decided if decided else 1.0
    expected = round(dossiers["pipeline"] * rate)
    open_year = today <= end
    result = []
    for t in chosen:
        value = now[t.measure]
        forecast = None
        if open_year and t.measure == Measure.IN_FORCE:
            forecast = value - now["lost"] + expected
        elif open_year and t.measure == Measure.FOUR_STAR:
            forecast = value - now["lost_four"]
        elif open_year and t.measure == Measure.RECOGNISED:
            forecast = value + expected
        result.append(
            {
                "target": t,
                "measure": t.get_measure_display(),
                "goal": t.value,
                "value": value,
                "share": percent(value, t.value),
                "forecast": forecast,
                "met": value >= t.value,
                "likely": forecast is not None and forecast >= t.value,
            }
        )
    if result:
        result[0]["pipeline"] = {
            **dossiers,
            "rate": round(100 * rate),
            "expected": expected,
            "lost": now["lost"],
        }
    return result


def outcomes(area: Area, year: int) -> dict:
    """What producers reported for the year and, for those who also reported the year before their first
    recognition, the change in revenue since (the seeds cite growth above 10 %, some above 20 %)."""
    first_year = (
        Recognition.objects.filter(producer_id=OuterRef("producer_id"), year__isnull=False)
        .order_by("year")
        .values("year")[:1]
    )
    # One (producer, year) row at most: no ordering, so no join to the producer for Outcome's default order.
    base = Outcome.objects.filter(producer_id=OuterRef("producer_id"), year=OuterRef("first") - 1).order_by()
    reports = (
        Outcome.objects.filter(year=year, **_area_filter(area, "producer__commune"))
        .order_by()
        .annotate(first=Subquery(first_year), base=Subquery(base.values("revenue")[:1]))
        .values_list("producer__commune__province_id", "revenue", "jobs", "avg_income", "first", "base")
    )
    per_province: dict[int, dict] = {}
    for province, revenue, jobs, income, first, base_revenue in reports:
        row = per_province.setdefault(
            province, {"producers": 0, "revenue": 0, "jobs": 0, "incomes": [], "growth": []}
        )
        row["producers"] += 1
        row["revenue"] += revenue
        row["jobs"] += jobs
        if income is not None:
            row["incomes"].append(float(income))
        if base_revenue and first and year >= first:
            row["growth"].append(100 * (revenue - base_revenue) / base_revenue)
    names = province_names()
    table = [_outcome_row(names.get(code, str(code)), row) for code, row in sorted(per_province.items())]
    total = {"producers": 0, "revenue": 0, "jobs": 0, "incomes": [], "growth": []}
    for row in per_province.values():
        for key in total:
            total[key] += row[key]
    return {"year": year, "table": table, "total": _outcome_row("", total)}


def _outcome_row(name: str, row: dict) -> dict:
    growth = row["growth"]
    return {
        "name": name,
        "producers": row["producers"],
        "revenue": row["revenue"],
        "jobs": row["jobs"],
        "avg_income": round(statistics.fmean(row["incomes"]), 1) if row["incomes"] else None,
        "compared": len(growth),
        "median_growth": round(statistics.median(growth), 1) if growth else None,
        "over_10": sum(1 for g in growth if g > 10),
        "over_20": sum(1 for g in growth if g > 20),
    }
