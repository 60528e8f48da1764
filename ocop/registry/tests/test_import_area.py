"""An import changes nothing outside the importer's area: a row matching another province's (or another
commune's) producer or product is an error, in the preview and in the write, through every door."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.core.models import AuditEntry
from ocop.geo.models import Commune
from ocop.registry import services
from ocop.registry.importing import import_file
from ocop.registry.models import Producer, Product
from ocop.registry.tests.test_import import xlsx

LAI_CHAU_TAX = "6200123456"  # the lai_chau_producer fixture's
GTIN = "8934588012228"


def row(commune, *, tax=LAI_CHAU_TAX, product="Chè Shan tuyết Tam Đường", producer="HTX Chè Sơn La"):
    address = f"{commune.name}, {commune.province.name}"
    return [1, product, producer, "Hợp tác xã", address, 12, tax, "", "", "", "", GTIN]


def unchanged(product):
    fresh = Product.objects.get(pk=product.pk)
    return (fresh.gtin, fresh.product_set_id, fresh.producer_id) == (
        product.gtin,
        product.product_set_id,
        product.producer_id,
    )


@pytest.fixture
def counts():
    return lambda: (Producer.objects.count(), Product.objects.count(), AuditEntry.objects.count())


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [True, False])
def test_son_la_cannot_reach_a_lai_chau_producer_by_its_tax_code(
    son_la_officer, son_la_commune, lai_chau_product, counts, dry_run
):
    before = counts()
    result = import_file("ds.xlsx", xlsx([row(son_la_commune)]), actor=son_la_officer, dry_run=dry_run)
    assert len(result.errors) == 1
    message = result.errors[0]
    assert message.startswith(f"Dòng 2: mã số thuế {LAI_CHAU_TAX} thuộc chủ thể ở Xã Bình Lư, Tỉnh Lai Châu")
    assert "ngoài địa bàn của bạn" in message
    assert unchanged(lai_chau_product) and counts() == before


@pytest.mark.django_db
def test_the_national_level_and_the_own_province_still_match_by_tax_code(
    national, lai_chau_officer, lai_chau_commune, lai_chau_product
):
    result = import_file("ds.xlsx", xlsx([row(lai_chau_commune)]), actor=lai_chau_officer)
    assert result.ok, result.errors
    assert (result.producers_matched, result.products_updated) == (1, 1)
    assert Product.objects.get(pk=lai_chau_product.pk).gtin == GTIN
    son_la = Commune.objects.filter(province_id=14).first()
    assert import_file("ds.xlsx", xlsx([row(son_la)]), actor=national).ok


@pytest.mark.django_db
def test_commune_officer_cannot_reach_another_communes_producer_or_product(
    commune_officer, lai_chau_commune, lai_chau_product, product_set, counts
):
    other = Commune.objects.filter(province_id=12).exclude(pk=lai_chau_commune.pk).first()
    elsewhere = services.producer_create(
        actor=None, name="HTX Khác", type="htx", commune=other, tax_code="6200999888"
    )
    before = counts()
    result = import_file("ds.xlsx", xlsx([row(lai_chau_commune, tax="6200999888")]), actor=commune_officer)
    assert result.errors and "mã số thuế 6200999888 thuộc chủ thể ở" in result.errors[0]
    assert f"{other.name}, Tỉnh Lai Châu" in result.errors[0]
    assert not elsewhere.products.exists() and counts() == before
    # The producer is the officer's own, but the product it matches was registered in another commune.
    abroad = services.product_create(
        actor=None,
        name="Chè xanh",
        producer=lai_chau_product.producer,
        product_set=product_set,
        commune=other,
    )
    before = counts()
    result = import_file("ds.xlsx", xlsx([row(lai_chau_commune, product="Chè xanh")]), actor=commune_officer)
    assert result.errors == [f"Dòng 2: sản phẩm «Chè xanh» đã có ở {other}, ngoài địa bàn của bạn."]
    assert unchanged(abroad) and counts() == before


@pytest.mark.django_db
def test_web_preview_shows_the_error_and_offers_no_confirmation(
    client, son_la_officer, son_la_commune, lai_chau_product
):
    client.force_login(son_la_officer)
    r = client.post("/quan-ly/nhap/", {"file": SimpleUploadedFile("ds.xlsx", xlsx([row(son_la_commune)]))})
    assert r.status_code == 200
    assert "ngoài địa bàn của bạn" in r.content.decode()
    assert "token" not in r.context or not r.context["token"]
    assert unchanged(lai_chau_product)


@pytest.mark.django_db
def test_cli_import_as_a_user_refuses_the_row(
    tmp_path, capsys, son_la_officer, son_la_commune, lai_chau_product
):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx([row(son_la_commune)]))
    with pytest.raises(CommandError):
        call_command("import", str(path), "--user", son_la_officer.username)
    assert "thuộc chủ thể ở Xã Bình Lư, Tỉnh Lai Châu" in capsys.readouterr().err
    assert unchanged(lai_chau_product)
