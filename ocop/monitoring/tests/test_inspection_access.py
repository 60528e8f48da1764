"""Inspection material — campaigns, visits, findings and their photos — asked for by every back-office role:
council and advisory-team members are province-scoped, but none of it is theirs to read."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from ocop.accounts.models import Profile, Role
from ocop.conftest import LAI_CHAU
from ocop.evaluation import services as evaluation
from ocop.monitoring import services
from ocop.testing import PASSWORD

TODAY = timezone.localdate()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 60)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def advisory_member(db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("totuvan", password=PASSWORD)
    Profile.objects.create(user=user, role=Role.ADVISORY, province_id=LAI_CHAU)
    return user


@pytest.fixture
def finding(lai_chau_product, lai_chau_officer, lai_chau_producer, inspector):
    evaluation.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-LC-7",
        star=4,
        decision_number="QĐ 7/QĐ-UBND",
        decision_date=TODAY - datetime.timedelta(days=100),
    )
    campaign = services.campaign_create(
        actor=lai_chau_officer,
        province_id=LAI_CHAU,
        name="Kiểm tra định kỳ",
        kind="scheduled",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=10),
        producers=[lai_chau_producer],
    )
    return services.finding_record(
        actor=inspector,
        inspection=campaign.inspections.get(),
        product=lai_chau_product,
        item="stamped",
        severity="minor",
        note="Tem dán lệch",
        remediation="Dán lại tem",
        photos=[SimpleUploadedFile("a.jpg", _jpeg())],
    )


def _reads(f):
    """Every GET that serves inspection material, page and API."""
    visit = f.inspection
    base = "/quan-ly/giam-sat"
    return [
        f"{base}/",
        f"{base}/dot/",
        f"{base}/dot/{visit.campaign.public_id}/",
        f"{base}/kiem-tra/{visit.public_id}/",
        f"{base}/phat-hien/",
        f"{base}/phat-hien/{f.public_id}/",
        f"{base}/phat-hien/{f.public_id}/anh/{f.photos.get().pk}/",
        "/api/v1/monitoring/watchlist",
        "/api/v1/monitoring/findings",
    ]


def _writes(f):
    base = f"/quan-ly/giam-sat/phat-hien/{f.public_id}"
    api = f"/api/v1/monitoring/findings/{f.public_id}"
    return [
        (f"/quan-ly/giam-sat/dot/{f.inspection.campaign.public_id}/them/", {"producer": "x"}),
        (f"{base}/respond/", {"p-text": "Đã dán lại"}),
        (f"{base}/followup/", {"u-visited_on": str(TODAY), "u-fixed": "on"}),
        (f"{api}/followup", {"visited_on": str(TODAY), "fixed": True}),
        (f"{api}/escalate", {"ground": "c", "proposal": "x"}),
        (f"{api}/revoke", {"decision": "QĐ 1", "date": str(TODAY)}),
    ]


@pytest.mark.parametrize("who", ["council_member", "advisory_member"])
def test_council_and_advisory_team_see_no_inspection_material(client, request, finding, who):
    client.force_login(request.getfixturevalue(who))
    for url in _reads(finding):
        assert client.get(url).status_code in (403, 404), url
    for url, data in _writes(finding):
        api = url.startswith("/api/")
        r = client.post(url, data, content_type="application/json") if api else client.post(url, data)
        assert r.status_code in (403, 404), url
    finding.refresh_from_db()
    assert finding.status == "open" and not finding.response and not finding.followups.exists()
    page = client.get("/quan-ly/giam-sat/diem-ban/").content.decode()
    assert "/quan-ly/giam-sat/phat-hien/" not in page  # no tab to a page they cannot open


def test_the_province_inspector_sees_it_all(client, finding, inspector):
    client.force_login(inspector)
    for url in _reads(finding):
        assert client.get(url).status_code == 200, url
    [row] = client.get("/api/v1/monitoring/findings").json()
    assert row["id"] == finding.public_id
    assert client.get(_reads(finding)[6])["Content-Type"] == "image/jpeg"
