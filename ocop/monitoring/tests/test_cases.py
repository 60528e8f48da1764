"""Inspection campaigns, findings → remediation → follow-up → revocation, sales points and reminders:
the services, the pages, and who may do what (each rule tried from the wrong side)."""

import datetime
import io
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from ocop.core.errors import OcopError, PermissionDenied
from ocop.core.workdays import add_working_days
from ocop.evaluation import services as evaluation
from ocop.evaluation.models import Certificate, Dossier
from ocop.monitoring import checklist, effectiveness, reminders, services
from ocop.monitoring.models import Finding, Inspection, Reminder, SalesPointCheck
from ocop.testing import PASSWORD

TODAY = timezone.localdate()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


PNG = _png()


def photo(name="a.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def certified(lai_chau_product):
    return evaluation.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-LC-1",
        star=4,
        decision_number="QĐ 5/QĐ-UBND",
        decision_date=TODAY - datetime.timedelta(days=400),
    )


@pytest.fixture
def visit(certified, lai_chau_officer, lai_chau_producer):
    campaign = services.campaign_create(
        actor=lai_chau_officer,
        province_id=12,
        name="Hậu kiểm 6 tháng cuối năm",
        kind="unannounced",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=30),
        team="Sở NN&MT, Sở Công Thương, Sở Y tế",
        producers=[lai_chau_producer],
    )
    return campaign.inspections.get()


def _finding(visit, inspector, severity="major", due=None):
    return services.finding_record(
        actor=inspector,
        inspection=visit,
        product=visit.producer.products.get(),
        item="packaging_registered",
        severity=severity,
        note="Tem OCOP dán trên túi nilon không nhãn, khác bao bì hộp giấy đã đăng ký.",
        remediation="Dùng đúng bao bì đã đăng ký; thu hồi túi không nhãn.",
        due=due,
        photos=[photo()],
    )


def test_checklist_covers_the_decree_and_the_seeds():
    assert {i.key for i in checklist.ITEMS} >= {
        "stamped",
        "lot_activated",
        "packaging_registered",
        "mark_in_force",
    }
    assert {i.ground for i in checklist.ITEMS} <= set(Certificate.Ground.values)
    assert checklist.check_answers({"stamped": "ok", "nope": "ok", "food_safety": "maybe"}) == [
        "nope",
        "food_safety",
    ]


def test_full_case_finding_remediation_escalation_revocation(visit, inspector, lai_chau_officer):
    f = _finding(visit, inspector)
    visit.refresh_from_db()
    assert (
        visit.visited_on == TODAY and f.due == TODAY + datetime.timedelta(days=15) and f.photos.count() == 1
    )
    with pytest.raises(OcopError) as e:  # not yet overdue and not critical
        services.finding_escalate(actor=lai_chau_officer, finding=f, ground="d", proposal="x")
    assert e.value.code == "not_overdue"
    services.finding_followup(
        actor=inspector, finding=f, visited_on=TODAY, fixed=False, note="Vẫn dùng túi cũ"
    )
    later = f.due + datetime.timedelta(days=1)
    assert Finding.objects.get(pk=f.pk).overdue(later)
    with pytest.raises(PermissionDenied):  # an inspector records; the office proposes
        services.finding_escalate(actor=inspector, finding=f, ground="d", proposal="x", today=later)
    f = services.finding_escalate(
        actor=lai_chau_officer,
        finding=f,
        ground="d",
        proposal="Không khắc phục sau kiểm tra lại.",
        today=later,
    )
    assert f.status == "escalated" and f.certificate.number == "GCN-LC-1"
    assert f.decision_due == later + datetime.timedelta(days=15)
    f = services.finding_revoke(actor=lai_chau_officer, finding=f, decision="QĐ 77/QĐ-UBND", date=later)
    cert = Certificate.objects.get(number="GCN-LC-1")
    assert f.status == "revoked" and cert.revoked_on == later and cert.revocation_ground == "d"
    with pytest.raises(OcopError):
        services.finding_revoke(actor=lai_chau_officer, finding=f, decision="again", date=later)


def test_fixed_closes_and_critical_escalates_at_once(visit, inspector, lai_chau_officer):
    f = _finding(visit, inspector)
    services.finding_followup(actor=inspector, finding=f, visited_on=TODAY, fixed=True)
    assert Finding.objects.get(pk=f.pk).status == "resolved"
    with pytest.raises(OcopError):
        services.finding_escalate(actor=lai_chau_officer, finding=f, ground="d", proposal="x")
    g = _finding(visit, inspector, severity="critical")
    assert (
        services.finding_escalate(actor=lai_chau_officer, finding=g, ground="c", proposal="ATTP").status
        == "escalated"
    )


