"""Catalogue search: folding, ranking, filters and the star facet, the same on SQLite and PostgreSQL."""

import datetime

import pytest

from ocop.catalogue import listings
from ocop.catalogue.models import Listing
from ocop.catalogue.search import Query, search
from ocop.evaluation.services import certificate_record, certificate_revoke
from ocop.geo.models import Commune
from ocop.registry import services
from ocop.registry.models import ProductSet

DIEN_BIEN = 11
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def honey(db, lai_chau_product, son_la_product):
    commune = Commune.objects.filter(province_id=DIEN_BIEN).order_by("code").first()
    producer = services.producer_create(actor=None, name="HTX Ong mật Điện Biên", type="htx", commune=commune)
    honey_set = ProductSet.objects.get(taxonomy__current=True, number=4)
    honey = services.product_create(
        actor=None,
        name="Mật ong hoa ban",
        producer=producer,
        product_set=honey_set,
        star=4,
        decision_date=datetime.date(2025, 3, 1),
    )
    other = services.product_create(
        actor=None,
        name="Mật ong rừng",
        producer=producer,
        product_set=honey_set,
        star=3,
        decision_date=datetime.date(2025, 3, 1),
    )
    # A product whose *producer* is called after honey ranks below products named after it.
    tea_maker = services.producer_create(
        actor=None, name="Công ty Mật Ong Xanh", type="doanh_nghiep", commune=commune
    )
    tea = services.product_create(
        actor=None,
        name="Trà túi lọc",
        producer=tea_maker,
        product_set=ProductSet.objects.get(taxonomy__current=True, number=11),
        star=3,
        decision_date=datetime.date(2025, 3, 1),
    )
    return honey, other, tea


def names(result):
    return [i.name for i in result.items]


def test_search_ignores_case_diacritics_and_d_stroke(honey):
    honey_ban = honey[0]
    for text in (
        "mat ong dien bien",
        "MẬT ONG ĐIỆN BIÊN",
        "mật ong điện biên",
        "mat ong hoa ban",
        "mat on dien bi",
    ):
        result = search(Query(text=text), today=TODAY)
        assert honey_ban.name in names(result), text
    assert names(search(Query(text="mat ong hoa ban"), today=TODAY)) == ["Mật ong hoa ban"]


def test_name_matches_rank_above_producer_matches(honey):
    result = search(Query(text="mat ong"), today=TODAY)
    assert set(names(result)[:2]) == {"Mật ong hoa ban", "Mật ong rừng"}
    assert names(result)[2] == "Trà túi lọc"  # found through its producer's name only
    assert result.total == 3


def test_filters_and_star_facet(honey):
    result = search(Query(text="mat ong", province=DIEN_BIEN, star=4), today=TODAY)
    assert names(result) == ["Mật ong hoa ban"]
    assert result.total == 1
    assert result.by_star == {4: 1, 3: 2}  # the facet ignores the star filter
    assert search(Query(text="mat ong", province=12), today=TODAY).total == 0
    assert search(Query(set_number=4), today=TODAY).total == 2
    assert search(Query(producer_type="doanh_nghiep"), today=TODAY).total == 1
    everything = search(Query(), today=TODAY)
    assert everything.total == 5  # the two tea fixtures (4★ and 3★) are listed too


def test_not_every_word_offers_partial_matches(honey):
    result = search(Query(text="mat ong sen vang"), today=TODAY)
    assert result.partial and "Mật ong hoa ban" in names(result)
    assert search(Query(text="xyzxyz"), today=TODAY).total == 0


def test_expired_and_revoked_products_leave_the_catalogue(honey):
    other = honey[1]
    later = datetime.date(2028, 3, 2)  # 36 months after 1/3/2025
    assert "Mật ong hoa ban" not in names(search(Query(text="mat ong"), today=later))
    cert = certificate_record(
        actor=None,
        product=other,
        number="11-2025-0007",
        star=3,
        decision_number="12/QĐ-UBND",
        decision_date=datetime.date(2025, 3, 1),
    )
    assert Listing.objects.get(product=other).certificate_number == "11-2025-0007"
    certificate_revoke(actor=None, certificate=cert, ground="dd", decision="99/QĐ-UBND", date=TODAY)
    listing = Listing.objects.get(product=other)
    assert listing.revoked and listing.listed_until is None
    assert names(search(Query(text="mat ong"), today=TODAY))[:1] == ["Mật ong hoa ban"]
    assert "Mật ong rừng" not in names(search(Query(text="mat ong"), today=TODAY))


def test_rows_follow_renames_and_full_rebuild(honey):
    honey_ban = honey[0]
    services.product_update(actor=None, product=honey_ban, name="Mật ong bạc hà")
    assert names(search(Query(text="bac ha"), today=TODAY)) == ["Mật ong bạc hà"]
    services.producer_update(actor=None, producer=honey_ban.producer, name="HTX Sơn Tra")
    assert search(Query(text="son tra"), today=TODAY).total == 2
    Listing.objects.all().delete()
    assert listings.refresh() == 5
    assert search(Query(text="son tra"), today=TODAY).total == 2


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "'",
        'mat" OR 1=1 --',
        "NEAR(mat ong)",
        "* ^ : -",
        "AND OR NOT",
        "a" * 5000,
        "\x00\x01",
        "mật' ong",
    ],
)
def test_hostile_queries_never_fail(honey, text):
    result = search(Query(text=text), today=TODAY)
    assert result.total >= 0


def test_pages(honey):
    first = search(Query(per_page=2, sort="name"), today=TODAY)
    second = search(Query(per_page=2, sort="name", page=2), today=TODAY)
    last = search(Query(per_page=2, sort="name", page=99), today=TODAY)
    assert first.pages == 3 and len(first.items) == 2
    assert not set(names(first)) & set(names(second))
    assert last.page == 3 and len(last.items) == 1
