"""The evaluation journey through the services and the pages, and who may see and do what."""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from ocop.accounts.models import Profile, Role
from ocop.core.errors import OcopError
from ocop.evaluation import services
from ocop.evaluation.models import Certificate, Dossier, Round, ScoreSheet, State
from ocop.evaluation.rubric import load_sheet

pytestmark = pytest.mark.django_db


def member(name, province=12):
    u = get_user_model().objects.create_user(name, password="mat-khau-thu-nghiem")
    Profile.objects.create(user=u, role=Role.COUNCIL, province_id=province)
    return u


def answers(sheet, drop=()):
    """Best answers except the listed criteria at 0."""
    return {c.code: (0 if c.code in drop else c.max) for c in sheet.criteria}


def four_star_answers(sheet):
    """About 80 points, every gate up to 4★ met, the 5★ minimums missed."""
    a = {c.code: c.max for c in sheet.criteria}
    for c in sheet.criteria:
        if any(o.min_star == 5 for o in c.options):
            a[c.code] = c.gate(4) or 0
    for c in sorted(sheet.criteria, key=lambda c: (-c.max, c.code)):
        if sum(a.values()) <= 82:
            break
        if c.gate(4) is None:
            a[c.code] = 0
    return a


@pytest.fixture
def council(lai_chau_officer):
    chair, m2, m3 = member("chutich"), member("tv2"), member("tv3")
    d1, d2 = services.legal_round_dates(2026, 2)
    rnd = services.round_create(
        actor=lai_chau_officer,
        name="Đợt 2/2026",
        province=lai_chau_officer.profile.province,
        intake_deadline=d1,
        scoring_deadline=d2,
    )
    services.council_set(actor=lai_chau_officer, rnd=rnd, members=[m2, m3], chair=chair)
    return rnd, chair, m2, m3


def to_review(product, producer_user, commune_officer, lai_chau_officer):
    sheet = load_sheet(product.product_set.number)
    d = services.dossier_create(actor=producer_user, product=product)
    services.self_assessment_save(actor=producer_user, dossier=d, answers=four_star_answers(sheet))
    services.dossier_submit(actor=producer_user, dossier=d, today=datetime.date(2026, 11, 23))
    assert d.state == State.SUBMITTED
    # 15 working days from Monday 23/11/2026: three weeks → Monday 14/12/2026.
    assert d.commune_due == datetime.date(2026, 12, 14)
    with pytest.raises(OcopError) as e:
        services.commune_screen(
            actor=commune_officer, dossier=d, forward=True, report={"labour": "20 lao động"}
        )
    assert e.value.code == "commune_report_incomplete"
    report = {
        "raw_materials": "Chè Shan tuyết cổ thụ tại xã",
        "labour": "35 lao động địa phương",
        "idea": "Sản phẩm truyền thống",
        "identity": "Văn hóa người Dao",
    }
    services.commune_screen(actor=commune_officer, dossier=d, forward=True, report=report)
    services.province_intake(actor=lai_chau_officer, dossier=d)
    return d, sheet


