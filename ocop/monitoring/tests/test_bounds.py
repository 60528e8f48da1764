"""Issue 20, item 16 in monitoring: a sales point's phone has a phone number's form, a finding's text is
bounded, whether it comes from the service, the page or the API."""

import datetime
import json

import pytest
from django.utils import timezone

from ocop.core.errors import OcopError
from ocop.evaluation import services as evaluation
from ocop.monitoring import services
from ocop.monitoring.models import Finding, SalesPoint

TODAY = timezone.localdate()
MARKUP = "<b>0912345678</b>"


@pytest.mark.django_db
def test_sales_point_phone_is_a_phone_number(lai_chau_officer, lai_chau_commune):
    kw = {"actor": lai_chau_officer, "commune": lai_chau_commune, "operator": "HTX Tam Đường"}
    with pytest.raises(OcopError) as e:
        services.sales_point_save(name="Điểm OCOP", phone=MARKUP, **kw)
    assert e.value.code == "phone_invalid" and e.value.field == "phone"
    with pytest.raises(OcopError) as e:
        services.sales_point_save(name="\u200b\u2060", phone="", **kw)
    assert e.value.code == "name_required"
    assert not SalesPoint.objects.exists()
    point = services.sales_point_save(name=" Điểm\u200b OCOP ", phone="0213 3876 555", **kw)
    assert (point.name, point.phone) == ("Điểm OCOP", "0213 3876 555")


@pytest.mark.django_db
def test_sales_point_form_refuses_markup_phone(client, lai_chau_officer, lai_chau_commune):
    client.force_login(lai_chau_officer)
    r = client.post(
        "/quan-ly/giam-sat/diem-ban/",
        {"name": "Điểm OCOP", "commune": lai_chau_commune.pk, "operator": "HTX", "phone": MARKUP},
    )
    assert r.status_code == 200 and "Số điện thoại" in r.content.decode()
    assert not SalesPoint.objects.exists()


@pytest.fixture
def finding(lai_chau_product, lai_chau_officer, lai_chau_producer, inspector):
    evaluation.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-LC-1",
        star=4,
        decision_number="QĐ 5/QĐ-UBND",
        decision_date=TODAY - datetime.timedelta(days=400),
    )
    campaign = services.campaign_create(
        actor=lai_chau_officer,
        province_id=12,
        name="Hậu kiểm",
        kind="unannounced",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=30),
        producers=[lai_chau_producer],
    )
    return services.finding_record(
        actor=inspector,
        inspection=campaign.inspections.get(),
        product=lai_chau_product,
        item="packaging_registered",
        severity="critical",
        note="Bao bì khác bao bì đã đăng ký.",
        remediation="Dùng đúng bao bì.",
    )


@pytest.mark.django_db
def test_finding_texts_are_bounded(finding, inspector, lai_chau_officer, client):
    with pytest.raises(OcopError) as e:
        services.finding_followup(
            actor=inspector, finding=finding, visited_on=TODAY, fixed=False, note="x" * 2001
        )
    assert e.value.code == "too_long" and e.value.field == "note"
    with pytest.raises(OcopError) as e:
        services.finding_followup(
            actor=inspector, finding=finding, visited_on=TODAY, fixed=False, note="\u200b"
        )
    assert e.value.code == "note_required"
    client.force_login(lai_chau_officer)
    r = client.post(
        f"/api/v1/monitoring/findings/{finding.public_id}/escalate",
        json.dumps({"ground": "a", "proposal": "x" * 3_000_000}),
        content_type="application/json",
    )
    assert r.status_code == 422 and "proposal: dài tối đa 2000 ký tự" in r.json()["message"]
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN and not finding.followups.exists()
