"""A product's recognition (star, decision, evaluation year) and the checks on its values, tried through the
service, the API, the back-office form and the import: only the provincial office or the national level
records one, never by hand over a certificate in force, never with a date after today or a year outside the
programme."""

import datetime
import json

import pytest
from django.utils import timezone

from ocop.catalogue.models import Listing
from ocop.core.errors import OcopError
from ocop.evaluation import services as evaluation
from ocop.registry import services
from ocop.registry.importing import import_rows
from ocop.registry.models import Producer, Product

TODAY = timezone.localdate()
HACK = {
    "star": 5,
    "decision_number": "999/QĐ-UBND",
    "decision_date": TODAY.replace(day=1),
    "year": TODAY.year,
}
IMPORT_HEADER = [
    "Tên sản phẩm",
    "Tên chủ thể",
    "Loại hình chủ thể",
    "Địa chỉ",
    "Bộ sản phẩm",
    "Số sao",
    "Năm",
]


def recognition(product):
    product.refresh_from_db()
    return product.star, product.decision_number, product.decision_date, product.year, product.code


@pytest.fixture
def unrated(lai_chau_producer, product_set):
    """A product of the producer `chuthe` with no recognition yet: nothing of it is public."""
    return services.product_create(
        actor=None, name="Mắc ca sấy", producer=lai_chau_producer, product_set=product_set
    )


@pytest.fixture
def certificate(lai_chau_product):
    return evaluation.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-12-0001",
        star=4,
        decision_number="55/QĐ-UBND",
        decision_date=TODAY - datetime.timedelta(days=100),
    )


def form_data(product, **extra):
    return {
        "name": product.name,
        "producer": product.producer_id,
        "product_set": product.product_set_id,
        "description": "",
        **extra,
    }


# --- who may record a recognition ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["producer_user", "commune_officer"])
@pytest.mark.parametrize("field", list(HACK))
def test_service_refuses_a_recognition_from_producer_and_commune(request, persona, field, unrated):
    user = request.getfixturevalue(persona)
    before = recognition(unrated)
    with pytest.raises(OcopError) as e:
        services.product_update(actor=user, product=unrated, **{field: HACK[field]})
    assert e.value.code == "recognition_forbidden" and e.value.status == 403
    assert "cơ quan OCOP cấp tỉnh" in e.value.message
    assert recognition(unrated) == before
    # The other fields are theirs to edit, and a recognition sent back unchanged is no change.
    services.product_update(actor=user, product=unrated, description="Mắc ca Tam Đường", star=None)
    unrated.refresh_from_db()
    assert unrated.description == "Mắc ca Tam Đường"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["producer_user", "commune_officer"])
def test_service_refuses_a_new_product_with_a_star_from_producer_and_commune(
    request, persona, lai_chau_producer, product_set
):
    user = request.getfixturevalue(persona)
    n = Product.objects.count()
    for extra in ({"star": 4}, {"year": 2024}, {"decision_number": "1/QĐ"}, {"code": "12-03460-001-2024"}):
        with pytest.raises(OcopError) as e:
            services.product_create(
                actor=user, name="Chè mới", producer=lai_chau_producer, product_set=product_set, **extra
            )
        assert e.value.code == "recognition_forbidden"
    assert Product.objects.count() == n
    made = services.product_create(
        actor=user, name="Chè mới", producer=lai_chau_producer, product_set=product_set
    )
    assert (made.star, made.year, made.code) == (None, None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["lai_chau_officer", "national"])