def test_whole_journey_to_a_certificate(
    client, lai_chau_product, producer_user, commune_officer, lai_chau_officer, council, capsys
):
    rnd, chair, m2, m3 = council
    d, sheet = to_review(lai_chau_product, producer_user, commune_officer, lai_chau_officer)
    services.round_assign(actor=lai_chau_officer, rnd=rnd, dossier=d)
    good = four_star_answers(sheet)
    for who in (chair, m2, m3):
        services.sheet_submit(actor=who, dossier=d, answers=good)
    with pytest.raises(OcopError) as e:
        services.sheet_submit(actor=m2, dossier=d, answers=good)
    assert e.value.code == "sheet_exists"
    services.round_close(actor=lai_chau_officer, rnd=rnd)
    d.refresh_from_db()
    assert d.state == State.SCORED and d.result["star"] == 4 and d.result["members"] == 3
    # The council's result sheet and the decision annex, as spreadsheets.
    import io

    import openpyxl

    client.force_login(lai_chau_officer)
    for doc in ("ket-qua", "phu-luc"):
        r = client.get(f"/quan-ly/danh-gia/dot/{rnd.public_id}/{doc}.xlsx")
        assert r.status_code == 200
        rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.values)
        assert rows[1][1] == lai_chau_product.name
        assert (rows[1][14] if doc == "ket-qua" else rows[1][6]) == 4
    services.decision_record(
        actor=lai_chau_officer, dossier=d, number="1234/QĐ-UBND", date=datetime.date(2026, 12, 20)
    )
    cert = Certificate.objects.get(dossier=d)
    # What the certificate vouches for is kept as it stood at the decision (test_certificate_snapshot.py).
    assert (cert.product_name, cert.set_number) == (lai_chau_product.name, d.set_number)
    assert cert.producer_name == lai_chau_product.producer.name and cert.score == d.result["total"]
    assert (
        cert.star == 4
        and cert.valid_until == datetime.date(2029, 12, 20)
        and cert.status(datetime.date(2027, 1, 1)) == "valid"
    )
    assert (
        cert.status(datetime.date(2029, 7, 1)) == "expiring"
        and cert.status(datetime.date(2029, 12, 21)) == "expired"
    )
    lai_chau_product.refresh_from_db()
    assert lai_chau_product.star == 4 and lai_chau_product.decision_number == "1234/QĐ-UBND"
    # The public certificate page and the CLI listing agree.
    call_command("products", "list", "--json", "--province", "12")
    import json

    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert listed[lai_chau_product.name]["certificate"]["number"] == cert.number
    call_command(
        "certificates",
        "revoke",
        cert.number,
        "--ground",
        "b",
        "--decision",
        "99/QĐ-UBND",
        "--date",
        "2027-03-01",
    )
    cert.refresh_from_db()
    assert cert.status() == "revoked" and cert.revocation_ground == "b"


def test_five_star_result_goes_to_the_central_round(
    lai_chau_product, producer_user, commune_officer, lai_chau_officer, council, national
):
    rnd, chair, m2, m3 = council
    d, sheet = to_review(lai_chau_product, producer_user, commune_officer, lai_chau_officer)
    services.round_assign(actor=lai_chau_officer, rnd=rnd, dossier=d)
    for who in (chair, m2, m3):
        services.sheet_submit(actor=who, dossier=d, answers=answers(sheet))
    services.round_close(actor=lai_chau_officer, rnd=rnd)
    services.decision_record(
        actor=lai_chau_officer, dossier=d, number="TT-01", date=datetime.date(2026, 12, 20)
    )
    d.refresh_from_db()
    assert d.state == State.CENTRAL and not Certificate.objects.filter(dossier=d).exists()


def test_quorum_and_spread_rules(lai_chau_product, producer_user, commune_officer, lai_chau_officer, council):
    rnd, chair, m2, m3 = council
    d, sheet = to_review(lai_chau_product, producer_user, commune_officer, lai_chau_officer)
    services.round_assign(actor=lai_chau_officer, rnd=rnd, dossier=d)
    services.sheet_submit(actor=m2, dossier=d, answers=answers(sheet))
    services.sheet_submit(actor=m3, dossier=d, answers=answers(sheet))
    with pytest.raises(OcopError) as e:
        services.round_close(actor=lai_chau_officer, rnd=rnd)  # the chair has not scored
    assert e.value.code == "quorum_missing"
    services.sheet_submit(actor=chair, dossier=d, answers=four_star_answers(sheet))
    services.round_close(actor=lai_chau_officer, rnd=rnd)
    d.refresh_from_db()
    assert d.result["spread_exceeded"] is True
    with pytest.raises(OcopError) as e:
        services.decision_record(
            actor=lai_chau_officer, dossier=d, number="1/QĐ", date=datetime.date(2026, 12, 1)
        )
    assert e.value.code == "spread_exceeded"


