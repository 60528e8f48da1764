"""Stamps end to end through the services, the scan page, the CLI and the API, and who may do what."""

import base64
import datetime
import io
import json
import re
import time
import zlib

import pytest
import zxingcpp
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from ocop.core import versions
from ocop.core.errors import OcopError
from ocop.evaluation import services as evaluation
from ocop.evaluation.models import Certificate
from ocop.traceability import labels, public, scanlog, services
from ocop.traceability.links import path_of
from ocop.traceability.models import Activation, Lot, ScanAlert, ScanEvent, StampBatch
from ocop.traceability.partitions import ensure_partitions, is_partitioned
from ocop.traceability.stampcode import display

TODAY = timezone.localdate()


@pytest.fixture
def certified(lai_chau_product):
    lai_chau_product.gtin = "8936120300015"
    lai_chau_product.code = "12-03390-009-2026"
    lai_chau_product.save()
    evaluation.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-TEST-1",
        star=4,
        decision_number="QĐ 1/QĐ-UBND",
        decision_date=TODAY - datetime.timedelta(days=30),
    )
    return lai_chau_product


@pytest.fixture
def batch(certified):
    b = services.stamps_issue(actor=None, product=certified, count=100)
    services.stamps_activate(
        actor=None,
        batch=b,
        lot_code="L1",
        produced=TODAY - datetime.timedelta(days=3),
        expires=TODAY + datetime.timedelta(days=300),
        first=1,
        last=60,
    )
    return b


def urls(b, n=100):
    return list(services.batch_urls(b, n))


def scan_json(client, url, agent="phone"):
    r = client.get(path_of(url), HTTP_ACCEPT="application/json", HTTP_USER_AGENT=agent)
    return r.status_code, r.json()


def test_genuine_tampered_unactivated_and_revoked(client, batch, certified):
    u = urls(batch)
    status, data = scan_json(client, u[0])
    assert status == 200 and data["verdict"] == "genuine" and data["reasons"] == []
    assert data["product"]["name"] == certified.name and data["certificate"]["number"] == "GCN-TEST-1"
    assert data["lot"]["code"] == "L1" and data["stamp"]["number"] == 1
    assert "/10/L1/21/" in u[0] and "/10/" not in u[60]  # the lot is in the URL once activated
    # One character changed anywhere in the code: counterfeit.
    code = u[0].rsplit("/", 1)[1]
    for i in range(len(code)):
        c = "2" if code[i] != "2" else "3"
        _s, d = scan_json(client, u[0][: -len(code)] + code[:i] + c + code[i + 1 :])
        assert d["verdict"] == "counterfeit" and d["reasons"][0] in {"bad_tag", "unknown_serial"}, i
    # The lot or the GTIN changed: counterfeit too.
    assert scan_json(client, u[0].replace("/10/L1/", "/10/L2/"))[1]["reasons"] == ["lot_mismatch"]
    assert scan_json(client, u[0].replace("08936120300015", "08936120300022"))[1]["reasons"] == [
        "gtin_mismatch"
    ]
    _s, d = scan_json(client, u[70])
    assert d["verdict"] == "warning" and d["reasons"] == ["not_activated"] and d["lot"] is None
    evaluation.certificate_revoke(
        actor=None,
        certificate=Certificate.objects.speaking_for(certified),
        ground="d",
        decision="QĐ 9",
        date=TODAY,
    )
    _s, d = scan_json(client, u[1])
    assert d["verdict"] == "warning" and d["reasons"] == ["certificate_revoked"]
    assert d["certificate"]["status"] == "revoked"


def test_expired_certificate_and_lot(client, batch, certified):
    cert = Certificate.objects.speaking_for(certified)
    cert.valid_until = TODAY - datetime.timedelta(days=400)
    cert.issued_on = TODAY - datetime.timedelta(days=1500)
    cert.save()
    assert scan_json(client, urls(batch, 1)[0])[1]["reasons"] == ["certificate_expired"]
    Lot.objects.update(expires=TODAY - datetime.timedelta(days=1))
    versions.bump()  # QuerySet.update sends no signal
    assert scan_json(client, urls(batch, 1)[0])[1]["reasons"] == ["certificate_expired", "lot_expired"]


