import datetime

import pytest

from ocop.evaluation import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert(lai_chau_product):
    return services.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-12-2026-001",
        star=4,
        decision_number="1234/QĐ-UBND",
        decision_date=datetime.date(2026, 6, 30),
    )


def test_certificate_pdf_embeds_a_vietnamese_font_and_the_qr(client, cert):
    r = client.get("/chung-nhan/GCN-12-2026-001/pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    pdf = r.content
    assert pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf and b"/Count 1" in pdf
    page = client.get("/chung-nhan/GCN-12-2026-001/").content.decode()
    assert "Còn hiệu lực" in page and "30/06/2029" in page and "/chung-nhan/GCN-12-2026-001/pdf" in page


def test_revoked_certificate_says_so(client, cert, lai_chau_officer, son_la_officer):
    client.force_login(son_la_officer)
    assert client.get("/quan-ly/danh-gia/chung-nhan/GCN-12-2026-001/thu-hoi/").status_code == 404
    client.force_login(lai_chau_officer)
    r = client.post(
        "/quan-ly/danh-gia/chung-nhan/GCN-12-2026-001/thu-hoi/",
        {"ground": "dd", "decision": "77/QĐ-UBND", "date": "01/03/2027"},
    )
    assert r.status_code == 302
    page = client.get("/chung-nhan/GCN-12-2026-001/").content.decode()
    assert "Đã bị thu hồi" in page and "Không còn sản xuất" in page


def test_unknown_certificate_is_a_clear_404(client):
    assert client.get("/chung-nhan/KHONG-CO/").status_code == 404
