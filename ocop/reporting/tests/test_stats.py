"""The acceptance of issue 7: the dashboard, `ocop stats` and GET /api/v1/stats give the same numbers, and
those are the numbers counted by hand on an imported list."""

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.evaluation.services import certificate_record, certificate_revoke
from ocop.registry.demo import HEADER as DEMO_HEADER
from ocop.registry.importing import import_rows
from ocop.registry.models import Product
from ocop.reporting import dashboard, stats
from ocop.reporting.models import Recognition
from ocop.testing import PASSWORD

pytestmark = pytest.mark.django_db

HEADER = DEMO_HEADER[:9]  # name … year: the columns of a province's list, no contact
THIS_YEAR = datetime.date.today().year
LAST, OLD = THIS_YEAR - 1, THIS_YEAR - 5  # recognised last year: in force; five years ago: expired
LC = "Tỉnh Lai Châu"


def _day(year: int) -> str:
    return f"15/03/{year}"


# An imported list: 9 rows in Lai Châu (8 recognised at 3★ or more), 2 in Sơn La.
ROWS = [
    HEADER,
    ["Chè Shan tuyết", "HTX Chè Bình Lư", "Hợp tác xã", f"Xã Bình Lư, {LC}", 11, 4, "1/QĐ", _day(LAST), LAST],
    ["Chè xanh", "HTX Chè Bình Lư", "Hợp tác xã", f"Xã Bình Lư, {LC}", 11, 3, "1/QĐ", _day(LAST), LAST],
    [
        "Miến dong",
        "Hộ kinh doanh Lò Văn A",
        "Hộ kinh doanh",
        f"Xã Bình Lư, {LC}",
        6,
        3,
        "2/QĐ",
        _day(LAST),
        LAST,
    ],
    [
        "Mắc khén",
        "Công ty TNHH Hua Bum",
        "Doanh nghiệp",
        f"Xã Hua Bum, {LC}",
        10,
        5,
        "3/QĐ",
        _day(LAST),
        LAST,
    ],
    [
        "Sâm Lai Châu",
        "Công ty TNHH Hua Bum",
        "Doanh nghiệp",
        f"Xã Hua Bum, {LC}",
        18,
        4,
        "3/QĐ",
        _day(OLD),
        OLD,
    ],
    ["Rượu ngô", "HTX Rượu Sìn Hồ", "Hợp tác xã", f"Xã Sìn Hồ, {LC}", 14, 3, "4/QĐ", _day(OLD), OLD],
    [
        "Gạo nếp",
        "HTX Rượu Sìn Hồ",
        "Hợp tác xã",
        f"Xã Sìn Hồ, {LC}",
        3,
        3,
        "5/QĐ",
        _day(THIS_YEAR),
        THIS_YEAR,
    ],
    ["Thổ cẩm", "Tổ hợp tác Dệt Tả Lèng", "Tổ hợp tác", f"Xã Tả Lèng, {LC}", 22, 3, "6/QĐ", _day(LAST), LAST],
    ["Rau cải", "Tổ hợp tác Dệt Tả Lèng", "Tổ hợp tác", f"Xã Tả Lèng, {LC}", 1, 2, "6/QĐ", _day(LAST), LAST],
    [
        "Chè Mộc Châu",
        "HTX Chè Mộc Châu",
        "Hợp tác xã",
        "Phường Mộc Châu, Tỉnh Sơn La",
        11,
        4,
        "7/QĐ",
        _day(LAST),
        LAST,
    ],
    [
        "Mận hậu",
        "HTX Chè Mộc Châu",
        "Hợp tác xã",
        "Phường Mộc Châu, Tỉnh Sơn La",
        1,
        3,
        "7/QĐ",
        _day(LAST),
        LAST,
    ],
]