@pytest.mark.parametrize(
    "path",
    ["/t/", "/t/abc", "/t/%ff", "/01/123", "/01/08936120300015/21/", "/t/" + "A" * 500, "/01/x/21/y/10/z"],
)
def test_malformed_links_get_a_clear_page(client, db, path):
    r = client.get(path)
    assert r.status_code == 404 and "Không phải tem OCOP thật" in r.content.decode()
    r = client.get(path, HTTP_ACCEPT="application/json")
    assert r.json()["verdict"] == "counterfeit" and r.json()["reasons"] == ["malformed"]


def test_a_nul_in_a_stamp_link_is_refused_before_the_scan(client, db):
    r = client.get("/t/%00%ff")  # PostgreSQL cannot even compare text holding NUL: core.middleware says so
    assert r.status_code == 400 and "NUL" in r.content.decode()


ICON = re.search(r'href="([^"]+)"', (settings.BASE_DIR / "templates" / "_icon.html").read_text()).group(1)


def test_scan_page_html_is_light_and_plain(client, batch):
    r = client.get(path_of(urls(batch, 1)[0]))
    html = r.content.decode()
    assert r.status_code == 200 and "Tem thật" in html and "L1" in html and "Hành trình sản phẩm" not in html
    assert len(r.content) < 20_000
    # No stylesheet or icon to fetch: the one <link> is the icon, inline (a data: URL, no request).
    assert re.findall(r"<link[^>]*>", html) == [f'<link rel="icon" href="{ICON}">']
    # One small script of the site's own (the optional location button), nothing inline, nothing external.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/ocop/scan.js" defer>']


def test_scan_page_is_rendered_once_per_range_and_filled_per_stamp(client, batch):
    """The page is cached per batch range, verdict and language; each stamp still shows its own code,
    number and location token, nothing of the cache's markers leaks, and the page sets no cookie but the
    device's, once."""
    first, second = (client.get(path_of(u)) for u in urls(batch, 2))
    for n, r in enumerate((first, second), start=1):
        html = r.content.decode()
        code = services.codec().code(batch.start + n - 1)
        assert display(code) in html and f"#{n}" in html and public._MARK not in html
        assert list(r.cookies) == ([public.DEVICE_COOKIE] if n == 1 else [])
        assert "csrfmiddlewaretoken" not in html
    tokens = [re.search(r'data-token="([^"]+)"', r.content.decode()).group(1) for r in (first, second)]
    assert tokens[0] != tokens[1]
    hostile = client.get('/t/"><script>alert(1)</script>')
    assert hostile.status_code == 404 and "<script>alert(1)" not in hostile.content.decode()


def test_a_change_made_elsewhere_reaches_the_next_scan(client, batch, certified):
    """Another app server revokes the certificate: this server's cached card is stale, and the public data
    version read with the batch tells it so."""
    u = urls(batch, 1)[0]
    assert scan_json(client, u)[1]["verdict"] == "genuine"
    Certificate.objects.filter(product=certified).update(revoked_on=TODAY)  # no signal in this process
    assert scan_json(client, u)[1]["verdict"] == "genuine"  # no signal, no bump: still the cached card
    versions.bump()  # what the other server's save did
    assert scan_json(client, u)[1]["reasons"] == ["certificate_revoked"]


def test_a_scan_of_a_known_batch_is_one_query(batch, settings):
    """Once the batch's card is built, a scan reads one row (batch, data version, others' scans) — through
    the driver's own cursor in production, and through Django's when queries are logged; both agree."""
    path = path_of(urls(batch, 1)[0])
    scanner = (services.fingerprint("10.0.0.1", "phone-1-token"), timezone.now() - services.RULES_WINDOW)
    fast = services.verify(path, scanner=scanner)
    with CaptureQueriesContext(connection) as queries:
        logged = services.verify(path, scanner=scanner)
    assert len(queries) == 1 and "EXISTS" in queries[0]["sql"]
    assert (fast.verdict, fast.number, fast.others_scanned) == (logged.verdict, logged.number, False)
    assert fast.card is logged.card and fast.verdict == "genuine"
    services.scan(path, address="10.0.1.2", device="phone-2-token")
    with CaptureQueriesContext(connection):
        assert services.verify(path, scanner=scanner).others_scanned
    assert services.verify(path, scanner=scanner).others_scanned


