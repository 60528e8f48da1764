"""The inspection watchlist: signals counted by hand on a small province, the same numbers on the page,
in the CLI and the API, and who may see which province."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ocop.evaluation import services as evaluation
from ocop.monitoring.priority import Signal, rank
from ocop.monitoring.watchlist import watchlist
from ocop.registry import services as registry
from ocop.registry.models import ProductSet
from ocop.testing import PASSWORD
from ocop.traceability import services as stamps
from ocop.traceability.links import path_of

TODAY = timezone.localdate()


def test_rank_groups_by_producer_and_orders_by_weight():
    found = [
        Signal("no_recent_lot", 1),
        Signal("copied_stamp", 2, 2),
        Signal("copied_stamp", 2, 1),  # same kind and product: one signal, counts added
        Signal("reevaluation_window", 3, 40),
        Signal("certificate_expired", 4),
    ]
    entries = rank(found, {1: 10, 2: 20, 3: 10, 4: 30}, {10: "A", 20: "B", 30: "C"})
    assert [(e.producer_id, e.score) for e in entries] == [(20, 30), (30, 10), (10, 8)]
    assert entries[0].signals == [Signal("copied_stamp", 2, 3)]
    assert [s.kind for s in entries[2].signals] == ["no_recent_lot", "reevaluation_window"]


def _certify(product, number, days_ago):
    return evaluation.certificate_record(
        actor=None,
        product=product,
        number=number,
        star=3,
        decision_number="QĐ 1/QĐ-UBND",
        decision_date=TODAY - datetime.timedelta(days=days_ago),
    )


@pytest.fixture
def province(lai_chau_product, lai_chau_commune, son_la_product, product_set):
    """Lai Châu: producer 1 has copied, reported and idle stamps; producer 2 an expired certificate and a
    revoked product still scanned; a Sơn La product with an expired certificate must not show."""
    _certify(lai_chau_product, "GCN-A", 30)
    batch = stamps.stamps_issue(actor=None, product=lai_chau_product, count=20)
    stamps.stamps_activate(actor=None, batch=batch, lot_code="L1", produced=TODAY, first=1, last=10)
    paths = [path_of(u) for u in stamps.batch_urls(batch)]
    for device in ("a", "b", "c"):
        stamps.scan(paths[1], address=device)  # stamp 2: three phones → copied
    for device in ("d", "e"):
        stamps.scan(paths[14], address=device)  # stamp 15 never activated
    stamps.fake_report(paths[2], note="Bao bì khác")
    second = registry.producer_create(
        actor=None, name="HTX Mật ong Sìn Hồ", type="htx", commune=lai_chau_commune
    )
    expired = registry.product_create(
        actor=None, name="Mật ong Sìn Hồ", producer=second, product_set=product_set, star=3, year=2022
    )
    _certify(expired, "GCN-B", 4 * 365)
    revoked = registry.product_create(
        actor=None, name="Mật ong bạc hà", producer=second, product_set=product_set, star=3, year=2024
    )
    cert = _certify(revoked, "GCN-C", 60)
    b2 = stamps.stamps_issue(actor=None, product=revoked, count=5)
    stamps.stamps_activate(actor=None, batch=b2, lot_code="M1", produced=TODAY)
    evaluation.certificate_revoke(actor=None, certificate=cert, ground="b", decision="QĐ 9", date=TODAY)
    for device in ("f", "g"):
        stamps.scan(path_of(next(stamps.batch_urls(b2, 1))), address=device)
    _certify(son_la_product, "GCN-S", 4 * 365)
    return lai_chau_product.producer, second


def test_hand_counted_signals_and_ranking(province, django_assert_max_num_queries):
    first, second = province
    with django_assert_max_num_queries(10):  # a fixed number of aggregate queries, whatever the size
        lines = watchlist(12)
    assert [(line.producer, line.score) for line in lines] == [(first, 30 + 20 + 15), (second, 25 + 10)]
    reasons = {(r.kind, r.product.name, r.count) for line in lines for r in line.reasons}
    assert reasons == {
        ("copied_stamp", "Chè Shan tuyết Tam Đường", 1),
        ("fake_report", "Chè Shan tuyết Tam Đường", 1),
        ("scanned_not_activated", "Chè Shan tuyết Tam Đường", 1),
        ("mark_misuse", "Mật ong bạc hà", 2),
        ("certificate_expired", "Mật ong Sìn Hồ", 1),
    }
    assert "2 lượt" in next(r.text for r in lines[1].reasons if r.kind == "mark_misuse")
    assert [line.producer.name for line in watchlist(14)] == ["HTX Chè Mộc Châu"]  # Sơn La's own list


def test_no_lot_in_twelve_months_and_reevaluation_window(lai_chau_product):
    _certify(lai_chau_product, "GCN-OLD", 3 * 365 - 100)  # certified ~2.7 years ago, expires in ~100 days
    [line] = watchlist(12)
    assert {r.kind for r in line.reasons} == {"no_recent_lot", "reevaluation_window"}
    window = next(r for r in line.reasons if r.kind == "reevaluation_window")
    assert 90 <= window.count <= 110
    lai_chau_product.product_set = ProductSet.objects.get(taxonomy__current=True, number=26)
    lai_chau_product.save()
    [line] = watchlist(12)  # a tourism service has no production lots to miss
    assert {r.kind for r in line.reasons} == {"reevaluation_window"}


def test_page_cli_and_api_agree(client, province, lai_chau_officer):
    client.login(username="laichau", password=PASSWORD)
    page = client.get("/quan-ly/giam-sat/").content.decode()
    assert page.index("HTX Chè Tam Đường") < page.index("HTX Mật ong Sìn Hồ")
    assert "Tem nghi bị sao chép" in page and 'data-kind="mark_misuse"' in page
    api = client.get("/api/v1/monitoring/watchlist").json()
    out = io.StringIO()
    call_command("watchlist", "--province", "12", "--json", stdout=out)
    cli = json.loads(out.getvalue())
    assert api == cli and [p["score"] for p in cli["producers"]] == [65, 35]
    assert cli["producers"][0]["reasons"][0]["kind"] == "copied_stamp"
    with pytest.raises(CommandError) as e:
        call_command("watchlist", "--province", "99")
    assert "Không có tỉnh" in str(e.value)


def test_who_sees_which_province(client, province, son_la_officer, inspector, national, producer_user):
    client.login(username="sonla", password=PASSWORD)
    assert client.get("/quan-ly/giam-sat/?tinh=12").status_code == 404
    assert client.get("/api/v1/monitoring/watchlist?province=12").status_code == 404
    assert "HTX Chè Tam Đường" not in client.get("/quan-ly/giam-sat/").content.decode()
    client.login(username="thanhtra", password=PASSWORD)
    assert "HTX Chè Tam Đường" in client.get("/quan-ly/giam-sat/").content.decode()
    client.login(username="chuthe", password=PASSWORD)
    assert client.get("/quan-ly/giam-sat/").status_code == 403
    assert client.get("/api/v1/monitoring/watchlist?province=12").status_code == 403
    client.login(username="quantri", password=PASSWORD)
    assert '<select name="tinh"' in client.get("/quan-ly/giam-sat/").content.decode()
    assert "HTX Chè Tam Đường" in client.get("/quan-ly/giam-sat/?tinh=12").content.decode()
    assert client.get("/quan-ly/giam-sat/?tinh=99").status_code == 404
    client.logout()
    assert client.get("/quan-ly/giam-sat/").status_code == 302  # to the login page