def test_bad_input_changes_nothing(visit, inspector, son_la_officer, producer_user):
    product = visit.producer.products.get()
    base = dict(
        actor=inspector, inspection=visit, product=product, severity="minor", note="n", remediation="r"
    )
    for bad, code in (
        ({"item": "nope"}, "item_invalid"),
        ({"item": "stamped", "severity": "huge"}, "severity_invalid"),
        ({"item": "stamped", "note": " "}, "note_required"),
        ({"item": "stamped", "due": TODAY - datetime.timedelta(days=1)}, "due_invalid"),
        (
            {
                "item": "stamped",
                "photos": [SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-dosexec")],
            },
            "file_executable",
        ),
        (
            {
                "item": "stamped",
                "photos": [SimpleUploadedFile("x.png", b"not a png", content_type="image/png")],
            },
            "file_unsupported",
        ),
    ):
        with pytest.raises(OcopError) as e:
            services.finding_record(**{**base, **bad})
        assert e.value.code == code
    for actor in (son_la_officer, producer_user):
        with pytest.raises(PermissionDenied):
            services.finding_record(**{**base, "item": "stamped", "actor": actor})
    visit.refresh_from_db()
    assert Finding.objects.count() == 0 and visit.visited_on is None


def test_producer_sees_own_findings_only_and_responds(
    client, visit, inspector, producer_user, son_la_officer
):
    f = _finding(visit, inspector)
    client.login(username="chuthe", password=PASSWORD)
    page = client.get(f"/quan-ly/giam-sat/phat-hien/{f.public_id}/")
    assert page.status_code == 200 and "Dùng đúng bao bì đã đăng ký" in page.content.decode()
    assert (
        client.get(f"/quan-ly/giam-sat/dot/{visit.campaign.public_id}/").status_code == 404
    )  # unannounced plan
    assert client.get(f"/quan-ly/giam-sat/kiem-tra/{visit.public_id}/").status_code == 404
    r = client.post(
        f"/quan-ly/giam-sat/phat-hien/{f.public_id}/escalate/", {"e-ground": "d", "e-proposal": "x"}
    )
    assert r.status_code == 302 and Finding.objects.get(pk=f.pk).status == "open"
    client.post(
        f"/quan-ly/giam-sat/phat-hien/{f.public_id}/respond/", {"p-text": "Đã in bao bì hộp giấy mới."}
    )
    assert Finding.objects.get(pk=f.pk).response == "Đã in bao bì hộp giấy mới."
    photo_url = f"/quan-ly/giam-sat/phat-hien/{f.public_id}/anh/{f.photos.get().pk}/"
    assert client.get(photo_url).status_code == 200
    client.login(username="sonla", password=PASSWORD)
    assert client.get(f"/quan-ly/giam-sat/phat-hien/{f.public_id}/").status_code == 404
    assert client.get(photo_url).status_code == 404
    assert f.product.name not in client.get("/quan-ly/giam-sat/phat-hien/").content.decode()


def test_pages_plan_record_and_escalate(
    client, certified, lai_chau_officer, inspector, lai_chau_producer, son_la_officer
):
    client.login(username="laichau", password=PASSWORD)
    r = client.post(
        "/quan-ly/giam-sat/dot/",
        {"name": "Kiểm tra định kỳ", "kind": "scheduled", "starts_on": str(TODAY), "ends_on": str(TODAY)},
    )
    campaign_url = r["Location"]
    r = client.post(campaign_url, {"producer": "che tam duong"})  # folded name search
    assert r.status_code == 302
    r = client.post(campaign_url, {"producer": "khong co ai"})
    assert "Không có chủ thể «khong co ai»" in r.content.decode()
    client.login(username="thanhtra", password=PASSWORD)
    visit_url = f"/quan-ly/giam-sat/kiem-tra/{Inspection.objects.get().public_id}/"
    assert visit_url in client.get(campaign_url).content.decode()
    data = {"form": "checklist", "c-visited_on": str(TODAY), "c-note": ""}
    data |= {f"c-item_{i.key}": "ok" for i in checklist.ITEMS} | {"c-item_stamped": "issue"}
    assert client.post(visit_url, data).status_code == 302
    r = client.post(
        visit_url,
        {
            "form": "finding",
            "f-product": certified.product.pk,
            "f-item": "stamped",
            "f-severity": "critical",
            "f-note": "Bán sản phẩm không dán tem.",
            "f-remediation": "Dán tem đã kích hoạt.",
            "f-due": "",
            "f-photos": [photo("1.png"), photo("2.png")],
        },
    )
    finding = Finding.objects.get()
    assert r["Location"].endswith(f"/phat-hien/{finding.public_id}/") and finding.photos.count() == 2
    client.login(username="laichau", password=PASSWORD)
    url = f"/quan-ly/giam-sat/phat-hien/{finding.public_id}/"
    assert 'id="de-nghi-thu-hoi"' in client.get(url).content.decode()
    client.post(url + "escalate/", {"e-ground": "b", "e-proposal": "Kết luận: không dán tem."})
    client.post(url + "revoke/", {"r-decision": "QĐ 12/QĐ-UBND", "r-date": str(TODAY)})
    assert Certificate.objects.get(pk=certified.pk).revoked_on == TODAY
    assert "Đề nghị thu hồi" in client.get(url).content.decode()  # history shows the steps
    client.login(username="sonla", password=PASSWORD)  # another province's office: nothing of Lai Châu
    assert client.get(campaign_url).status_code == 404 and client.get(visit_url).status_code == 404
    assert client.post(visit_url, data).status_code == 404
    assert campaign_url not in client.get("/quan-ly/giam-sat/dot/").content.decode()


def test_sales_point_checks_twice_a_year(
    lai_chau_officer, inspector, lai_chau_commune, certified, son_la_officer
):
    point = services.sales_point_save(
        actor=lai_chau_officer,
        products=[certified.product],
        name="Điểm OCOP chợ Tam Đường",
        commune=lai_chau_commune,
        operator="HTX Tam Đường",
    )
    levels = {p.key: 3 for p in effectiveness.PARTS}
    check = services.sales_point_check(
        actor=inspector, sales_point=point, checked_on=TODAY, levels=levels, products_seen=4
    )
    assert check.score == 75 and effectiveness.rating(check.score) == "effective"
    with pytest.raises(OcopError) as e:
        services.sales_point_check(
            actor=inspector, sales_point=point, checked_on=TODAY, levels=levels, products_seen=1
        )
    assert e.value.code == "already_checked"
    with pytest.raises(OcopError):
        services.sales_point_check(
            actor=inspector,
            sales_point=point,
            checked_on=TODAY.replace(day=1) - datetime.timedelta(days=200),
            levels={**levels, "sales": 9},
            products_seen=1,
        )
    with pytest.raises(PermissionDenied):
        services.sales_point_check(
            actor=son_la_officer, sales_point=point, checked_on=TODAY, levels=levels, products_seen=1
        )
    assert SalesPointCheck.objects.count() == 1
    assert effectiveness.score({p.key: 0 for p in effectiveness.PARTS}) == 0
    assert effectiveness.score({p.key: 4 for p in effectiveness.PARTS}) == 100


def test_reminders_once_each_and_mailed_once(visit, inspector, lai_chau_officer, producer_user, certified):
    lai_chau_officer.email, producer_user.email = "tinh@example.vn", "chuthe@example.vn"
    lai_chau_officer.save()
    producer_user.save()
    f = _finding(visit, inspector, due=TODAY + datetime.timedelta(days=2))
    opens = certified.valid_until - datetime.timedelta(days=170)  # window open, not closing
    first = reminders.run(opens)
    kinds = set(Reminder.objects.values_list("kind", "user__username"))
    assert ("window_opens", "chuthe") in kinds and ("window_opens", "laichau") in kinds
    assert first.emailed == len(mail.outbox) == Reminder.objects.exclude(user__email="").count() > 0
    again = reminders.run(opens)
    assert again.created == 0 and again.emailed == 0 and len(mail.outbox) == first.emailed
    closing = certified.valid_until - datetime.timedelta(days=125)
    reminders.run(closing)
    assert Reminder.objects.filter(kind="window_closes", user=producer_user).count() == 1
    # the remediation date: the producer two days before, the office once it has passed
    assert reminders.run(f.due - datetime.timedelta(days=2)).created >= 1
    assert Reminder.objects.filter(key=f"finding:{f.public_id}:soon", user=producer_user).exists()
    reminders.run(f.due + datetime.timedelta(days=1))
    overdue = Reminder.objects.filter(key=f"finding:{f.public_id}:overdue")
    assert set(overdue.values_list("user__username", flat=True)) == {"laichau", "thanhtra"}


def test_reminder_mail_failure_is_retried(settings, visit, inspector, producer_user):
    producer_user.email = "chuthe@example.vn"
    producer_user.save()
    f = _finding(visit, inspector)
    settings.MAILERS = {"default": {"BACKEND": "ocop.monitoring.tests.broken_mail.Backend"}}
    result = reminders.run(f.due - datetime.timedelta(days=1))
    assert result.failed == 1 and Reminder.objects.get(user=producer_user).emailed_at is None
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert reminders.run(f.due - datetime.timedelta(days=1)).emailed == 1


def test_commune_screening_deadline(lai_chau_product, commune_officer):
    dossier = evaluation.dossier_create(actor=None, product=lai_chau_product, kind="first")
    due = add_working_days(TODAY, 15, evaluation.holidays())  # as dossier_submit sets it (tested there)
    Dossier.objects.filter(pk=dossier.pk).update(state="submitted", commune_due=due)
    dossier.refresh_from_db()
    reminders.run(dossier.commune_due - datetime.timedelta(days=1), mail=False)
    [r] = Reminder.objects.filter(user=commune_officer)
    assert r.kind == "screening" and "15 ngày làm việc" in r.message and r.due == dossier.commune_due


def test_cli_runs_and_enqueues(visit, inspector, producer_user):
    f = _finding(visit, inspector)
    out = io.StringIO()
    call_command("reminders", "--date", str(f.due), "--no-mail", "--json", stdout=out)
    assert json.loads(out.getvalue())["created"] == 1
    call_command("reminders", "--date", str(f.due), "--json", stdout=(out := io.StringIO()))
    assert json.loads(out.getvalue())["created"] == 0
    with pytest.raises(Exception) as e:
        call_command("reminders", "--date", "31/12/2026")
    assert "YYYY-MM-DD" in str(e.value)
    call_command("reminders", "--enqueue", stdout=(out := io.StringIO()))
    assert "hàng đợi" in out.getvalue()
    from django_tasks_db.models import DBTaskResult

    [queued] = DBTaskResult.objects.filter(task_path="ocop.monitoring.tasks.send_reminders")
    assert queued.status == "READY"


def test_database_worker_runs_the_queued_job(db, monkeypatch):
    """`ocop db_worker` takes the job from the database table and runs it. (The worker closes stale
    connections between tasks; inside the test's transaction that would close the test database.)"""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    from ocop.monitoring.tasks import send_reminders

    send_reminders.enqueue(str(TODAY))
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())
    [done] = DBTaskResult.objects.filter(task_path="ocop.monitoring.tasks.send_reminders")
    assert done.status == "SUCCESSFUL" and done.return_value == {"created": 0, "emailed": 0, "failed": 0}