def test_language_link_stays_on_this_site(client, db):
    r = client.get("/ngon-ngu/en/?next=/kiem-tra-tem/")
    assert (
        r.status_code == 302
        and r["Location"] == "/kiem-tra-tem/"
        and r.cookies["django_language"].value == "en"
    )
    assert client.get("/ngon-ngu/en/?next=//evil.example/x")["Location"] == "/"
    assert client.get("/ngon-ngu/en/?next=https://evil.example/")["Location"] == "/"
    assert client.get("/ngon-ngu/xx/").status_code == 404


def test_every_scan_is_logged_and_copies_raise_alerts(client, batch, settings):
    u = urls(batch, 1)[0]
    for _ in range(3):
        scan_json(client, u, agent="same phone")  # reloads by one phone are not copies
    assert ScanEvent.objects.count() == 3 and not ScanAlert.objects.exists()
    phones = [Client(REMOTE_ADDR=f"203.0.{k}.7") for k in (2, 3, 4)]  # other phones, other networks
    scan_json(phones[0], u)
    _s, d = scan_json(phones[1], u)
    assert d["verdict"] == "warning" and d["reasons"] == ["suspicious_scans"]
    alert = ScanAlert.objects.get()
    assert alert.rule == "burst_24h" and alert.scans == 3 and alert.province_id == 12
    scan_json(phones[2], u)
    alert.refresh_from_db()
    assert alert.scans == 4 and ScanAlert.objects.count() == 1  # one open alert per rule, refreshed
    assert ScanEvent.objects.count() == 6
    ev = ScanEvent.objects.order_by("-id").first()
    assert ev.verdict == "warning" and ev.reasons == "suspicious_scans" and len(ev.fingerprint) == 16


def test_scans_from_three_provinces(batch):
    path = path_of(urls(batch, 2)[1])
    now = timezone.now()
    for k, (lat, lon) in enumerate([(22.39, 103.46), (21.03, 105.85), (10.78, 106.7)]):
        _v, ev = services.scan(path, address=f"10.1.{k}.1", now=now - datetime.timedelta(days=5))
        services.scan_locate(ev.stamp, ev.scanned_at, ev.fingerprint, lat, lon)
    assert ScanAlert.objects.filter(rule="provinces").exists()
    assert sorted(ScanEvent.objects.values_list("place_province", flat=True)) == [1, 12, 79]
    with pytest.raises(OcopError):
        services.scan_locate(
            ev.stamp, ev.scanned_at, ev.fingerprint, 48.8, 2.3
        )  # Paris is not a coarse place here


def test_location_needs_a_signed_token(client, batch):
    r = client.get(path_of(urls(batch, 1)[0]))
    token = re.search(r'data-token="([^"]+)"', r.content.decode()).group(1)
    assert (
        client.post("/kiem-tra-tem/vi-tri/", {"token": token, "lat": "22.4", "lon": "103.5"}).json()[
            "province"
        ]
        == 12
    )
    bad = client.post("/kiem-tra-tem/vi-tri/", {"token": token[:-2] + "xx", "lat": "22.4", "lon": "103.5"})
    assert bad.status_code == 400
    assert client.post("/kiem-tra-tem/vi-tri/", {"token": token, "lat": "abc", "lon": "1"}).status_code == 400


