"""The dashboard's sections (reporting.sql, text SQL) against the same figures counted in Python over every
fact row: 400 generated products in all provinces with the dashboard's demo data (leaders, re-evaluations,
targets, outcomes), dossiers in every state, for the country, two provinces and a commune, now and for a
year. The suite runs on SQLite and on PostgreSQL, so both dialects are checked. The tests only read: the
programme is built once for the module."""

import datetime
from collections import Counter

import pytest

from ocop.catalogue.models import Listing
from ocop.core.workdays import add_months
from ocop.evaluation.models import Dossier, Kind, State
from ocop.evaluation.rubric import CURRENT
from ocop.registry.demo import generated_rows
from ocop.registry.importing import import_rows
from ocop.registry.models import Product
from ocop.reporting import dashboard, stats
from ocop.reporting import demo as reporting_demo
from ocop.reporting.models import Outcome, Recognition, Target
from ocop.testing import shared_world

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
HA_NOI = 1


@pytest.fixture(scope="module")
def programme(django_db_setup, django_db_blocker, tmp_path_factory):
    with shared_world(django_db_blocker, tmp_path_factory):
        _programme()
        yield


def _programme():
    result = import_rows(generated_rows(400, seed=11), actor=None)
    assert not result.errors, result.errors[:3]
    reporting_demo.load(TODAY)
    Target.objects.create(province_id=HA_NOI, year=TODAY.year, measure="four_star", value=40)
    Target.objects.create(province_id=HA_NOI, year=TODAY.year, measure="recognised", value=30)
    Target.objects.create(province_id=HA_NOI, year=TODAY.year, measure="communes", value=20)
    # Dossiers in every state, a re-evaluation under way for some products whose certificate ends soon.
    until = add_months(TODAY, dashboard.EXPIRING_MONTHS)
    ending = list(
        Recognition.objects.filter(starts_on__lte=TODAY, ends_on__gte=TODAY, ends_on__lte=until)
        .order_by("product_id")
        .values_list("product_id", flat=True)
    )
    assert len(ending) > 10
    products = list(Product.objects.exclude(pk__in=ending).order_by("pk").select_related("product_set"))
    states = list(State.values)
    for n, product in enumerate(products[: 3 * len(states)]):
        kind = Kind.FIRST if n % 3 else Kind.UPGRADE
        _dossier(product, kind, states[n % len(states)])
    for product in Product.objects.filter(pk__in=ending[::3]).select_related("product_set"):
        _dossier(product, Kind.REEVALUATION, State.REVIEW)
    for product in Product.objects.filter(pk__in=ending[1::7]).select_related("product_set"):
        _dossier(product, Kind.REEVALUATION, State.RECOGNISED)  # decided: no longer under way


def _dossier(product, kind, state):
    Dossier.objects.create(
        product=product, kind=kind, state=state, rubric=CURRENT, set_number=product.product_set.number
    )


def _areas():
    """The country, Hà Nội, the next busiest province (it has the targets of the demo only if Lai Châu) and
    that province's busiest commune."""
    per_province = Counter(
        Recognition.objects.exclude(province_id=HA_NOI).values_list("province_id", flat=True)
    )
    province = per_province.most_common(1)[0][0]
    per_commune = Counter(
        Recognition.objects.filter(province_id=province).values_list("commune_id", flat=True)
    )
    return [
        stats.Area(),
        stats.area_for(None, HA_NOI),
        stats.area_for(None, province),
        stats.area_for(None, province, per_commune.most_common(1)[0][0]),
    ]


def _in_area(row, area) -> bool:
    if area.commune:
        return row.commune_id == area.commune.pk
    return area.province is None or row.province_id == area.province.pk


def _in_force(row, day) -> bool:
    return row.starts_on is not None and row.ends_on is not None and row.starts_on <= day <= row.ends_on


def _counted(facts, year):
    if year is None:
        return [r for r in facts if _in_force(r, TODAY)]
    return [r for r in facts if r.year == year and r.last_of_year]


def _under_way() -> set[int]:
    return set(
        Dossier.objects.filter(kind=Kind.REEVALUATION)
        .exclude(state__in=[State.RECOGNISED, State.NOT_RECOGNISED])  # written out: the rule itself
        .values_list("product_id", flat=True)
    )


