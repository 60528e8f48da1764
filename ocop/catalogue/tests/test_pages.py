"""Public pages, open data, the public API, and the back office of promotion (scope, feed, fairs, photos)."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from PIL import Image

from ocop.catalogue import services
from ocop.catalogue.demo import shot
from ocop.catalogue.models import Fair
from ocop.core.errors import OcopError
from ocop.monitoring import services as monitoring
from ocop.registry import services as registry
from ocop.testing import PASSWORD

from .test_search import DIEN_BIEN, honey  # noqa: F401  (fixture)

TODAY = datetime.date.today()


@pytest.fixture
def recent(honey):  # noqa: F811
    """The fixtures' recognitions moved to this year so they are in force whatever day the tests run."""
    for p in honey:
        registry.product_update(actor=None, product=p, decision_date=TODAY - datetime.timedelta(days=30))
    return honey


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_search_page_without_diacritics_and_filters(client, recent):
    page = client.get("/", {"q": "mat ong dien bien", "province": DIEN_BIEN, "star": 4})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Mật ong hoa ban" in body and "Mật ong rừng" not in body
    assert "csrftoken" not in page.cookies  # no form posts on public pages: nothing to protect, cacheable
    # malformed parameters are ignored, never an error
    assert (
        client.get("/", {"star": "x", "province": "-1", "page": "9999999999999", "sort": "drop"}).status_code
        == 200
    )


def test_search_page_on_a_server_started_just_after_boot(client, recent, monkeypatch):
    """time.monotonic() counts from the machine's boot: the filter lists must load in its first minutes too
    (they once compared it with 0 and a page served 300 s after boot had no lists: 500)."""
    from ocop.catalogue import selectors

    monkeypatch.setattr(selectors, "_choices", {})  # as the module starts
    monkeypatch.setattr(selectors.time, "monotonic", lambda: 12.0)
    page = client.get("/", {"q": "mat ong"})
    assert page.status_code == 200
    assert "Mật ong hoa ban" in page.content.decode()
    assert selectors.choices()["groups"]


def test_product_page_json_ld_and_where_to_buy(client, recent, national):
    honey_ban = recent[0]
    registry.ecommerce_link_save(
        actor=None, product=honey_ban, platform="voso", url="https://voso.vn/mat-ong", last_checked=TODAY
    )
    point = monitoring.sales_point_save(
        actor=national,
        products=[honey_ban],
        name="Điểm OCOP Điện Biên Phủ",
        commune=honey_ban.commune,
        operator="Trung tâm",
        lat=21.385,
        lon=103.017,
    )
    body = client.get(reverse("catalogue:product", args=[honey_ban.public_id])).content.decode()
    data = json.loads(body.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["@type"] == "Product" and data["name"] == "Mật ong hoa ban"
    cert = data["hasCertification"]
    assert (
        cert["certificationRating"]["ratingValue"] == 4
        and cert["certificationStatus"] == "CertificationActive"
    )
    assert cert["issuedBy"]["name"] == "UBND tỉnh Điện Biên"
    assert (
        "https://voso.vn/mat-ong" in body and reverse("catalogue:sales_point", args=[point.public_id]) in body
    )
    assert "<svg" in body and "Quần đảo Trường Sa" in body
    sp_page = client.get(reverse("catalogue:sales_point", args=[point.public_id])).content.decode()
    assert "Mật ong hoa ban" in sp_page


def test_json_ld_cannot_break_out_of_its_script(client, recent):
    registry.product_update(actor=None, product=recent[0], description="</script><script>alert(1)</script>")
    body = client.get(reverse("catalogue:product", args=[recent[0].public_id])).content.decode()
    assert "</script><script>alert(1)" not in body


def test_products_never_recognised_have_no_public_page(client, lai_chau_producer, product_set):
    draft = registry.product_create(
        actor=None, name="Chè đang đánh giá", producer=lai_chau_producer, product_set=product_set
    )
    assert client.get(reverse("catalogue:product", args=[draft.public_id])).status_code == 404
    assert client.get(reverse("catalogue:producer", args=["NOPE"])).status_code == 404
    assert client.get("/tinh/abc/").status_code == 404


def test_province_page_figures(client, recent):
    page = client.get(reverse("catalogue:province", args=[DIEN_BIEN]))
    f = page.context["f"]
    assert (f.products, f.by_star, f.producers) == (3, {5: 0, 4: 1, 3: 2}, 2)
    assert f.communes_with_product == 1 and f.communes > 10


def test_open_data_csv_json_and_api_agree(client, recent):
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/du-lieu-mo/san-pham-ocop.csv").getvalue().decode("utf-8-sig"))
        )
    )
    doc = json.loads(client.get("/du-lieu-mo/san-pham-ocop.json").getvalue())
    assert doc["meta"]["licence"] == "CC BY 4.0" and doc["meta"]["updated"]
    assert {r["name"] for r in rows} == {r["name"] for r in doc["data"]}
    assert "Mật ong hoa ban" in {r["name"] for r in rows}
    api = client.get("/api/v1/public/products", {"q": "MAT ONG", "province": DIEN_BIEN}).json()
    assert api["total"] == 3 and api["items"][0]["name"].startswith("Mật ong")
    one = client.get(f"/api/v1/public/products/{recent[0].public_id}").json()
    assert one["star"] == 4 and one["status"] == "valid"
    assert client.get("/api/v1/public/products/NOPE").status_code == 404
    assert client.get("/api/v1/public/meta").json()["licence"] == "CC BY 4.0"
    prov = client.get(f"/api/v1/public/provinces/{DIEN_BIEN}").json()
    assert prov["products"] == 3