# Counted by hand from ROWS for Lai Châu (code 12, 38 communes):
IN_FORCE = {  # today: the rows of LAST and THIS_YEAR at 3★ or more
    "products": 6,
    "by_star": {"3": 4, "4": 1, "5": 1},
    "by_sector": {"I": 5, "II": 0, "III": 0, "IV": 1, "V": 0, "VI": 0},
    "by_producer_type": {
        "htx": 3,
        "tht": 1,
        "doanh_nghiep": 1,
        "trang_trai": 0,
        "ho_kinh_doanh": 1,
        "hoi": 0,
    },
    "producers": 5,
    "communes_with_product": 4,
    "communes": 38,
}
RECOGNISED_OLD = {  # --year OLD: the two rows of that year
    "products": 2,
    "by_star": {"3": 1, "4": 1, "5": 0},
    "by_sector": {"I": 0, "II": 1, "III": 1, "IV": 0, "V": 0, "VI": 0},
    "by_producer_type": {
        "htx": 1,
        "tht": 0,
        "doanh_nghiep": 1,
        "trang_trai": 0,
        "ho_kinh_doanh": 0,
        "hoi": 0,
    },
    "producers": 2,
    "communes_with_product": 2,
    "communes": 38,
}


@pytest.fixture
def imported():
    result = import_rows(ROWS)
    assert not result.errors, result.errors
    return result


