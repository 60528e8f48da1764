"""Moving a producer (PATCH /api/v1/producers/{id} with commune_code): nobody below the national level takes
a record out of their area; a move to another province is the national level's, audited as a transfer, and
the producer's products go with it."""

import json

import pytest

from ocop.core.errors import PermissionDenied
from ocop.core.models import AuditEntry
from ocop.geo.models import Commune
from ocop.registry import services
from ocop.registry.models import Producer, Product

LAI_CHAU, SON_LA = 12, 14


@pytest.fixture
def other_lai_chau(lai_chau_commune):
    return (
        Commune.objects.filter(province_id=LAI_CHAU).exclude(pk=lai_chau_commune.pk).order_by("code").first()
    )


def patch(client, user, producer, commune):
    client.force_login(user)
    return client.patch(
        f"/api/v1/producers/{producer.public_id}",
        json.dumps({"commune_code": commune.code}),
        content_type="application/json",
    )


def where(obj):
    return type(obj).objects.get(pk=obj.pk).commune_id


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["producer_user", "commune_officer", "lai_chau_officer"])
def test_nobody_below_the_national_level_moves_a_producer_to_another_province(
    client, request, persona, lai_chau_product, son_la_commune
):
    producer = lai_chau_product.producer
    home = producer.commune_id
    r = patch(client, request.getfixturevalue(persona), producer, son_la_commune)
    assert r.status_code == 403
    assert r.json()["code"] == "transfer_national_only"
    assert "cơ quan OCOP trung ương" in r.json()["message"]
    assert where(producer) == where(lai_chau_product) == home
    assert not AuditEntry.objects.filter(action__in=["producer.update", "producer.transfer"]).exists()


@pytest.mark.django_db
def test_commune_officer_keeps_the_producer_in_their_commune(
    client, commune_officer, lai_chau_product, other_lai_chau
):
    producer = lai_chau_product.producer
    r = patch(client, commune_officer, producer, other_lai_chau)
    assert r.status_code == 403 and r.json()["code"] == "out_of_region"
    assert where(producer) == commune_officer.profile.commune_id


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["producer_user", "lai_chau_officer"])
def test_producer_and_office_move_within_the_province_and_products_follow(
    client, request, persona, lai_chau_product, other_lai_chau
):
    producer = lai_chau_product.producer
    r = patch(client, request.getfixturevalue(persona), producer, other_lai_chau)
    assert r.status_code == 200, r.json()
    assert r.json()["commune_code"] == other_lai_chau.code
    assert where(lai_chau_product) == other_lai_chau.pk
    assert AuditEntry.objects.filter(action="producer.update").count() == 1
    assert not AuditEntry.objects.filter(action="producer.transfer").exists()


@pytest.mark.django_db
def test_national_transfer_is_audited_and_products_follow(
    client, national, son_la_officer, lai_chau_officer, lai_chau_product, product_set, son_la_commune
):
    producer = lai_chau_product.producer
    r = patch(client, national, producer, son_la_commune)
    assert r.status_code == 200, r.json()
    entry = AuditEntry.objects.get(action="producer.transfer")
    was, now = entry.changes["commune"]
    assert "Tỉnh Lai Châu" in was and "Tỉnh Sơn La" in now
    assert "Tỉnh Lai Châu" in entry.note and "Tỉnh Sơn La" in entry.note
    assert where(lai_chau_product) == son_la_commune.pk
    assert AuditEntry.objects.filter(action="product.transfer", object_id=lai_chau_product.public_id).exists()
    # The Sơn La office now answers for the producer and its product; Lai Châu's no longer does.
    assert Product.objects.visible_to(son_la_officer).filter(pk=lai_chau_product.pk).exists()
    assert not Product.objects.visible_to(lai_chau_officer).filter(pk=lai_chau_product.pk).exists()
    assert not Producer.objects.visible_to(lai_chau_officer).filter(pk=producer.pk).exists()


@pytest.mark.django_db
def test_transfer_waits_for_a_dossier_at_the_province(client, national, lai_chau_product, son_la_commune):
    from ocop.evaluation.models import Dossier

    Dossier.objects.create(product=lai_chau_product, set_number=11, state="forwarded")
    r = patch(client, national, lai_chau_product.producer, son_la_commune)
    assert r.status_code == 400 and r.json()["code"] == "transfer_dossier_open"
    assert where(lai_chau_product) != son_la_commune.pk


@pytest.mark.django_db
def test_producer_cannot_place_a_product_in_another_province(
    client, producer_user, lai_chau_product, son_la_commune
):
    client.force_login(producer_user)
    r = client.post(
        "/api/v1/products",
        json.dumps(
            {
                "name": "Chè mới",
                "product_set": 11,
                "producer_id": lai_chau_product.producer.public_id,
                "commune_code": son_la_commune.code,
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["code"] == "out_of_region"
    assert not Product.objects.filter(name="Chè mới").exists()
    with pytest.raises(PermissionDenied) as e:
        services.product_update(actor=producer_user, product=lai_chau_product, commune=son_la_commune)
    assert e.value.code == "out_of_region"
    assert where(lai_chau_product) != son_la_commune.pk