def test_feed_is_scoped_to_the_officer_province(client, recent, lai_chau_officer, son_la_officer):
    login(client, lai_chau_officer)
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/quan-ly/xuc-tien/nguon-san-pham.csv").getvalue().decode("utf-8-sig"))
        )
    )
    assert [r["title"] for r in rows] == ["Chè Shan tuyết Tam Đường (OCOP 4★)"]
    assert rows[0]["availability"] == "in stock" and rows[0]["custom_label_0"] == "OCOP 4 sao"
    client.logout()
    assert client.get("/quan-ly/xuc-tien/nguon-san-pham.csv").status_code == 302  # login required
    login(client, son_la_officer)
    titles = [
        r["title"] for r in json.loads(client.get("/quan-ly/xuc-tien/nguon-san-pham.json").getvalue())["data"]
    ]
    assert titles == ["Chè ô long Mộc Châu (OCOP 3★)"]
    cov = client.get(reverse("promotion:coverage"))
    assert cov.context["total"] == 1 and [r["products"] for r in cov.context["table"]] == [1]


def test_fairs_only_by_the_office_of_their_province(recent, lai_chau_officer, son_la_officer, producer_user):
    from ocop.geo.models import Province

    lai_chau = Province.objects.get(code=12)
    data = dict(
        name="Tuần hàng OCOP", province=lai_chau, venue="Quảng trường", starts_on=TODAY, ends_on=TODAY
    )
    for intruder in (son_la_officer, producer_user):
        with pytest.raises(OcopError):
            services.fair_save(actor=intruder, **data)
    fair = services.fair_save(actor=lai_chau_officer, **data)
    with pytest.raises(OcopError) as e:
        services.fair_save(actor=lai_chau_officer, fair=fair, ends_on=TODAY - datetime.timedelta(days=1))
    assert e.value.code == "dates_order"
    with pytest.raises(OcopError):
        services.fair_products(actor=son_la_officer, fair=fair, add=[recent[0].pk])
    assert services.fair_products(actor=lai_chau_officer, fair=fair, add=[recent[0].pk]) == 1
    assert Fair.objects.get(pk=fair.pk).products.get() == recent[0]


def test_fair_page_lists_its_products(client, recent):
    fair = services.fair_save(
        actor=None,
        name="Hội chợ Tây Bắc",
        province=recent[0].commune.province,
        venue="Quảng trường 7/5",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=3),
    )
    services.fair_products(actor=None, fair=fair, add=[recent[0].pk])
    assert "Mật ong hoa ban" in client.get(reverse("catalogue:fair", args=[fair.public_id])).content.decode()
    assert "Hội chợ Tây Bắc" in client.get(reverse("catalogue:fairs")).content.decode()


def test_photo_upload_resized_and_checked_by_content(client, recent, lai_chau_officer, national, settings):
    honey_ban = recent[0]
    login(client, lai_chau_officer)  # Lai Châu office: not its product
    url = reverse("registry:product_media", args=[honey_ban.public_id])
    assert client.post(url, {"action": "photo_add"}).status_code == 404
    client.logout()
    login(client, national)
    fake = io.BytesIO(b"MZ\x90\x00 not an image at all")
    fake.name = "anh.jpg"
    client.post(url, {"action": "photo_add", "image": fake})
    assert honey_ban.photos.count() == 0
    real = io.BytesIO(shot("Mật ong", (200, 140, 30), size=(2400, 1600)))
    real.name = "IMG_0001.PNG"
    client.post(url, {"action": "photo_add", "image": real, "caption": "Chai"})
    photo = honey_ban.photos.get()
    from django.core.files.storage import default_storage

    sizes = {}
    for size in (320, 640):
        with default_storage.open(photo.rendition(size)) as f:
            sizes[size] = Image.open(f).size
    with default_storage.open(photo.image.name) as f:
        big = Image.open(f)
        assert big.format == "JPEG" and big.size == (1280, 853)
    assert sizes == {320: (320, 213), 640: (640, 427)}
    body = client.get(reverse("catalogue:product", args=[honey_ban.public_id])).content.decode()
    assert photo.rendition(640) in body and 'loading="lazy"' not in body.split("gallery")[1].split(">")[1]


def test_shop_links_validated(recent, lai_chau_officer):
    with pytest.raises(OcopError) as e:
        registry.ecommerce_link_save(
            actor=None, product=recent[0], platform="shopee", url="javascript:alert(1)"
        )
    assert e.value.code == "url_invalid"
    with pytest.raises(OcopError):
        registry.ecommerce_link_save(
            actor=lai_chau_officer, product=recent[0], platform="shopee", url="https://s.vn/a"
        )


def test_public_page_is_light(client, recent):
    """HTML + CSS (+ no JavaScript) of the heaviest public pages, photos aside, under 100 KB."""
    from django.contrib.staticfiles import finders

    css = len(open(finders.find("ocop/public.css"), "rb").read())
    for url in (
        "/",
        "/?q=mat+ong",
        reverse("catalogue:product", args=[recent[0].public_id]),
        "/diem-ban/",
        "/tinh/11/",
    ):
        body = client.get(url).content
        assert b"<script src" not in body
        assert len(body) + css < 100_000, url
