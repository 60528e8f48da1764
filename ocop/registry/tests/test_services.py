import json

import pytest

from ocop.core.audit import history
from ocop.core.errors import OcopError
from ocop.registry import services
from ocop.registry.models import Product


@pytest.mark.django_db
def test_product_code_follows_t_x_stt_yyyy(lai_chau_producer, product_set):
    a = services.product_create(
        actor=None, name="A", producer=lai_chau_producer, product_set=product_set, year=2025
    )
    b = services.product_create(
        actor=None, name="B", producer=lai_chau_producer, product_set=product_set, year=2025
    )
    c = services.product_create(actor=None, name="C", producer=lai_chau_producer, product_set=product_set)
    commune = lai_chau_producer.commune
    assert a.code == f"12-{commune.code:05d}-001-2025"
    assert b.code == f"12-{commune.code:05d}-002-2025"
    assert c.code is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("gtin", "8934588012227", "gtin_invalid"),
        ("star", 6, "star_invalid"),
        ("code", "12-1-1-2025", "code_invalid"),
        ("name", "   ", "name_required"),
    ],
)
def test_product_validation(lai_chau_producer, product_set, field, value, code):
    data = {"name": "Chè", "producer": lai_chau_producer, "product_set": product_set, field: value}
    with pytest.raises(OcopError) as e:
        services.product_create(actor=None, **data)
    assert e.value.code == code
    assert Product.objects.count() == 0


@pytest.mark.django_db
def test_update_is_audited_with_before_and_after(lai_chau_officer, lai_chau_product):
    services.product_update(actor=lai_chau_officer, product=lai_chau_product, star=5, decision_number="12/QĐ")
    entry = history(lai_chau_product).first()
    assert entry.actor == lai_chau_officer
    assert entry.action == "product.update"
    assert entry.changes["star"] == [4, 5]
    assert entry.changes["decision_number"] == ["", "12/QĐ"]
    # A save without a change writes no entry.
    n = history(lai_chau_product).count()
    services.product_update(actor=lai_chau_officer, product=lai_chau_product, star=5)
    assert history(lai_chau_product).count() == n


@pytest.mark.django_db
def test_history_is_shown_on_the_record(client, lai_chau_officer, lai_chau_product):
    services.product_update(actor=lai_chau_officer, product=lai_chau_product, star=5)
    client.force_login(lai_chau_officer)
    page = client.get(f"/quan-ly/san-pham/{lai_chau_product.public_id}/").content.decode()
    assert "Lịch sử thay đổi" in page and "laichau" in page
    # Translated field label and action, the old value struck through.
    assert "<b>Số sao</b>: <s>4</s> → 5" in page
    assert "<td>Sửa" in page
    api = client.get(f"/api/v1/products/{lai_chau_product.public_id}/history").json()
    assert api[0]["changes"]["star"] == [4, 5]


@pytest.mark.django_db
def test_edit_form_with_old_address_and_bad_input(client, lai_chau_officer, lai_chau_product, son_la_commune):
    client.force_login(lai_chau_officer)
    url = f"/quan-ly/chu-the/{lai_chau_product.producer.public_id}/sua/"
    base = {"name": "HTX Chè Tam Đường", "type": "htx", "tax_code": "6200123456"}
    r = client.post(url, {**base, "commune": "Xã Bản Hon, huyện Tam Đường, tỉnh Lai Châu"})
    assert r.status_code == 302
    lai_chau_product.producer.refresh_from_db()
    assert lai_chau_product.producer.commune.name == "Xã Khun Há"
    r = client.post(url, {**base, "commune": f"{son_la_commune.name}, Sơn La"})
    assert r.status_code == 200 and "là chuyển tỉnh, do cơ quan OCOP trung ương" in r.content.decode()
    r = client.post(url, {**base, "commune": "Xã Không Có, Lai Châu", "tax_code": "abc"})
    body = r.content.decode()
    assert r.status_code == 200 and "Không tìm thấy xã/phường" in body
    lai_chau_product.producer.refresh_from_db()
    assert lai_chau_product.producer.commune.province_id == 12


@pytest.mark.django_db
def test_search_ignores_diacritics(client, lai_chau_officer, lai_chau_product):
    client.force_login(lai_chau_officer)
    page = client.get("/quan-ly/san-pham/", {"q": "che shan TUYET"}).content.decode()
    assert "Chè Shan tuyết Tam Đường" in page
    page = client.get("/quan-ly/san-pham/", {"q": "mat ong"}).content.decode()
    assert "Chè Shan tuyết Tam Đường" not in page


@pytest.mark.django_db
def test_api_create_validation_message_is_vietnamese(client, national, lai_chau_producer):
    client.force_login(national)
    r = client.post(
        "/api/v1/products",
        json.dumps(
            {"name": "Chè", "product_set": 11, "gtin": "123", "producer_id": lai_chau_producer.public_id}
        ),
        content_type="application/json",
    )
    assert r.status_code == 400
    assert r.json()["code"] == "gtin_invalid" and "GTIN" in r.json()["message"]
    r = client.post("/api/v1/products", "{not json", content_type="application/json")
    assert r.status_code in (400, 422)
    r = client.post(
        "/api/v1/products",
        json.dumps({"name": "Chè", "product_set": 99, "producer_id": lai_chau_producer.public_id}),
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"


@pytest.mark.django_db
def test_openapi_and_docs(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/products" in spec["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content  # vendored Swagger UI: nothing from a CDN at run time


@pytest.mark.django_db
def test_geo_resolve_endpoint(client):
    r = client.get("/api/v1/geo/resolve", {"address": "Xã Bản Hon, huyện Tam Đường, tỉnh Lai Châu"})
    assert r.json()["commune"]["name"] == "Xã Khun Há" and r.json()["legacy"] is True
    r = client.get("/api/v1/geo/resolve", {"address": "Xã Bịa, Tỉnh Lai Châu"})
    assert r.status_code == 400 and r.json()["code"] == "commune_unknown"