def test_province_office_and_national_record_a_recognition(request, persona, unrated):
    user = request.getfixturevalue(persona)
    services.product_update(actor=user, product=unrated, **HACK)
    assert recognition(unrated)[:4] == tuple(HACK.values())


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["producer_user", "commune_officer"])
def test_api_patch_of_a_star_is_refused_and_nothing_is_listed(client, request, persona, unrated):
    client.force_login(request.getfixturevalue(persona))
    before = recognition(unrated)
    payload = {**HACK, "decision_date": HACK["decision_date"].isoformat()}
    r = client.patch(
        f"/api/v1/products/{unrated.public_id}", json.dumps(payload), content_type="application/json"
    )
    assert r.status_code == 403
    assert r.json()["code"] == "recognition_forbidden" and "cấp tỉnh" in r.json()["message"]
    assert recognition(unrated) == before
    assert not Listing.objects.filter(product_id=unrated.pk).exists()
    # Creating one with a star is refused the same way.
    r = client.post(
        "/api/v1/products",
        json.dumps({"name": "Chè", "product_set": 11, "producer_id": unrated.producer.public_id, "star": 5}),
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["code"] == "recognition_forbidden"
    # The other fields they may change.
    r = client.patch(
        f"/api/v1/products/{unrated.public_id}",
        json.dumps({"name": "Mắc ca rang"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["name"] == "Mắc ca rang"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["producer_user", "commune_officer"])
def test_form_hides_the_recognition_and_ignores_a_forged_post(client, request, persona, unrated):
    client.force_login(request.getfixturevalue(persona))
    url = f"/quan-ly/san-pham/{unrated.public_id}/sua/"
    page = client.get(url).content.decode()
    for name in ("star", "decision_number", "decision_date", "year"):
        assert f'name="{name}"' not in page
    before = recognition(unrated)
    r = client.post(url, form_data(unrated, description="Sấy củi", **{**HACK, "decision_date": "2026-11-01"}))
    assert r.status_code == 302
    assert recognition(unrated) == before
    unrated.refresh_from_db()
    assert unrated.description == "Sấy củi"
    assert not Listing.objects.filter(product_id=unrated.pk).exists()
    # A new product from the form has none either.
    r = client.post("/quan-ly/san-pham/them/", form_data(unrated, name="Mắc ca tươi", star=5, year=2025))
    assert r.status_code == 302
    assert Product.objects.get(name="Mắc ca tươi").star is None


@pytest.mark.django_db
def test_form_offers_the_recognition_to_the_province_office(client, lai_chau_officer, unrated):
    client.force_login(lai_chau_officer)
    url = f"/quan-ly/san-pham/{unrated.public_id}/sua/"
    page = client.get(url).content.decode()
    assert 'name="star"' in page and 'name="decision_date"' in page
    r = client.post(url, form_data(unrated, star=4, decision_number="7/QĐ-UBND", decision_date="2026-03-02"))
    assert r.status_code == 302
    assert recognition(unrated)[:3] == (4, "7/QĐ-UBND", datetime.date(2026, 3, 2))


@pytest.mark.django_db
def test_import_by_a_commune_officer_records_no_recognition(commune_officer):
    place = "Xã Bình Lư, Tỉnh Lai Châu"
    rows = [IMPORT_HEADER, ["Mật ong", "HTX Ong Bình Lư", "Hợp tác xã", place, "4", "4", ""]]
    result = import_rows(rows, actor=commune_officer)
    assert not result.ok and "cấp tỉnh" in result.errors[0] and result.errors[0].startswith("Dòng 2:")
    assert not Producer.objects.filter(name="HTX Ong Bình Lư").exists()
    rows[1][5] = ""
    result = import_rows(rows, actor=commune_officer)
    assert result.ok and Product.objects.get(name="Mật ong").star is None


# --- a certificate in force speaks for the product ----------------------------------------------------------


@pytest.mark.django_db
def test_certified_star_is_not_edited_by_hand(
    client, lai_chau_officer, national, certificate, lai_chau_product
):
    before = recognition(lai_chau_product)
    for user in (lai_chau_officer, national):
        with pytest.raises(OcopError) as e:
            services.product_update(actor=user, product=lai_chau_product, star=5)
        assert e.value.code == "recognition_certified" and "GCN-12-0001" in e.value.message
    assert recognition(lai_chau_product) == before
    assert Listing.objects.get(product_id=lai_chau_product.pk).star == 4
    client.force_login(lai_chau_officer)
    r = client.patch(
        f"/api/v1/products/{lai_chau_product.public_id}",
        json.dumps({"star": 5}),
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "recognition_certified"
    # The form shows the recognition but does not take it; the other fields it saves.
    url = f"/quan-ly/san-pham/{lai_chau_product.public_id}/sua/"
    page = client.get(url).content.decode()
    assert "GCN-12-0001" in page and "disabled" in page
    r = client.post(url, form_data(lai_chau_product, star=5, year=2026, description="Chè cổ thụ"))
    assert r.status_code == 302
    assert recognition(lai_chau_product) == before
    assert lai_chau_product.description == "Chè cổ thụ"


@pytest.mark.django_db
def test_import_does_not_change_a_certified_star(lai_chau_officer, certificate, lai_chau_product):
    place = "Xã Bình Lư, Tỉnh Lai Châu"
    row = [lai_chau_product.name, "HTX Chè Tam Đường", "Hợp tác xã", place, "11", "5", ""]
    producers = Producer.objects.count()
    result = import_rows([IMPORT_HEADER, row], actor=lai_chau_officer)
    assert not result.ok and "GCN-12-0001" in result.errors[0] and result.errors[0].startswith("Dòng 2:")
    assert lai_chau_product.star == 4 and recognition(lai_chau_product)[0] == 4
    assert Producer.objects.count() == producers
    row[5] = "4"  # what the certificate says: nothing to refuse
    assert import_rows([IMPORT_HEADER, row], actor=lai_chau_officer).ok


@pytest.mark.django_db
def test_an_expired_certificate_no_longer_holds_the_star(lai_chau_officer, lai_chau_product):
    evaluation.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-12-0002",
        star=4,
        decision_number="5/QĐ-UBND",
        decision_date=datetime.date(2021, 3, 1),
    )
    services.product_update(actor=lai_chau_officer, product=lai_chau_product, star=3)
    assert recognition(lai_chau_product)[0] == 3


# --- the values: star 1–5, decision not after today, year of the programme ----------------------------------


@pytest.mark.django_db
def test_decision_date_after_today_is_refused_everywhere(client, national, unrated):
    tomorrow = TODAY + datetime.timedelta(days=1)
    with pytest.raises(OcopError) as e:
        services.product_update(actor=national, product=unrated, star=3, decision_date=tomorrow)
    assert e.value.code == "decision_date_future" and "sau hôm nay" in e.value.message
    with pytest.raises(OcopError) as e:
        services.product_update(actor=None, product=unrated, decision_date=datetime.date(2017, 12, 31))
    assert e.value.code == "decision_date_invalid"
    client.force_login(national)
    r = client.patch(
        f"/api/v1/products/{unrated.public_id}",
        json.dumps({"star": 3, "decision_date": "2099-01-01"}),
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "decision_date_future"
    r = client.post(
        f"/quan-ly/san-pham/{unrated.public_id}/sua/", form_data(unrated, star=3, decision_date="2099-01-01")
    )
    assert r.status_code == 200 and "01/01/2099 ở sau hôm nay" in r.content.decode()
    assert recognition(unrated)[:3] == (None, "", None)
    services.product_update(actor=national, product=unrated, star=3, decision_date=TODAY)
    assert recognition(unrated)[2] == TODAY


@pytest.mark.django_db
def test_year_of_recognition_has_one_rule(client, national, unrated, lai_chau_producer, product_set):
    for year in (1800, 2017, TODAY.year + 1, 2100):
        with pytest.raises(OcopError) as e:
            services.product_update(actor=None, product=unrated, year=year)
        assert (
            e.value.code == "year_invalid"
            and "từ 2018" in e.value.message
            and f"đến {TODAY.year}." in e.value.message
        )
    client.force_login(national)
    r = client.post("/quan-ly/san-pham/them/", form_data(unrated, name="Chè 1800", year=1800))
    assert r.status_code == 200 and "Năm đánh giá 1800 không hợp lệ" in r.content.decode()
    assert not Product.objects.filter(code__endswith="-1800").exists()
    page = client.get("/quan-ly/san-pham/them/").content.decode()
    assert f'min="2018" max="{TODAY.year}"' in page
    for year in (1800, TODAY.year + 1):
        r = client.patch(
            f"/api/v1/products/{unrated.public_id}",
            json.dumps({"year": year}),
            content_type="application/json",
        )
        assert r.status_code == 400 and r.json()["code"] == "year_invalid"
    assert recognition(unrated)[3] is None
    for year in (2018, TODAY.year):
        made = services.product_create(
            actor=national, name=f"Chè {year}", producer=lai_chau_producer, product_set=product_set, year=year
        )
        assert made.code.endswith(f"-{year}")


@pytest.mark.django_db
def test_an_older_record_outside_the_rule_can_still_be_edited(client, lai_chau_officer, unrated):
    """Years 2010–2017 came in through earlier imports: saving the form unchanged keeps them, a change is
    checked."""
    Product.objects.filter(pk=unrated.pk).update(year=2015, decision_date=datetime.date(2015, 6, 1), star=3)
    client.force_login(lai_chau_officer)
    url = f"/quan-ly/san-pham/{unrated.public_id}/sua/"
    data = form_data(unrated, star=3, decision_date="2015-06-01", year=2015, description="Mắc ca cũ")
    assert client.post(url, data).status_code == 302
    assert recognition(unrated)[:4] == (3, "", datetime.date(2015, 6, 1), 2015)
    r = client.post(url, {**data, "year": 2016})
    assert r.status_code == 200 and "Năm đánh giá 2016 không hợp lệ" in r.content.decode()


@pytest.mark.django_db
def test_import_uses_the_same_year_and_date_rule(lai_chau_officer):
    place = "Xã Bình Lư, Tỉnh Lai Châu"
    for year in ("2017", str(TODAY.year + 1)):
        rows = [IMPORT_HEADER, ["Mật ong", "HTX Ong Bình Lư", "Hợp tác xã", place, "4", "3", year]]
        result = import_rows(rows, actor=lai_chau_officer)
        assert not result.ok and f"từ 2018 đến {TODAY.year}" in result.errors[0]
    header = [*IMPORT_HEADER[:6], "Ngày quyết định"]
    rows = [header, ["Mật ong", "HTX Ong Bình Lư", "Hợp tác xã", place, "4", "3", "01/06/2017"]]
    assert "từ năm 2018" in import_rows(rows, actor=lai_chau_officer).errors[0]


@pytest.mark.django_db
def test_star_outside_one_to_five_is_said_in_vietnamese(client, lai_chau_officer, unrated):
    client.force_login(lai_chau_officer)
    page = client.get("/quan-ly/san-pham/them/").content.decode()
    assert 'name="star" min="1" max="5"' in page
    for star in (9, 0):
        r = client.post("/quan-ly/san-pham/them/", form_data(unrated, name="Chè 9 sao", star=star))
        body = r.content.decode()
        assert r.status_code == 200 and "Số sao phải từ 1 đến 5." in body and "product_star_1_5" not in body
    assert not Product.objects.filter(name="Chè 9 sao").exists()
    with pytest.raises(OcopError) as e:
        services.product_update(actor=lai_chau_officer, product=unrated, star=9)
    assert e.value.code == "star_invalid"


# --- messages and labels ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_out_of_region_names_the_commune_once(client, lai_chau_officer, unrated, son_la_commune):
    client.force_login(lai_chau_officer)
    expected = f"{son_la_commune} không thuộc tỉnh bạn quản lý: hãy chọn một xã, phường của Tỉnh Lai Châu."
    assert son_la_commune.name.startswith(("Xã ", "Phường "))
    r = client.post(
        f"/quan-ly/san-pham/{unrated.public_id}/sua/", form_data(unrated, commune=son_la_commune.pk)
    )
    assert expected in r.content.decode() and "Xã Xã" not in r.content.decode()
    r = client.post(
        f"/quan-ly/chu-the/{unrated.producer.public_id}/sua/",
        {"name": "HTX Chè Tam Đường", "type": "htx", "commune": son_la_commune.pk},
    )
    # Moving a producer to another province is a transfer, the national level's (test_producer_move.py).
    assert "chuyển sang Tỉnh Sơn La là chuyển tỉnh" in r.content.decode()
    r = client.post(
        "/api/v1/producers",
        json.dumps({"name": "HTX Lạ", "type": "htx", "commune_code": son_la_commune.code}),
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json() == {"code": "out_of_region", "message": expected}


@pytest.mark.django_db
def test_empty_choice_is_vietnamese_and_translated(client, lai_chau_officer, lai_chau_product):
    client.force_login(lai_chau_officer)
    for url in (
        "/quan-ly/san-pham/them/",
        f"/quan-ly/san-pham/{lai_chau_product.public_id}/sua/",
        "/quan-ly/chu-the/them/",
        "/quan-ly/tem/",
    ):
        page = client.get(url).content.decode()
        assert "Select an option" not in page and ">— Chọn —</option>" in page, url
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert ">— Select —</option>" in client.get("/quan-ly/san-pham/them/").content.decode()