def test_fake_report_reaches_the_province_only(client, batch, lai_chau_officer, son_la_officer):
    u = urls(batch, 1)[0]
    assert client.post("/kiem-tra-tem/bao-gia/", {"path": path_of(u), "note": ""}).status_code == 400
    hostile = client.post("/kiem-tra-tem/bao-gia/", {"path": "javascript:alert(1)", "note": ""})
    assert hostile.status_code == 400 and "javascript:" not in hostile.content.decode()
    assert not ScanAlert.objects.exists()
    r = client.post("/kiem-tra-tem/bao-gia/", {"path": path_of(u), "note": "Bao bì khác, giá rẻ bất thường"})
    assert r.status_code == 200 and ScanAlert.objects.filter(rule="report").count() == 1
    client.post("/kiem-tra-tem/bao-gia/", {"path": path_of(u), "note": "Lần nữa"})  # one device: once
    assert ScanAlert.objects.filter(rule="report").count() == 1
    client.post(
        "/kiem-tra-tem/bao-gia/", {"path": path_of(u), "note": "Cũng thấy"}, REMOTE_ADDR="198.51.100.4"
    )
    assert ScanAlert.objects.filter(rule="report").count() == 2
    client.force_login(son_la_officer)
    assert "Bao bì khác" not in client.get("/quan-ly/tem/canh-bao/").content.decode()
    alert = ScanAlert.objects.first()
    client.post(f"/quan-ly/tem/canh-bao/{alert.public_id}/dong/", {"note": "x"})
    alert.refresh_from_db()
    assert alert.status == "open"
    client.force_login(lai_chau_officer)
    assert "Bao bì khác" in client.get("/quan-ly/tem/canh-bao/").content.decode()
    client.post(f"/quan-ly/tem/canh-bao/{alert.public_id}/dong/", {"note": "Đã kiểm tra điểm bán"})
    alert.refresh_from_db()
    assert alert.status == "closed"


def test_issue_is_one_row_and_a_million_costs_what_ten_cost(certified):
    t = time.perf_counter()
    small = services.stamps_issue(actor=None, product=certified, count=10)
    t_small = time.perf_counter() - t
    t = time.perf_counter()
    big = services.stamps_issue(actor=None, product=certified, count=1_000_000)
    t_big = time.perf_counter() - t
    assert StampBatch.objects.count() == 2 and big.start == small.start + 10
    assert t_big < max(20 * t_small, 0.5)
    assert services.batch_serial(big, 1_000_000) == services.codec().code(big.start + 999_999)


def test_activation_rules(batch, certified):
    with pytest.raises(OcopError) as e:
        services.stamps_activate(actor=None, batch=batch, lot_code="L2", produced=TODAY, first=50, last=70)
    assert e.value.code == "range_taken"
    with pytest.raises(OcopError) as e:
        services.stamps_activate(actor=None, batch=batch, lot_code="L2", produced=TODAY, first=90, last=101)
    assert e.value.code == "range_invalid"
    for bad in ["", "lô 1", "A" * 21, "a/b"]:
        with pytest.raises(OcopError) as e:
            services.stamps_activate(actor=None, batch=batch, lot_code=bad, produced=TODAY, first=61, last=70)
        assert e.value.code == "lot_code_invalid"
    with pytest.raises(OcopError) as e:
        services.stamps_activate(
            actor=None, batch=batch, lot_code="L2", produced=TODAY, expires=TODAY, first=61, last=70
        )
    assert e.value.code == "expires_before_produced"
    with pytest.raises(OcopError):
        services.stamps_activate(actor=None, batch=batch, lot_code="L1", produced=TODAY, first=61, last=70)
    assert Activation.objects.count() == 1 and Lot.objects.count() == 1  # nothing half-done
    services.stamps_activate(actor=None, batch=batch, lot_code="L2", produced=TODAY, first=61, last=100)
    assert services.batch_stats(batch) == {"count": 100, "activated": 100, "idle": 0}


def test_no_stamps_without_a_live_certificate(lai_chau_product, certified):
    batch = services.stamps_issue(actor=None, product=certified, count=5)
    evaluation.certificate_revoke(
        actor=None,
        certificate=Certificate.objects.speaking_for(certified),
        ground="b",
        decision="QĐ 9",
        date=TODAY,
    )
    for call in (
        lambda: services.stamps_issue(actor=None, product=certified, count=5),
        lambda: services.stamps_activate(actor=None, batch=batch, lot_code="L9", produced=TODAY),
    ):
        with pytest.raises(OcopError) as e:
            call()
        assert e.value.code == "certificate_not_valid" and "thu hồi" in e.value.message


