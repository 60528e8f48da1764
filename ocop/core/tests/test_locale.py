import datetime

import pytest
from django.utils import timezone, translation

from ocop.evaluation import services as evaluation
from ocop.evaluation.models import State
from ocop.monitoring import services as monitoring
from ocop.monitoring.forms import ChecklistForm
from ocop.reporting import report
from ocop.traceability import services as stamps

TODAY = timezone.localdate()


@pytest.mark.django_db
def test_vietnamese_first_whatever_the_browser_says(client):
    r = client.get("/tai-khoan/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert r["Content-Language"] == "vi"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get("/tai-khoan/dang-nhap/")["Content-Language"] == "en"


# One Vietnamese word, two English ones: the uses below carry a context (pgettext, {% translate … context %}).


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


@pytest.fixture
def certificate(lai_chau_product):
    return evaluation.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-LOCALE-1",
        star=4,
        decision_number="QĐ 9/QĐ-UBND",
        decision_date=TODAY - datetime.timedelta(days=100),
    )


@pytest.mark.django_db
def test_thu_hoi_is_the_revoke_button_and_the_revoked_date_label(client, certificate, lai_chau_officer):
    client.force_login(lai_chau_officer)
    assert "<dt>Thu hồi</dt>" not in client.get("/chung-nhan/GCN-LOCALE-1/").content.decode()
    english(client)
    form = client.get("/quan-ly/danh-gia/chung-nhan/GCN-LOCALE-1/thu-hoi/").content.decode()
    assert '<button class="primary">Revoke</button>' in form
    evaluation.certificate_revoke(
        actor=lai_chau_officer, certificate=certificate, ground="dd", decision="77/QĐ-UBND", date=TODAY
    )
    page = client.get("/chung-nhan/GCN-LOCALE-1/").content.decode()
    assert f"<dt>Revoked</dt><dd>{TODAY:%d/%m/%Y} ·" in page and "<dt>Revoke</dt>" not in page
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "<dt>Thu hồi</dt>" in client.get("/chung-nhan/GCN-LOCALE-1/").content.decode()


@pytest.mark.django_db
def test_kiem_tra_is_the_inspection_page_and_the_check_button(
    client, certificate, lai_chau_officer, lai_chau_producer
):
    campaign = monitoring.campaign_create(
        actor=lai_chau_officer,
        province_id=12,
        name="Hậu kiểm",
        kind="unannounced",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=30),
        producers=[lai_chau_producer],
    )
    visit = campaign.inspections.get()
    client.force_login(lai_chau_officer)
    english(client)
    page = client.get(f"/quan-ly/giam-sat/kiem-tra/{visit.public_id}/").content.decode()
    assert "<title>Inspection · HTX Chè Tam Đường · " in page
    check = client.get("/kiem-tra-tem/").content.decode()
    assert '<button class="btn">Check</button>' in check and "Inspection" not in check
    # the checklist on the inspection page: "Đạt" / "Không đạt" are met / not met there …
    assert "Met</label>" in page and "Not met</label>" in page and "Not recognised" not in page


def test_dat_and_khong_dat_in_the_checklist_the_targets_and_the_dossier_states():
    data = {"targets": [], "year": 2026, "today": TODAY}
    with translation.override("en"):
        answers = [str(label) for _, label in ChecklistForm().fields["item_stamped"].choices]
        assert answers == ["Met", "Not met", "Not applicable"]
        # … while a dossier the council did not pass is "not recognised", and the targets table counts what
        # was achieved
        assert str(State.NOT_RECOGNISED.label) == "Not recognised"
        assert report.targets_table(data).headers[1:3] == ["Goal", "Achieved"]
    with translation.override("vi"):
        assert [str(label) for _, label in ChecklistForm().fields["item_stamped"].choices][:2] == [
            "Đạt",
            "Không đạt",
        ]
        assert report.targets_table(data).headers[2] == "Đạt"


@pytest.mark.django_db
def test_dot_is_a_round_a_campaign_or_a_batch(client, certificate, lai_chau_officer, lai_chau_producer):
    evaluation.round_create(
        actor=lai_chau_officer,
        name="Đợt 2/2026",
        province=lai_chau_officer.profile.province,
        intake_deadline=TODAY + datetime.timedelta(days=10),
        scoring_deadline=TODAY + datetime.timedelta(days=40),
    )
    monitoring.campaign_create(
        actor=lai_chau_officer,
        province_id=12,
        name="Hậu kiểm",
        kind="unannounced",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=30),
        producers=[lai_chau_producer],
    )
    stamps.stamps_issue(actor=None, product=certificate.product, count=10)
    client.force_login(lai_chau_officer)
    english(client)
    pages = {
        "Round": "/quan-ly/danh-gia/dot/",
        "Campaign": "/quan-ly/giam-sat/dot/",
        "Batch": "/quan-ly/tem/",
    }
    for word, url in pages.items():
        page = client.get(url).content.decode()
        heads = [h for h in ("Round", "Campaign", "Batch") if f"<th>{h}</th>" in page]
        assert heads == [word], url


def test_django_form_messages_in_plain_vietnamese():
    """ocop/locale/vi overrides Django's awkward Vietnamese ("Nhập một số tổng thể.")."""
    from django import forms

    class F(forms.Form):
        n = forms.IntegerField(max_value=5)
        e = forms.EmailField()

    with translation.override("vi"):
        errors = F({"n": "mười", "e": "x"}).errors
        assert errors["n"] == ["Nhập một số nguyên, ví dụ 12."]
        assert "ten@example.vn" in errors["e"][0]
        assert F({"n": "9", "e": "a@b.vn"}).errors["n"] == ["Giá trị phải nhỏ hơn hoặc bằng 5."]
    with translation.override("en"):
        assert F({"n": "x", "e": "a@b.vn"}).errors["n"] == ["Enter a whole number."]


@pytest.mark.django_db
def test_the_back_office_address_alone_opens_the_back_office(client, lai_chau_officer):
    assert client.get("/quan-ly/")["Location"] == "/quan-ly/san-pham/"
    client.force_login(lai_chau_officer)
    assert client.get("/quan-ly/", follow=True).status_code == 200
