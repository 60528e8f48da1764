"""Issue 20, item 16: what a person types is bounded and tidied by the service, so the form, the API, the CLI
and the import all obey — a name of zero-width characters, a 3,000,000-character description, markup in a
phone field were accepted."""

import json

import pytest

from ocop.core.errors import OcopError
from ocop.registry import services
from ocop.registry.importing import import_rows
from ocop.registry.models import Producer, Product

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
HUGE = "Mật ong hoa ban. " * 180_000  # about 3,000,000 characters
MARKUP = "<b>0912345678</b>"


# --- the service (one rule for every door) ---------------------------------------------------------------


@pytest.mark.django_db
def test_service_refuses_a_product_name_of_invisible_characters(lai_chau_producer, product_set):
    with pytest.raises(OcopError) as e:
        services.product_create(
            actor=None, name=ZERO_WIDTH, producer=lai_chau_producer, product_set=product_set
        )
    assert e.value.code == "name_required" and e.value.field == "name"
    assert "ký tự vô hình" in e.value.message
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_service_tidies_names_and_keeps_vietnamese(lai_chau_producer, product_set):
    product = services.product_create(
        actor=None,
        name="\u200b Chè\u200d Shan tuyết\u00a0 Tam Đường\u202e ",
        producer=lai_chau_producer,
        product_set=product_set,
        description="  Dòng một\u200b\r\nDòng hai  ",
    )
    assert product.name == "Chè Shan tuyết Tam Đường"
    assert product.description == "Dòng một\nDòng hai"
    producer = services.producer_update(
        actor=None, producer=lai_chau_producer, name="HTX\u2060 Ứng Hòa\ufeff"
    )
    assert producer.name == "HTX Ứng Hòa"


@pytest.mark.django_db
def test_service_refuses_a_huge_description(lai_chau_product):
    with pytest.raises(OcopError) as e:
        services.product_update(actor=None, product=lai_chau_product, description=HUGE)
    assert e.value.code == "too_long" and e.value.field == "description"
    assert "tối đa 5000" in e.value.message
    lai_chau_product.refresh_from_db()
    assert lai_chau_product.description == ""
    ok = services.product_update(actor=None, product=lai_chau_product, description="Chè " * 1250)
    assert len(ok.description) == 4999


@pytest.mark.django_db
@pytest.mark.parametrize("phone", [MARKUP, "gọi anh Tuấn", "12", "0912345678<script>alert(1)</script>"])
def test_service_refuses_markup_and_words_in_a_phone(lai_chau_producer, phone):
    with pytest.raises(OcopError) as e:
        services.producer_update(actor=None, producer=lai_chau_producer, phone=phone)
    assert e.value.code in ("phone_invalid", "too_long") and e.value.field == "phone"
    lai_chau_producer.refresh_from_db()
    assert lai_chau_producer.phone == ""


@pytest.mark.django_db
def test_service_accepts_real_phone_numbers(lai_chau_producer):
    for phone in ("0912 345 678", "+84 912.345.678", "0213 3876 555, 0912345678"):
        assert services.producer_update(actor=None, producer=lai_chau_producer, phone=phone).phone == phone


# --- the API: the schema says the same as the model ------------------------------------------------------


@pytest.mark.django_db
def test_api_refuses_invisible_name_huge_description_and_markup_phone(
    client, lai_chau_officer, lai_chau_product
):
    client.force_login(lai_chau_officer)
    url = f"/api/v1/products/{lai_chau_product.public_id}"
    r = client.patch(url, json.dumps({"name": ZERO_WIDTH}), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "name_required"
    r = client.patch(url, json.dumps({"description": HUGE}), content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
    assert "description: dài tối đa 5000 ký tự" in r.json()["message"]
    r = client.post(
        "/api/v1/products",
        json.dumps(
            {
                "name": "Chè",
                "product_set": 11,
                "producer_id": lai_chau_product.producer.public_id,
                "description": HUGE,
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 422
    r = client.patch(
        f"/api/v1/producers/{lai_chau_product.producer.public_id}",
        json.dumps({"phone": MARKUP}),
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "phone_invalid" and r.json()["field"] == "phone"
    lai_chau_product.refresh_from_db()
    assert lai_chau_product.name == "Chè Shan tuyết Tam Đường" and lai_chau_product.description == ""
    assert Product.objects.count() == 1
    assert Producer.objects.get().phone == ""


# --- the back-office forms -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_forms_refuse_invisible_name_huge_description_and_markup_phone(
    client, lai_chau_officer, lai_chau_product
):
    client.force_login(lai_chau_officer)
    base = {
        "name": lai_chau_product.name,
        "producer": lai_chau_product.producer_id,
        "product_set": lai_chau_product.product_set_id,
    }
    url = f"/quan-ly/san-pham/{lai_chau_product.public_id}/sua/"
    r = client.post(url, {**base, "name": ZERO_WIDTH})
    assert r.status_code == 200 and "ký tự vô hình" in r.content.decode()
    r = client.post(url, {**base, "description": "x" * 5001})
    assert r.status_code == 200 and "5000" in r.content.decode()
    assert 'maxlength="5000"' in client.get(url).content.decode()
    producer = lai_chau_product.producer
    r = client.post(
        f"/quan-ly/chu-the/{producer.public_id}/sua/",
        {"name": producer.name, "type": "htx", "commune": producer.commune_id, "phone": MARKUP},
    )
    assert r.status_code == 200 and "Số điện thoại" in r.content.decode()
    lai_chau_product.refresh_from_db()
    producer.refresh_from_db()
    assert lai_chau_product.name == "Chè Shan tuyết Tam Đường" and lai_chau_product.description == ""
    assert producer.phone == ""


# --- the import ------------------------------------------------------------------------------------------

HEADER = ["Tên sản phẩm", "Tên chủ thể", "Loại hình", "Địa chỉ", "Bộ sản phẩm", "Điện thoại"]
ADDRESS = "Xã Mường Phăng, Tỉnh Điện Biên"


@pytest.mark.django_db
def test_import_refuses_markup_phone_and_invisible_name():
    result = import_rows(
        [
            HEADER,
            ["Mật ong hoa ban", "HTX Ong mật", "HTX", ADDRESS, 4, MARKUP],
            [ZERO_WIDTH, "HTX Ong mật", "HTX", ADDRESS, 4, "0912 345 678"],
        ]
    )
    assert len(result.errors) == 2
    assert result.errors[0].startswith("Dòng 2: Số điện thoại «<b>0912345678</b>» không hợp lệ")
    assert result.errors[1].startswith("Dòng 3: thiếu «")
    assert not Product.objects.exists() and not Producer.objects.exists()
    good = import_rows([HEADER, ["Mật ong\u200b hoa ban", "HTX Ong mật", "HTX", ADDRESS, 4, 912345678.0]])
    assert not good.errors
    assert Product.objects.get().name == "Mật ong hoa ban"
    assert Producer.objects.get().phone == "912345678"


@pytest.mark.django_db
def test_a_gtin_written_with_spaces_is_still_accepted(lai_chau_product):
    """The length check comes after the spaces are taken out (the API takes 20 characters for this)."""
    product = services.product_update(actor=None, product=lai_chau_product, gtin="893 4588 012228")
    assert product.gtin == "8934588012228"
