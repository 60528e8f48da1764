"""A certificate vouches for the product as it stood at the decision: renaming the product afterwards (here
by its producer, through the API) changes neither the certificate's page, its PDF, its API nor the scan
page's certificate, which say the name has changed instead."""

import datetime
import json

import pytest
from django.utils import timezone
from reportlab.pdfgen.canvas import Canvas

from ocop.evaluation import services
from ocop.evaluation.models import Certificate
from ocop.traceability import services as traceability
from ocop.traceability.links import path_of

pytestmark = pytest.mark.django_db
OLD, NEW = "Chè Shan tuyết Tam Đường", "Trà thảo mộc giảm cân"
TODAY = timezone.localdate()


@pytest.fixture
def cert(lai_chau_product):
    lai_chau_product.gtin = "8936120300015"
    lai_chau_product.code = "12-03390-009-2026"
    lai_chau_product.save()
    return services.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-12-2026-001",
        star=4,
        decision_number="1234/QĐ-UBND",
        decision_date=TODAY - datetime.timedelta(days=30),
    )


def pdf_text(monkeypatch, client, number) -> str:
    """The strings drawn on the PDF (its text is stored as glyph ids of the embedded font)."""
    drawn = []
    for name in ("drawString", "drawCentredString"):
        original = getattr(Canvas, name)

        def spy(self, x, y, text, *args, _original=original, **kwargs):
            drawn.append(text)
            return _original(self, x, y, text, *args, **kwargs)

        monkeypatch.setattr(Canvas, name, spy)
    r = client.get(f"/chung-nhan/{number}/pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    return "\n".join(drawn)


def test_snapshot_taken_when_recorded(cert, lai_chau_product):
    assert cert.product_name == OLD and cert.product_code == "12-03390-009-2026"
    assert cert.producer_name == "HTX Chè Tam Đường"
    assert cert.producer_address.endswith("Xã Bình Lư, Tỉnh Lai Châu")
    assert cert.place == "Xã Bình Lư, Tỉnh Lai Châu"
    assert (cert.set_number, cert.set_name) == (11, lai_chau_product.product_set.name)


def test_renaming_the_product_does_not_rewrite_its_certificate(
    client, monkeypatch, cert, lai_chau_product, producer_user
):
    client.force_login(producer_user)
    r = client.patch(
        f"/api/v1/products/{lai_chau_product.public_id}",
        json.dumps({"name": NEW}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["name"] == NEW
    client.logout()
    # The public page: the certified name as its title, and a note with today's name.
    page = client.get("/chung-nhan/GCN-12-2026-001/").content.decode()
    title = page.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert OLD in title and NEW not in title
    assert f"Sản phẩm hiện bán với tên «{NEW}»" in page
    # The PDF draws the certified name only.
    text = pdf_text(monkeypatch, client, "GCN-12-2026-001")
    assert OLD in text and NEW not in text and "HTX Chè Tam Đường" in text and "Bộ sản phẩm: 11." in text
    # The API: the snapshot, with today's name beside it.
    data = client.get("/api/v1/public/certificates/GCN-12-2026-001").json()
    assert data["product_name"] == OLD and data["current_name"] == NEW
    assert data["product_code"] == "12-03390-009-2026" and data["star"] == 4
    assert data["product_set"]["number"] == 11 and data["status"] == "valid"
    assert client.get("/api/v1/public/certificates/KHONG-CO").json()["code"] == "not_found"
    # The catalogue shows the product as sold today, and whom its certificate was issued to.
    from ocop.catalogue.models import Listing

    listing = Listing.objects.get(product=lai_chau_product)
    page = client.get(f"/san-pham/{listing.public_id}/").content.decode()
    assert NEW in page and f"Giấy chứng nhận cấp cho sản phẩm với tên «{OLD}»" in page


def test_scan_page_says_whom_the_certificate_was_issued_to(client, cert, lai_chau_product, producer_user):
    batch = traceability.stamps_issue(actor=None, product=lai_chau_product, count=10)
    traceability.stamps_activate(
        actor=None,
        batch=batch,
        lot_code="L1",
        produced=TODAY - datetime.timedelta(days=3),
        expires=TODAY + datetime.timedelta(days=300),
        first=1,
        last=10,
    )
    url = path_of(next(iter(traceability.batch_urls(batch, 1))))
    assert "Cấp cho sản phẩm với tên" not in client.get(url).content.decode()
    client.force_login(producer_user)
    client.patch(
        f"/api/v1/products/{lai_chau_product.public_id}",
        json.dumps({"name": NEW}),
        content_type="application/json",
    )
    client.logout()
    page = client.get(url).content.decode()
    assert NEW in page and f"Cấp cho sản phẩm với tên «{OLD}»" in page
    data = client.get(url, HTTP_ACCEPT="application/json").json()
    assert data["product"]["name"] == NEW
    issued = data["certificate"]
    assert issued["product_name"] == OLD and issued["producer"] == "HTX Chè Tam Đường"


def test_backfill_fills_certificates_from_before(cert, lai_chau_product):
    import importlib

    from django.apps import apps

    Certificate.objects.filter(pk=cert.pk).update(product_name="", producer_name="", set_number=None)
    migration = importlib.import_module("ocop.evaluation.migrations.0004_certificate_snapshot")
    migration.backfill(apps, None)
    cert.refresh_from_db()
    assert cert.product_name == OLD and cert.producer_name == "HTX Chè Tam Đường" and cert.set_number == 11