def test_members_see_only_assigned_dossiers_and_only_their_own_sheet(
    client, lai_chau_product, producer_user, commune_officer, lai_chau_officer, council, council_member
):
    rnd, chair, m2, _m3 = council
    d, sheet = to_review(lai_chau_product, producer_user, commune_officer, lai_chau_officer)
    # Before assignment no member sees it; a council member of the province who is not seated never does.
    assert not Dossier.objects.visible_to(m2).exists()
    services.round_assign(actor=lai_chau_officer, rnd=rnd, dossier=d)
    assert list(Dossier.objects.visible_to(m2)) == [d]
    assert not Dossier.objects.visible_to(council_member).exists()
    client.force_login(council_member)
    assert client.get(f"/quan-ly/danh-gia/ho-so/{d.public_id}/").status_code == 404
    with pytest.raises(OcopError):
        services.sheet_submit(actor=council_member, dossier=d, answers=answers(sheet))
    services.sheet_submit(actor=chair, dossier=d, answers=answers(sheet))
    # Nor in the dossier's history: the chair's sheet (and its total) is not shown to another member.
    client.force_login(m2)
    assert "nộp phiếu chấm" not in client.get(f"/quan-ly/danh-gia/ho-so/{d.public_id}/").content.decode()
    client.force_login(chair)
    assert "nộp phiếu chấm" in client.get(f"/quan-ly/danh-gia/ho-so/{d.public_id}/").content.decode()
    client.force_login(m2)
    page = client.get(f"/quan-ly/danh-gia/dot/{rnd.public_id}/").content.decode()
    assert "hiển thị khi đợt đánh giá đã khóa" in page and "100" not in page.split("Kết quả")[1]
    r = client.get(f"/quan-ly/danh-gia/ho-so/{d.public_id}/cham/")
    assert r.status_code == 200 and 'type="radio"' in r.content.decode()
    # A value that is no option of the sheet: said, and nothing saved.
    bad = {c.code: "0" for c in sheet.criteria} | {sheet.criteria[0].code: "99"}
    r = client.post(f"/quan-ly/danh-gia/ho-so/{d.public_id}/cham/", bad, follow=True)
    assert f"Tiêu chí {sheet.criteria[0].code}: chọn lại" in r.content.decode()
    assert not ScoreSheet.objects.filter(dossier=d, member=m2).exists()
    # The province's office sees the dossier but does not get a sheet to fill in.
    client.force_login(lai_chau_officer)
    assert client.get(f"/quan-ly/danh-gia/ho-so/{d.public_id}/").status_code == 200
    r = client.get(f"/quan-ly/danh-gia/ho-so/{d.public_id}/cham/")
    assert r.status_code == 403 and "Chỉ thành viên hội đồng" in r.content.decode()
    assert 'type="radio"' not in r.content.decode()
    assert client.post(f"/quan-ly/danh-gia/ho-so/{d.public_id}/cham/", bad).status_code == 403
    client.force_login(m2)
    data = {c.code: f"{c.max:g}" for c in sheet.criteria}
    r = client.post(f"/quan-ly/danh-gia/ho-so/{d.public_id}/cham/", data)
    assert r.status_code == 302
    assert ScoreSheet.objects.get(dossier=d, member=m2).total == 100


def test_other_province_cannot_read_or_act(
    client, lai_chau_product, producer_user, commune_officer, lai_chau_officer, son_la_officer, council
):
    d, _ = to_review(lai_chau_product, producer_user, commune_officer, lai_chau_officer)
    client.force_login(son_la_officer)
    assert client.get(f"/quan-ly/danh-gia/ho-so/{d.public_id}/").status_code == 404
    assert client.post(f"/quan-ly/danh-gia/ho-so/{d.public_id}/request/", {"text": "x"}).status_code == 404
    with pytest.raises(OcopError) as e:
        services.advisory_request(actor=son_la_officer, dossier=d, text="bổ sung")
    assert e.value.code == "forbidden"
    rnd = council[0]
    assert client.get(f"/quan-ly/danh-gia/dot/{rnd.public_id}/").status_code == 404
    with pytest.raises(OcopError):
        services.round_assign(actor=son_la_officer, rnd=rnd, dossier=d)