def test_scope_producer_and_other_province(
    client, batch, producer_user, son_la_officer, lai_chau_officer, son_la_product
):
    client.force_login(son_la_officer)
    assert client.get(f"/quan-ly/tem/dot/{batch.public_id}/").status_code == 404
    assert client.get(f"/quan-ly/tem/dot/{batch.public_id}/url.txt").status_code == 404
    assert batch.public_id not in client.get("/quan-ly/tem/").content.decode()
    with pytest.raises(OcopError):
        services.stamps_issue(actor=son_la_officer, product=batch.product, count=5)
    with pytest.raises(OcopError):
        services.stamps_activate(
            actor=son_la_officer, batch=batch, lot_code="X", produced=TODAY, first=61, last=61
        )
    client.force_login(producer_user)
    r = client.post("/quan-ly/tem/", {"product": son_la_product.pk, "count": 5})
    assert r.status_code == 200 and StampBatch.objects.count() == 1  # not theirs: refused by the form
    r = client.post("/quan-ly/tem/", {"product": batch.product.pk, "count": 7})
    assert r.status_code == 302 and StampBatch.objects.count() == 2
    new = StampBatch.objects.get(count=7)
    r = client.post(
        f"/quan-ly/tem/dot/{new.public_id}/",
        {"lot": "LX", "produced": TODAY.strftime("%d/%m/%Y"), "first": 1, "last": 99},
    )
    assert r.status_code == 200 and "Dải tem không hợp lệ" in r.content.decode()
    r = client.post(
        f"/quan-ly/tem/dot/{new.public_id}/",
        {"lot": "LX", "produced": TODAY.strftime("%d/%m/%Y"), "first": 1, "last": 7},
    )
    assert r.status_code == 302 and new.activations.count() == 1
    body = b"".join(client.get(f"/quan-ly/tem/dot/{new.public_id}/url.txt").streaming_content).decode()
    assert body.count("\n") == 7 and "/10/LX/21/" in body


def test_cli_contract(batch, certified, capsys, tmp_path):
    call_command("stamps", "issue", "--product", certified.code, "--count", "25", "--json")
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"batch", "count", "first", "last"} and out["count"] == 25
    b = StampBatch.objects.get(public_id=out["batch"])
    assert out["first"] == services.batch_serial(b, 1) and out["last"] == services.batch_serial(b, 25)
    call_command(
        "stamps",
        "activate",
        "--batch",
        out["batch"],
        "--lot",
        "C1",
        "--produced",
        str(TODAY),
        "--from",
        "1",
        "--to",
        "10",
        "--json",
    )
    act = json.loads(capsys.readouterr().out)
    assert act["lot"] == "C1" and act["from"] == 1 and act["to"] == 10
    call_command("stamps", "export", "--batch", out["batch"], "--format", "urls", "--limit", "12")
    lines = capsys.readouterr().out.splitlines()
    assert (
        len(lines) == 12
        and lines[0].endswith(out["first"])
        and "/10/C1/" in lines[9]
        and "/10/" not in lines[10]
    )
    pdf = tmp_path / "nhan.pdf"
    call_command("stamps", "labels", "--batch", out["batch"], "--out", str(pdf), "--limit", "30")
    decoded = decode_pdf_qrs(pdf.read_bytes())
    assert decoded[:12] == lines and len(decoded) == 25
    for argv in (
        ["issue", "--product", "NO-SUCH", "--count", "5"],
        ["issue", "--product", certified.code, "--count", "0"],
        ["activate", "--batch", out["batch"], "--lot", "C2", "--produced", "2026-02-30"],
        [
            "activate",
            "--batch",
            out["batch"],
            "--lot",
            "C2",
            "--produced",
            str(TODAY),
            "--from",
            "5",
            "--to",
            "12",
        ],
        ["export", "--batch", "NOPE"],
    ):
        with pytest.raises(CommandError) as e:
            call_command("stamps", *argv)
        assert e.value.returncode == 2


def pdf_contents(pdf: bytes) -> list[bytes]:
    """The inflated streams of a PDF."""
    contents = []
    for stream in re.findall(rb"stream\s*\n(.*?)endstream", pdf, re.S):
        data = stream.strip()
        try:
            contents.append(zlib.decompress(base64.a85decode(data[:-2]) if data.endswith(b"~>") else data))
        except (zlib.error, ValueError):
            continue
    return contents