def _cli(*args) -> dict:
    out = io.StringIO()
    call_command("stats", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def _page_numbers(html: str) -> dict:
    def number(key):
        return re.search(rf'id="stat-{key}">([\d/]+)<', html).group(1)

    communes = number("communes").split("/")
    return {
        "products": int(number("products")),
        "by_star": {s: int(number(f"star-{s}")) for s in "345"},
        "producers": int(number("producers")),
        "communes_with_product": int(communes[0]),
        "communes": int(communes[1]),
    }


def test_dashboard_cli_and_api_agree_with_the_hand_count(imported, client, lai_chau_officer):
    assert _cli("--province", "12") == IN_FORCE
    assert _cli("--province", "12", "--year", str(OLD)) == RECOGNISED_OLD
    client.login(username="laichau", password=PASSWORD)
    assert client.get("/api/v1/stats").json() == IN_FORCE  # the officer's own province by default
    assert client.get(f"/api/v1/stats?province=12&year={OLD}").json() == RECOGNISED_OLD
    for query, expected in [("", IN_FORCE), (f"?year={OLD}", RECOGNISED_OLD)]:
        page = _page_numbers(client.get(f"/quan-ly/thong-ke/{query}").content.decode())
        assert page == {k: expected[k] for k in page}


def test_country_counts_both_provinces_and_the_year_filter(imported):
    assert _cli()["products"] == 8  # 6 in Lai Châu + 2 in Sơn La
    assert _cli()["communes"] == 3321
    assert _cli("--year", str(LAST))["by_star"] == {"3": 4, "4": 2, "5": 1}
    assert _cli("--year", str(THIS_YEAR))["products"] == 1


def test_a_revoked_certificate_leaves_the_count_and_a_reevaluation_is_counted_once_a_year(imported):
    tea = Product.objects.get(name="Chè Shan tuyết")
    cert = certificate_record(
        actor=None,
        product=tea,
        number="GCN-1",
        star=4,
        decision_number="8/QĐ",
        decision_date=datetime.date(LAST, 3, 15),
    )
    assert _cli("--province", "12")["products"] == 6
    again = certificate_record(
        actor=None,
        product=tea,
        number="GCN-2",
        star=5,
        decision_number="9/QĐ",
        decision_date=datetime.date(LAST, 9, 1),
    )
    kinds = list(
        Recognition.objects.filter(product=tea).order_by("starts_on").values_list("kind", "last_of_year")
    )
    assert kinds == [("first", False), ("upgrade", True)]
    assert _cli("--province", "12", "--year", str(LAST))["by_star"] == {"3": 3, "4": 0, "5": 2}
    certificate_revoke(
        actor=None, certificate=again, ground="b", decision="10/QĐ", date=datetime.date.today()
    )
    assert _cli("--province", "12")["products"] == 5
    assert cert.pk  # the first certificate stays in the history


def test_commune_officer_sees_only_the_commune(imported, client, commune_officer):
    client.login(username="canboxa", password=PASSWORD)
    data = client.get("/api/v1/stats").json()
    assert data["communes"] == 1 and data["products"] == 3  # Xã Bình Lư
    assert client.get("/api/v1/stats?province=14").status_code == 403
    assert client.get("/quan-ly/thong-ke/?province=14").status_code == 403


def test_province_officer_cannot_read_another_province(imported, client, lai_chau_officer):
    client.login(username="laichau", password=PASSWORD)
    for url in [
        "/api/v1/stats?province=14",
        "/quan-ly/thong-ke/?province=14",
        "/quan-ly/thong-ke/bao-cao.xlsx?province=14",
        "/quan-ly/thong-ke/bang/coverage.csv?province=14",
    ]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Sơn La" not in response.content.decode(errors="replace")


@pytest.mark.parametrize("user", ["producer_user", "council_member"])
def test_producers_and_council_members_have_no_dashboard(imported, client, user, request):
    u = request.getfixturevalue(user)
    client.force_login(u)
    assert client.get("/api/v1/stats").status_code == 403
    assert client.get("/quan-ly/thong-ke/").status_code == 403


def test_anonymous_gets_no_numbers(client):
    assert client.get("/api/v1/stats").status_code == 401
    assert client.get("/quan-ly/thong-ke/").status_code == 302


@pytest.mark.parametrize(
    "query",
    [
        "?year=abc",
        "?year=99999",
        "?year=1800",
        "?year=%C2%B2%C2%B9",  # superscript digits: str.isdigit() says yes, int() says no
        "?province=99",
        "?province=%C2%B9",
        "?commune=%D9%A3",  # an Arabic-Indic digit
        "?province=1%27%20OR%201=1",
        "?commune=1",
    ],
)
def test_bad_parameters_get_a_vietnamese_message(query, client, national):
    client.force_login(national)
    response = client.get(f"/quan-ly/thong-ke/{query}")
    assert response.status_code in (400, 404)
    assert "Traceback" not in response.content.decode()
    if "year" in query:
        assert "Năm " in response.content.decode()  # says the year is what to fix
    if query == "?year=1800":
        assert f"từ 2018 đến {THIS_YEAR}" in response.content.decode()
    api = client.get(f"/api/v1/stats{query}")
    assert api.status_code in (400, 404, 422)
    assert api.json()["message"]


def test_cli_rejects_unknown_province_and_year():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không có tỉnh"):
        _cli("--province", "99")
    with pytest.raises(CommandError, match="Năm"):
        _cli("--year", "20245")


def test_dashboard_queries_do_not_grow_with_the_data(imported, lai_chau_product):
    """No query per row: the whole dashboard of the country costs the same with 9 or 60 recognitions."""

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            dashboard.build(stats.Area())
            dashboard.build(stats.area_for(None, 12))
        return len(ctx.captured_queries)

    queries()  # the lists that never change (sectors, sets, provinces, communes) are cached from here on
    before = queries()
    more = [
        [f"Sản phẩm {i}", f"HTX số {i}", "Hợp tác xã", f"Xã Bình Lư, {LC}", 7, 3, "11/QĐ", _day(LAST), LAST]
        for i in range(50)
    ]
    assert not import_rows([HEADER, *more]).errors
    assert queries() == before
    assert before <= 40


def test_report_and_tables_download(imported, client, lai_chau_officer):
    client.login(username="laichau", password=PASSWORD)
    pdf = client.get("/quan-ly/thong-ke/bao-cao.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/quan-ly/thong-ke/bao-cao.xlsx?year={OLD}")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    csv = client.get("/quan-ly/thong-ke/bang/coverage.csv").content.decode("utf-8-sig")
    assert "Xã Bình Lư" in csv and "Xã Hua Bum" in csv
    assert client.get("/quan-ly/thong-ke/bang/nope.csv").status_code == 404
    assert client.get("/quan-ly/thong-ke/bao-cao.doc").status_code == 404
