"""The sections of the dashboard and the periodic report, each a few GROUP BY queries over the recognition
facts (stats.recognitions) and the tables beside them; no query per row."""

import datetime
import statistics
from functools import cache

from django.db.models import Count

from ocop.core.workdays import add_months
from ocop.evaluation.models import State
from ocop.geo.models import Commune, Province
from ocop.registry.models import ProductSet

from . import sql
from .models import Measure, RecognitionKind
from .stats import Area, percent, recognitions, summary, tally

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
    kinds = recognised_per_year(area, today)
    ends = {y: min(datetime.date(y, 12, 31), today) for y in kinds if y <= today.year}
    until = add_months(today, EXPIRING_MONTHS)
    tallied = tally(
        area, year, on=today, year_ends=list(ends.values()), listed_on=today, ending=(today, until)
    )
    years = trend(kinds, dict(zip(ends, tallied["in_force"], strict=True)))
    return {
        "area": area,
        "year": year,
        "today": today,
        "summary": summary(area, year, today=today, tallied=tallied),
        "by_set": by_set(tallied),
        "trend": years,
        "expiring": expiring(area, today, until, tallied["ending"]),
        "coverage": coverage(area, rows),
        "inclusion": inclusion(tallied),
        "ecommerce": ecommerce(tallied),
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


def recognised_per_year(area: Area, today: datetime.date) -> dict[int, dict]:
    """Year → recognitions by kind (a product counted once a year, at its last recognition); this year is
    always there."""
    years: dict[int, dict] = {}
    for y, kind, n in sql.kinds_per_year(sql.place(area)):
        years.setdefault(y, dict.fromkeys(RecognitionKind.values, 0))[kind] = n
    years.setdefault(today.year, dict.fromkeys(RecognitionKind.values, 0))
    return years


def trend(kinds: dict[int, dict], in_force: dict[int, int]) -> list[dict]:
    """Per year: recognitions by kind and the products in force at the end of the year (today for the
    current year)."""
    return [
        {"year": y, **per_kind, "total": sum(per_kind.values()), "in_force": in_force.get(y)}
        for y, per_kind in sorted(kinds.items())
    ]


def expiring(area: Area, today: datetime.date, until: datetime.date, count: int, limit: int = 50) -> dict:
    """Products in force whose certificate ends in the next six months (`until`; `count` of them), soonest
    first, and whether a re-evaluation dossier is under way."""
    listed = sql.ending(recognitions(area, on=today).also("ends_on <= %s", sql.day(until)), limit)
    return {"until": until, "count": count, "rows": listed}


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
        with_product = sql.per_place(rows, "province_id", communes=True)
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
        products = sql.per_place(rows, "commune_id", communes=False)
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


def ecommerce(tallied: dict) -> dict:
    """Products in force today with at least one shop link (the catalogue's rows)."""
    return {
        "products": tallied["listed"],
        "online": tallied["online"],
        "share": percent(tallied["online"], tallied["listed"]),
    }


def targets(area: Area, year: int, today: datetime.date, years: list[dict]) -> list[dict]:
    """The area's targets for the year with the value reached (at the end of the year, or today) and, while
    the year is not over, a forecast: products in force, less those whose certificate ends before 31/12
    without a re-evaluation under way, plus the dossiers in the pipeline at the pass rate seen so far.
    `years` is the area's trend (its totals are the products recognised each year)."""
    if area.commune:
        return []
    chosen = sql.targets(area.province.pk if area.province else None, year)
    if not chosen:
        return []
    end = datetime.date(year, 12, 31)
    now = sql.standing(recognitions(area, on=min(end, today)), end, sql.commune_place(area), PIPELINE)
    now["recognised"] = next((r["total"] for r in years if r["year"] == year), 0)
    dossiers = {k: now[k] for k in ("pipeline", "passed", "failed")}
    decided = dossiers["passed"] + dossiers["failed"]
    rate = dossiers["passed"] / decided if decided else 1.0
    expected = round(dossiers["pipeline"] * rate)
    open_year = today <= end
    result = []
    for measure, goal in chosen:
        value = now[measure]
        forecast = None
        if open_year and measure == Measure.IN_FORCE:
            forecast = value - now["lost"] + expected
        elif open_year and measure == Measure.FOUR_STAR:
            forecast = value - now["lost_four"]
        elif open_year and measure == Measure.RECOGNISED:
            forecast = value + expected
        result.append(
            {
                "year": year,
                "measure": Measure(measure).label,
                "goal": goal,
                "value": value,
                "share": percent(value, goal),
                "forecast": forecast,
                "met": value >= goal,
                "likely": forecast is not None and forecast >= goal,
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
    reports = sql.outcomes(sql.commune_place(area), year)
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