def decode_pdf_qrs(pdf: bytes) -> list[str]:
    """Read back every QR of a label PDF: take the inline image masks of the page streams, decode."""
    texts = []
    for content in pdf_contents(pdf):
        for side, hexdata in re.findall(
            rb"BI /W (\d+) /H \d+ /IM true /BPC 1 /F /AHx ID ([0-9a-f]+)> EI", content
        ):
            n = int(side)
            raw = bytes.fromhex(hexdata.decode())
            row = (n + 7) // 8
            img = Image.new("L", (n + 8, n + 8), 255)
            for y in range(n):
                bits = int.from_bytes(raw[y * row : (y + 1) * row])
                for x in range(n):
                    if not (bits >> (row * 8 - 1 - x)) & 1:
                        img.putpixel((x + 4, y + 4), 0)
            img = img.resize(((n + 8) * 8, (n + 8) * 8), Image.NEAREST)
            texts.append(zxingcpp.read_barcode(img).text)
    return texts


def test_label_layouts_and_page_download(client, batch, lai_chau_officer):
    for layout in labels.LAYOUTS.values():
        out = io.BytesIO()
        n = labels.render(
            out,
            services.batch_stamps(batch, 30),
            total=30,
            product_name="Chè «Shan» tuyết",
            star=4,
            layout=layout,
        )
        assert n == 30 and out.getvalue().startswith(b"%PDF") and out.getvalue().count(b"/Type /Page\n") >= 1
    client.force_login(lai_chau_officer)
    r = client.get(
        f"/quan-ly/tem/dot/{batch.public_id}/nhan.pdf", {"layout": "a4-40", "first": 61, "last": 70}
    )
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    qrs = decode_pdf_qrs(r.content)
    assert len(qrs) == 10 and qrs[0] == urls(batch)[60]
    page = b"".join(pdf_contents(r.content)).decode("latin-1")
    number, code, _url = next(services.batch_stamps(batch, 61, first=61))
    assert f"({display(code)}) Tj" in page and f"(#{number}) Tj" in page  # each label's code and number
    big = services.stamps_issue(actor=None, product=batch.product, count=6000)
    r = client.get(
        f"/quan-ly/tem/dot/{big.public_id}/nhan.pdf", {"layout": "a4-40", "first": 1, "last": 6000}
    )
    assert r.status_code == 302
    r = client.get(f"/quan-ly/tem/dot/{big.public_id}/nhan.pdf", {"layout": "a4-40", "first": 9, "last": 3})
    assert r.status_code == 302  # over the page's limit: back with a message