def test_api_lists_in_scope_and_escalates(client, visit, inspector, lai_chau_officer, son_la_officer):
    f = _finding(visit, inspector, severity="critical")
    client.login(username="laichau", password=PASSWORD)
    [row] = client.get("/api/v1/monitoring/findings").json()
    assert row["id"] == f.public_id and row["status"] == "open" and row["severity"] == "critical"
    r = client.post(
        f"/api/v1/monitoring/findings/{f.public_id}/escalate",
        {"ground": "z", "proposal": "x"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "ground_invalid"
    r = client.post(
        f"/api/v1/monitoring/findings/{f.public_id}/escalate",
        {"ground": "c", "proposal": "Vi phạm ATTP"},
        content_type="application/json",
    )
    assert r.json()["status"] == "escalated" and r.json()["certificate"] == "GCN-LC-1"
    client.login(username="sonla", password=PASSWORD)
    assert client.get("/api/v1/monitoring/findings").json() == []
    r = client.post(
        f"/api/v1/monitoring/findings/{f.public_id}/revoke",
        {"decision": "QĐ 1", "date": str(TODAY)},
        content_type="application/json",
    )
    assert r.status_code == 404 and Finding.objects.get(pk=f.pk).status == "escalated"


def test_council_deadline_reaches_members_with_sheets_left(lai_chau_product, council_member):
    from ocop.evaluation.models import Round, ScoreSheet, Seat

    deadline = TODAY + datetime.timedelta(days=2)
    rnd = evaluation.round_create(
        actor=None,
        name="Đợt 2/2026",
        province=lai_chau_product.commune.province,
        intake_deadline=TODAY,
        scoring_deadline=deadline,
    )
    Seat.objects.create(round=rnd, user=council_member, chair=True)
    dossier = evaluation.dossier_create(actor=None, product=lai_chau_product, kind="first")
    Dossier.objects.filter(pk=dossier.pk).update(round=rnd, state="in_round")  # as round_assign leaves it
    reminders.run(deadline - datetime.timedelta(days=5), mail=False)
    assert not Reminder.objects.exists()  # too early
    reminders.run(deadline - datetime.timedelta(days=1), mail=False)
    [r] = Reminder.objects.all()
    assert r.user == council_member and r.kind == "council" and "còn 1 hồ sơ chưa chấm" in r.message
    ScoreSheet.objects.create(dossier=dossier, member=council_member, answers={}, total=0)
    reminders.run(deadline + datetime.timedelta(days=1), mail=False)
    assert Reminder.objects.count() == 1  # the sheet is in: no late reminder
    assert Round.objects.get(pk=rnd.pk).status != "closed"