@pytest.mark.parametrize("year", [None, TODAY.year - 2])
def test_every_section_matches_a_count_over_the_fact_rows(programme, year):
    every = list(Recognition.objects.all())
    under_way = _under_way()
    for area in _areas():
        facts = [r for r in every if _in_area(r, area)]
        rows = _counted(facts, year)
        data = dashboard.build(area, year, today=TODAY)
        label = f"{area.name} {year}"

        # Summary, sets and inclusion (sql.groups and sql.figures).
        s = data["summary"]
        assert s["products"] == len(rows), label
        assert s["by_star"] == {k: sum(str(r.star) == k for r in rows) for k in s["by_star"]}, label
        assert s["by_sector"] == {k: sum(r.sector_code == k for r in rows) for k in s["by_sector"]}, label
        assert s["producers"] == len({r.producer_id for r in rows}), label
        assert s["communes_with_product"] == len({r.commune_id for r in rows}), label
        assert {x["set"]: x["products"] for x in data["by_set"]} == Counter(r.set_number for r in rows)
        inclusion = data["inclusion"]
        assert inclusion["female"] == len({r.producer_id for r in rows if r.rep_female}), label
        assert inclusion["ethnic"] == len({r.producer_id for r in rows if r.rep_ethnic_minority}), label
        assert inclusion["female_products"] == sum(r.rep_female for r in rows), label
        assert inclusion["ethnic_products"] == sum(r.rep_ethnic_minority for r in rows), label

        # Trend: recognitions by kind a year, products in force at each year's end.
        for t in data["trend"]:
            recognised = [r for r in facts if r.year == t["year"] and r.last_of_year]
            assert t["total"] == len(recognised), (label, t)
            assert {k: t[k] for k in Counter(r.kind for r in recognised)} == Counter(
                r.kind for r in recognised
            )
            end = min(datetime.date(t["year"], 12, 31), TODAY)
            assert t["in_force"] == sum(_in_force(r, end) for r in facts), (label, t)

        # Certificates ending in six months: how many, the first 50 in order, re-evaluations under way.
        e = data["expiring"]
        ending = sorted(
            (r for r in facts if _in_force(r, TODAY) and r.ends_on <= e["until"]),
            key=lambda r: (r.ends_on, Product.objects.get(pk=r.product_id).name),
        )
        assert e["count"] == len(ending), label
        shown = [(x["public_id"], x["ends_on"], x["reevaluating"]) for x in e["rows"]]
        names = {p.pk: p.public_id for p in Product.objects.filter(pk__in=[r.product_id for r in ending])}
        expected = [(names[r.product_id], r.ends_on, r.product_id in under_way) for r in ending[:50]]
        assert [x[1:] for x in shown] == [x[1:] for x in expected], label  # same ends, same flags
        assert {x[0] for x in shown if x[1] < expected[-1][1]} == {
            x[0] for x in expected if x[1] < expected[-1][1]
        }

        # Communes with a product.
        cov = data["coverage"]
        assert cov["with_product"] == len({r.commune_id for r in rows}), label
        if area.level != "country":
            per_commune = Counter(r.commune_id for r in rows)
            assert {c["code"]: c["products"] for c in cov["table"] if c["products"]} == per_commune

        # E-commerce: the catalogue's rows listed today.
        listed = [
            x
            for x in Listing.objects.all()
            if x.listed_until is not None and x.listed_until >= TODAY and _in_area(x, area)
        ]
        assert data["ecommerce"]["products"] == len(listed), label
        assert data["ecommerce"]["online"] == sum(x.ecommerce > 0 for x in listed), label


def test_target_forecast_matches_a_count_over_the_fact_rows(programme):
    area = stats.area_for(None, HA_NOI)
    facts = [r for r in Recognition.objects.filter(province_id=HA_NOI)]
    end = datetime.date(TODAY.year, 12, 31)
    now = [r for r in facts if _in_force(r, TODAY)]
    under_way = _under_way()
    lost = [r for r in now if r.ends_on < end and r.product_id not in under_way]
    dossiers = list(Dossier.objects.filter(product__commune__province_id=HA_NOI))
    pipeline = sum(d.kind == Kind.FIRST and d.state in dashboard.PIPELINE for d in dossiers)
    passed = sum(d.state == State.RECOGNISED for d in dossiers)
    failed = sum(d.state == State.NOT_RECOGNISED for d in dossiers)
    rate = passed / (passed + failed) if passed + failed else 1.0
    recognised = sum(1 for r in facts if r.year == TODAY.year and r.last_of_year)

    targets = {t["measure"]: t for t in dashboard.build(area, today=TODAY)["targets"]}
    four = targets["Sản phẩm 4–5 sao còn hiệu lực cuối năm"]
    assert four["value"] == sum(r.star >= 4 for r in now)
    assert four["forecast"] == four["value"] - sum(r.star >= 4 for r in lost)
    assert targets["Sản phẩm được công nhận trong năm"]["value"] == recognised
    assert targets["Sản phẩm được công nhận trong năm"]["forecast"] == recognised + round(pipeline * rate)
    assert targets["Số xã, phường có sản phẩm OCOP cuối năm"]["value"] == len({r.commune_id for r in now})
    first = next(iter(targets.values()))
    assert first["pipeline"]["pipeline"] == pipeline and first["pipeline"]["lost"] == len(lost)
    assert (first["pipeline"]["passed"], first["pipeline"]["failed"]) == (passed, failed)


def test_outcomes_match_a_count_over_the_reports(programme):
    year = TODAY.year - 1
    first = {}
    for producer, y in Recognition.objects.exclude(year=None).values_list("producer_id", "year"):
        first[producer] = min(y, first.get(producer, y))
    revenue = {(o.producer_id, o.year): o.revenue for o in Outcome.objects.all()}
    reports = list(Outcome.objects.filter(year=year).select_related("producer__commune"))
    assert reports
    for area in _areas()[:3]:
        mine = [
            o for o in reports if area.province is None or o.producer.commune.province_id == area.province.pk
        ]
        growth = []
        for o in mine:
            base = revenue.get((o.producer_id, first.get(o.producer_id, 0) - 1))
            if base and o.producer_id in first and year >= first[o.producer_id]:
                growth.append(100 * (o.revenue - base) / base)
        total = dashboard.outcomes(area, year)["total"]
        assert total["producers"] == len(mine)
        assert total["revenue"] == sum(o.revenue for o in mine)
        assert total["jobs"] == sum(o.jobs for o in mine)
        assert total["compared"] == len(growth)
        assert total["over_10"] == sum(g > 10 for g in growth)
        assert total["over_20"] == sum(g > 20 for g in growth)
