"""Abuse of the public stamp pages (issue 20, items 10–12): who counts as a device for the copied-stamp
rules (behind a trusted proxy or not), floods of fake reports, reports about codes that are no genuine
stamp, and the report page's way back."""

import datetime
import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from ocop.evaluation import services as evaluation
from ocop.monitoring.watchlist import watchlist
from ocop.traceability import public, services
from ocop.traceability.links import path_of
from ocop.traceability.models import ScanAlert, ScanEvent

TODAY = timezone.localdate()
PHONE = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile"
OTHER_AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Mobile Safari",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Zalo/24.11 (Linux; Android 13; Redmi Note 12)",
]
REPORT = "/kiem-tra-tem/bao-gia/"


@pytest.fixture
def stamps(lai_chau_product):
    lai_chau_product.gtin = "8936120300015"
    lai_chau_product.save()
    evaluation.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-ABUSE-1",
        star=4,
        decision_number="QĐ 1/QĐ-UBND",
        decision_date=TODAY - datetime.timedelta(days=30),
    )
    batch = services.stamps_issue(actor=None, product=lai_chau_product, count=20)
    services.stamps_activate(actor=None, batch=batch, lot_code="L1", produced=TODAY, first=1, last=10)
    return [path_of(u) for u in services.batch_urls(batch)]


@pytest.fixture
def limits_on(settings):
    """The real default limits (the test settings turn them off), with fresh counters."""
    caches["default"].clear()
    settings.OCOP_RATE_LIMITS = ""
    yield
    caches["default"].clear()


def scan(client, path, agent=PHONE, **extra):
    return client.get(path, HTTP_ACCEPT="application/json", HTTP_USER_AGENT=agent, **extra).json()


# --- item 11: what a device is ------------------------------------------------------------------------


def test_five_phones_of_one_model_on_five_networks_are_a_copy(stamps):
    verdicts = [
        scan(Client(REMOTE_ADDR=f"203.0.{k}.7"), stamps[0])["reasons"] for k in range(1, 6)
    ]  # one model (same User-Agent), five homes
    assert verdicts[:2] == [[], []] and verdicts[2:] == [["suspicious_scans"]] * 3
    alert = ScanAlert.objects.get(rule="burst_24h")
    assert alert.scans == 5 and alert.product_id is not None


def test_one_phone_with_three_user_agents_is_one_device(stamps):
    phone = Client(REMOTE_ADDR="203.0.113.7")
    for agent in [PHONE, *OTHER_AGENTS]:
        assert scan(phone, stamps[0], agent)["reasons"] == []
    assert not ScanAlert.objects.exists() and ScanEvent.objects.count() == 4


def test_one_phone_roaming_between_networks_keeps_its_cookie_and_is_one_device(stamps):
    """Mobile data at the shop, home Wi-Fi, the office: the device cookie joins the three networks."""
    phone = Client()
    for k, agent in enumerate(OTHER_AGENTS):
        assert scan(phone, stamps[1], agent, REMOTE_ADDR=f"198.51.{k}.20")["reasons"] == []
    assert not ScanAlert.objects.exists()
    assert len(set(ScanEvent.objects.values_list("fingerprint", flat=True))) == 3  # still told apart


def test_clearing_the_cookie_and_changing_the_browser_does_not_multiply_a_device(stamps):
    for agent in [PHONE, *OTHER_AGENTS, "curl/8.5"]:
        assert scan(Client(REMOTE_ADDR="203.0.113.7"), stamps[0], agent)["reasons"] == []
    assert not ScanAlert.objects.exists()