def test_api_issue_activate_urls_and_verify(client, batch, certified, lai_chau_officer, son_la_officer):
    r = client.post(
        "/api/v1/stamps/batches", {"product": certified.code, "count": 5}, content_type="application/json"
    )
    assert r.status_code == 401
    client.force_login(son_la_officer)
    r = client.post(
        "/api/v1/stamps/batches", {"product": certified.code, "count": 5}, content_type="application/json"
    )
    assert r.status_code == 404
    client.force_login(lai_chau_officer)
    r = client.post(
        "/api/v1/stamps/batches", {"product": certified.code, "count": 5}, content_type="application/json"
    )
    assert r.status_code == 200 and set(r.json()) == {"batch", "count", "first", "last"}
    bid = r.json()["batch"]
    r = client.post(
        f"/api/v1/stamps/batches/{bid}/activate",
        {"lot": "A1", "produced": str(TODAY), "from": 1, "to": 3},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["count"] == 3
    r = client.post(
        f"/api/v1/stamps/batches/{bid}/activate",
        {"lot": "A1", "produced": str(TODAY), "from": 3, "to": 4},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "range_taken"
    body = b"".join(client.get(f"/api/v1/stamps/batches/{bid}/urls").streaming_content).decode()
    assert body.count("\n") == 5
    client.logout()
    stamp = body.splitlines()[0]
    r = client.get("/api/v1/verify", {"url": stamp})
    assert r.json()["ocop"] is True and r.json()["verdict"] == "genuine"
    assert client.get("/api/v1/verify", {"url": stamp[:-1] + "2"}).json()["ocop"] is False
    r = client.get("/api/v1/verify", {"url": "https://ocop.example.vn/chung-nhan/GCN-TEST-1/"})
    assert r.json()["ocop"] is True and r.json()["certificate"]["star"] == 4
    assert client.get("/api/v1/verify", {"url": "rác"}).json()["verdict"] == "counterfeit"
    assert not ScanEvent.objects.exists()  # marketplace checks are not consumer scans


def test_lot_story_page(client, batch, producer_user):
    client.force_login(producer_user)
    lot = Lot.objects.get()
    url = f"/quan-ly/tem/lo/{lot.public_id}/"
    r = client.post(
        url,
        {
            "kind": "packing",
            "occurred_on": (TODAY + datetime.timedelta(days=2)).strftime("%d/%m/%Y"),
            "place": "Xưởng",
            "actor_name": "Tổ đóng gói",
        },
    )
    assert r.status_code == 200 and "không thể sau hôm nay" in r.content.decode() and not lot.events.exists()
    r = client.post(
        url,
        {
            "kind": "packing",
            "occurred_on": TODAY.strftime("%d/%m/%Y"),
            "place": "Xưởng",
            "actor_name": "Tổ đóng gói",
            "note": "<script>alert(1)</script>",
        },
    )
    assert r.status_code == 302 and lot.events.count() == 1
    page = client.get(path_of(urls(batch, 1)[0])).content.decode()
    assert "Hành trình sản phẩm" in page and "<script>alert(1)" not in page


def test_manual_check(client, batch):
    code = urls(batch, 1)[0].rsplit("/", 1)[1]
    r = client.get("/kiem-tra-tem/", {"ma": code[:4].lower() + "-" + code[4:8] + " " + code[8:]})
    assert r.status_code == 302 and r["Location"] == f"/t/{code}"
    assert client.get(r["Location"], HTTP_ACCEPT="application/json").json()["verdict"] == "genuine"
    assert client.get("/kiem-tra-tem/", {"ma": "<>!"}).status_code == 400


def test_scan_events_partitioned_on_postgresql(batch):
    from django.db import connection

    if connection.vendor != "postgresql":
        assert not is_partitioned() and ensure_partitions() == []
        return
    assert is_partitioned()
    services.scan("/t/ABC", address="1")
    far = timezone.now() + datetime.timedelta(days=400)
    services.scan("/t/ABC", address="1", now=far)  # lands in the default partition
    created = ensure_partitions(today=far.date(), ahead=0, behind=0)
    assert len(created) == 1
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {created[0]}")
        assert cur.fetchone()[0] == 1  # moved out of the default partition
    assert ScanEvent.objects.count() == 2


def test_scan_log_is_written_behind_and_survives_a_failed_write(batch, settings, monkeypatch):
    """With a delay the scan is answered before its row is written; rows wait in the buffer, a failed write
    keeps them for the next round, and a flush writes them all in order. A scan made inside a transaction
    (this test runs in one) is written in it at once."""
    settings.OCOP_SCAN_LOG_DELAY = 60
    monkeypatch.setattr(scanlog.Buffer, "_start", lambda self: None)  # this test flushes by hand
    buffer = scanlog.Buffer()
    monkeypatch.setattr(scanlog, "buffer", buffer)
    paths = [path_of(u) for u in urls(batch, 3)]
    services.scan(paths[0], address="10.9.9.9")
    assert buffer.pending() == 0 and ScanEvent.objects.count() == 1
    ScanEvent.objects.all().delete()
    monkeypatch.setattr(scanlog.Buffer, "_in_transaction", staticmethod(lambda: False))  # as in a request
    for p in paths:
        v, _row = services.scan(p, address="10.9.9.9")
        assert v.verdict == "genuine"  # the page is answered, nothing written yet
    assert buffer.pending() == 3 and not ScanEvent.objects.exists()

    def broken(rows):
        raise OperationalError("database is locked")

    real_write = scanlog.write
    monkeypatch.setattr(scanlog, "write", broken)
    with pytest.raises(OperationalError):
        buffer.flush()
    assert buffer.pending() == 3 and not ScanEvent.objects.exists()
    monkeypatch.setattr(scanlog, "write", real_write)
    assert buffer.flush() == 3 and buffer.pending() == 0
    logged = list(ScanEvent.objects.order_by("id").values_list("stamp", flat=True))
    assert logged == [batch.start, batch.start + 1, batch.start + 2]