def test_producer_pages_self_assessment_and_advice(client, lai_chau_product, producer_user):
    client.force_login(producer_user)
    r = client.post(f"/quan-ly/danh-gia/ho-so/dang-ky/{lai_chau_product.public_id}/", {"kind": "first"})
    d = Dossier.objects.get(product=lai_chau_product)
    assert r.status_code == 302 and d.state == State.DRAFT
    sheet = load_sheet(d.set_number)
    data = {c.code: f"{min(o.points for o in c.options):g}" for c in sheet.criteria}
    client.post(f"/quan-ly/danh-gia/ho-so/{d.public_id}/tu-danh-gia/", data)
    page = client.get(f"/quan-ly/danh-gia/ho-so/{d.public_id}/").content.decode()
    assert "cần cải thiện ít nhất" in page
    # A tampered value is refused with a message, nothing saved.
    bad = dict(data, **{sheet.criteria[0].code: "7.5"})
    before = Dossier.objects.get(pk=d.pk).self_answers
    r = client.post(f"/quan-ly/danh-gia/ho-so/{d.public_id}/tu-danh-gia/", bad)
    assert r.status_code == 200 and Dossier.objects.get(pk=d.pk).self_answers == before
    client.post(f"/quan-ly/danh-gia/ho-so/{d.public_id}/submit/")
    assert Dossier.objects.get(pk=d.pk).state == State.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_two_members_submitting_at_once_both_land_once(
    committed, lai_chau_product, producer_user, commune_officer, lai_chau_officer, council
):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the concurrency case is exercised on PostgreSQL")
    rnd, _chair, m2, m3 = council
    d, sheet = to_review(lai_chau_product, producer_user, commune_officer, lai_chau_officer)
    services.round_assign(actor=lai_chau_officer, rnd=rnd, dossier=d)
    errors = []

    def go(user):
        try:
            services.sheet_submit(actor=user, dossier=d, answers=answers(sheet))
        except OcopError as e:
            errors.append(e.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(u,)) for u in (m2, m3, m2, m3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ScoreSheet.objects.filter(dossier=d).count() == 2
    assert sorted(errors) == ["sheet_exists", "sheet_exists"]
    assert Round.objects.get(pk=rnd.pk).status == Round.Status.SCORING


def test_registration_kind_follows_the_certificate(lai_chau_product, producer_user):
    services.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-1",
        star=4,
        decision_number="1/QĐ",
        decision_date=datetime.date(2024, 1, 10),
    )
    # Valid until 10/01/2027: the re-evaluation window opens 14/07/2026.
    for kind, day, ok in [
        ("first", datetime.date(2026, 6, 1), False),
        ("upgrade", datetime.date(2026, 6, 1), True),
        ("reevaluation", datetime.date(2026, 6, 1), False),
        ("reevaluation", datetime.date(2026, 8, 1), True),
        ("reevaluation", datetime.date(2027, 7, 10), False),
        ("upgrade", datetime.date(2027, 2, 1), False),
        ("first", datetime.date(2027, 2, 1), True),
    ]:
        if ok:
            services.check_kind(lai_chau_product, kind, day)
        else:
            with pytest.raises(OcopError) as e:
                services.check_kind(lai_chau_product, kind, day)
            assert e.value.code == "kind_invalid" and e.value.field == "kind"