def test_behind_a_trusted_proxy_the_forwarded_address_counts(stamps, settings):
    settings.OCOP_TRUSTED_PROXIES = "127.0.0.1"
    for k in range(1, 4):
        scan(Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.{k}.9"), stamps[0])
    assert ScanAlert.objects.filter(rule="burst_24h").exists()
    networks = {fp[:8] for fp in ScanEvent.objects.values_list("fingerprint", flat=True)}
    assert networks == {services.fingerprint(f"203.0.{k}.9")[:8] for k in range(1, 4)}


def test_an_untrusted_peer_cannot_choose_its_address(stamps, settings):
    settings.OCOP_TRUSTED_PROXIES = "127.0.0.1"
    for k in range(1, 6):
        scan(Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.{k}.9"), stamps[0])
    assert not ScanAlert.objects.exists()
    networks = {fp[:8] for fp in ScanEvent.objects.values_list("fingerprint", flat=True)}
    assert networks == {services.fingerprint("198.51.100.7")[:8]}


def test_the_device_cookie_is_first_party_and_long_lived(client, stamps):
    first = client.get(stamps[0])
    cookie = first.cookies[public.DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    assert int(cookie["max-age"]) >= 365 * 24 * 3600 and re.fullmatch(r"[\w-]{16,64}", cookie.value)
    assert public.DEVICE_COOKIE not in client.get(stamps[1]).cookies  # kept, not renewed on every scan
    secure = Client().get(stamps[0], secure=True).cookies[public.DEVICE_COOKIE]
    assert secure["secure"]
    # A value the site never sets is not taken as a device: a new token replaces it.
    forged = Client()
    forged.cookies[public.DEVICE_COOKIE] = "<script>"
    assert forged.get(stamps[0]).cookies[public.DEVICE_COOKIE].value != "<script>"


def test_count_devices_joins_networks_only_through_a_device_token():
    a1, a2 = services.fingerprint("10.0.0.1", "token-a"), services.fingerprint("10.9.0.1", "token-a")
    b1 = services.fingerprint("10.0.0.200", "token-b")  # same /24 as a1
    c = services.fingerprint("10.5.0.1", "token-c")
    none1, none2 = services.fingerprint("10.6.0.1"), services.fingerprint("10.7.0.1")  # no token: no join
    assert services.count_devices({a1, a2, b1}) == 1
    assert services.count_devices({a1, a2, b1, c}) == 2
    assert services.count_devices({none1, none2}) == 2
    assert services.fingerprint("2001:db8::/64") == services.fingerprint("2001:db8::/64")
    assert services.count_devices(set()) == 0


# --- item 10: fake reports ------------------------------------------------------------------------------


def test_a_flood_of_reports_from_one_address_is_refused_and_counted_once(stamps, limits_on):
    answers = [
        Client(REMOTE_ADDR="203.0.113.7").post(REPORT, {"path": stamps[2], "note": f"giả {i}"}).status_code
        for i in range(70)  # a fresh cookie each time, as a script would
    ]
    assert answers.count(200) == 10 and answers.count(429) == 60
    assert ScanAlert.objects.filter(rule="report").count() == 1
    refused = Client(REMOTE_ADDR="203.0.113.7").post(REPORT, {"path": stamps[2], "note": "x"})
    page = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "quá nhiều báo cáo nghi hàng giả" in page and "Vui lòng thử lại sau" in page
    lines = watchlist(12)
    assert [(r.kind, r.count) for r in lines[0].reasons if r.kind == "fake_report"] == [("fake_report", 1)]


def test_one_device_reporting_from_several_networks_counts_once(stamps):
    phone = Client()
    phone.get(stamps[3])  # the scan sets the device cookie
    for k in range(3):
        r = phone.post(REPORT, {"path": stamps[3], "note": "Bao bì khác"}, REMOTE_ADDR=f"198.51.{k}.1")
        assert r.status_code == 200
    assert ScanAlert.objects.filter(rule="report").count() == 1


def test_one_stamp_takes_a_bounded_number_of_reports(stamps, limits_on):
    answers = [
        Client(REMOTE_ADDR=f"203.0.{k}.7").post(REPORT, {"path": stamps[4], "note": "nghi giả"})
        for k in range(12)
    ]
    assert [r.status_code for r in answers] == [200] * 10 + [429] * 2
    assert "Tem này đã nhận nhiều báo cáo" in answers[-1].content.decode()
    assert ScanAlert.objects.filter(rule="report").count() == 10
    other = Client(REMOTE_ADDR="203.0.99.7").post(REPORT, {"path": stamps[5], "note": "nghi giả"})
    assert other.status_code == 200  # another stamp has its own count


def test_reports_about_codes_that_are_no_genuine_stamp_do_not_raise_the_producer(stamps, lai_chau_product):
    genuine = stamps[0]
    code = genuine.rsplit("/", 1)[1]
    forged = [
        genuine.replace("08936120300015", "08936120300022"),  # gtin_mismatch: a real serial, another product
        genuine.replace("/10/L1/", "/10/L9/"),  # lot_mismatch
        genuine[: -len(code)] + code[:-1] + ("2" if code[-1] != "2" else "3"),  # bad tag or unknown
        "/t/ABCDEFGHJKMNPQ",  # malformed
    ]
    for k, path in enumerate(forged):
        r = Client(REMOTE_ADDR=f"203.0.{k}.7").post(REPORT, {"path": path, "note": "Nghi giả"})
        assert r.status_code == 200
    reports = ScanAlert.objects.filter(rule="report")
    assert reports.count() == 4
    assert not reports.filter(product__isnull=False).exists()  # no producer named…
    assert not reports.filter(province__isnull=False).exists()  # …the national list has them
    assert watchlist(12) == []
    Client(REMOTE_ADDR="203.0.50.7").post(REPORT, {"path": genuine, "note": "Nghi giả"})
    assert [line.producer for line in watchlist(12)] == [lai_chau_product.producer]


# --- item 12: the way back ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/\\evil.example/x", "//evil.example", "https://evil.example", "/%5Cevil.example", "/\t/evil.example"],
)
def test_report_page_links_back_only_to_this_site(client, db, path):
    r = client.post(REPORT, {"path": path, "note": ""})
    assert r.status_code == 400
    assert re.findall(r'href="([^"]*)#report"', r.content.decode()) == ["/kiem-tra-tem/"]


def test_report_page_links_back_to_the_scan(client, stamps):
    r = client.post(REPORT, {"path": stamps[0], "note": ""})
    assert re.findall(r'href="([^"]*)#report"', r.content.decode()) == [stamps[0]]