def test_evidence_is_served_only_to_those_who_see_the_dossier(
    client, lai_chau_product, producer_user, son_la_officer, lai_chau_officer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ocop.evaluation.tests.test_evidence_files import PDF as pdf

    d = services.dossier_create(actor=producer_user, product=lai_chau_product)
    client.force_login(producer_user)
    r = client.post(
        f"/quan-ly/danh-gia/ho-so/{d.public_id}/evidence/",
        {
            "criterion": "1.1",
            "file": SimpleUploadedFile("vung-nguyen-lieu.pdf", pdf),
            "note": "Hợp đồng",
        },
    )
    assert r.status_code == 302
    ev = d.evidence.get()
    url = f"/quan-ly/danh-gia/ho-so/{d.public_id}/minh-chung/{ev.pk}/"
    assert b"".join(client.get(url).streaming_content) == pdf
    bad = client.post(
        f"/quan-ly/danh-gia/ho-so/{d.public_id}/evidence/",
        {"criterion": "99.9", "file": SimpleUploadedFile("x.pdf", b"x")},
    )
    assert bad.status_code == 302 and d.evidence.count() == 1
    client.force_login(son_la_officer)
    assert client.get(url).status_code == 404
    client.force_login(lai_chau_officer)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_rounds_are_created_from_the_page_with_legal_dates(client, lai_chau_officer, national):
    client.force_login(lai_chau_officer)
    page = client.get("/quan-ly/danh-gia/dot/").content.decode()
    assert "Tạo đợt đánh giá" in page and ("30/04/" in page or "30/10/" in page)
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and page.count("<form") == page.count("</form>")
    bad = client.post(
        "/quan-ly/danh-gia/dot/",
        {
            "name": "Đợt thử",
            "level": "province",
            "intake_deadline": "30/06/2026",
            "scoring_deadline": "30/04/2026",
            "max_spread": "10",
            "quorum": "0.75",
        },
    )
    assert bad.status_code == 200 and "Hạn hoàn thành phải sau hạn nhận hồ sơ" in bad.content.decode()
    assert not Round.objects.exists()
    r = client.post(
        "/quan-ly/danh-gia/dot/",
        {
            "name": "Đợt 1 năm 2027",
            "level": "province",
            "intake_deadline": "30/04/2027",
            "scoring_deadline": "30/06/2027",
            "max_spread": "8",
            "quorum": "0.75",
        },
    )
    rnd = Round.objects.get()
    assert r.status_code == 302 and rnd.province_id == 12 and float(rnd.max_spread) == 8
    central = client.post(
        "/quan-ly/danh-gia/dot/",
        {
            "name": "TW",
            "level": "central",
            "intake_deadline": "30/04/2027",
            "scoring_deadline": "30/09/2027",
            "max_spread": "10",
            "quorum": "0.75",
        },
    )
    assert central.status_code == 200 and Round.objects.count() == 1
    client.force_login(national)
    client.post(
        "/quan-ly/danh-gia/dot/",
        {
            "name": "Đợt Trung ương 2027",
            "level": "central",
            "intake_deadline": "15/07/2027",
            "scoring_deadline": "30/09/2027",
            "max_spread": "10",
            "quorum": "0.75",
        },
    )
    assert Round.objects.filter(level="central").count() == 1


def test_transition_grace_while_a_late_reevaluation_is_open(lai_chau_product, producer_user):
    cert = services.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-2",
        star=3,
        decision_number="2/QĐ",
        decision_date=datetime.date(2023, 5, 1),
    )
    # Valid until 01/05/2026, issued before 22/5/2026.
    after = datetime.date(2026, 8, 1)
    assert cert.status(after) == "expired"
    services.dossier_create(actor=producer_user, product=lai_chau_product, kind="reevaluation", today=after)
    assert cert.status(after) == "grace"
    assert cert.status(datetime.date(2026, 11, 1)) == "expired"  # more than 180 days past expiry


def test_reevaluation_gets_a_45_day_deadline_at_intake(
    lai_chau_product, producer_user, commune_officer, lai_chau_officer
):
    from django.utils import timezone

    today = timezone.localdate()
    services.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-3",
        star=4,
        decision_number="3/QĐ",
        decision_date=today - datetime.timedelta(days=36 * 30),
    )
    d = services.dossier_create(actor=producer_user, product=lai_chau_product, kind="reevaluation")
    sheet = load_sheet(d.set_number)
    services.self_assessment_save(actor=producer_user, dossier=d, answers=four_star_answers(sheet))
    services.dossier_submit(actor=producer_user, dossier=d)
    report = {k: "có" for k in services.COMMUNE_ITEMS}
    services.commune_screen(actor=commune_officer, dossier=d, forward=True, report=report)
    services.province_intake(actor=lai_chau_officer, dossier=d)
    assert d.decision_due == today + datetime.timedelta(days=45)
