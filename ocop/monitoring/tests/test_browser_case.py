"""The monitoring journey in Chromium on the demo data of Lai Châu: the inspector records a finding with a
photo on a phone-sized screen, the provincial officer sees it, the remediation date passes (the daily
reminder tells the officer), the case escalates to a revocation proposal and ends in the revocation of
the certificate. Screenshots in test-artifacts/."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from ocop.accounts.demo import DEMO_PASSWORD
from ocop.testing import BROWSER_DB, ensure_reference_data, login, shot

pytestmark = [pytest.mark.browser, BROWSER_DB]
PHONE = {"width": 390, "height": 844}


def _photo() -> bytes:
    """A phone photo stand-in: a shelf-coloured JPEG with a label."""
    image = Image.new("RGB", (640, 480), (181, 140, 92))
    ImageDraw.Draw(image).rectangle((120, 140, 520, 340), fill=(240, 236, 220))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


@pytest.fixture
def demo(db):
    from ocop.accounts.demo import demo_users
    from ocop.evaluation import demo as evaluation_demo
    from ocop.monitoring import demo as monitoring_demo
    from ocop.registry.demo import load_seed_producers
    from ocop.traceability import demo as traceability_demo

    ensure_reference_data()
    load_seed_producers()
    demo_users()
    evaluation_demo.load()
    traceability_demo.load()
    assert monitoring_demo.load()


def test_finding_to_revocation(browser, live_server, demo):
    from ocop.evaluation.models import Certificate
    from ocop.monitoring import reminders
    from ocop.monitoring.models import Finding

    base = live_server.url
    phone = browser.new_page(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    login(phone, base, "thanhtra", DEMO_PASSWORD)
    phone.goto(base + "/quan-ly/giam-sat/dot/")
    phone.click("table.list a")
    phone.click("table.list a:has-text('Công ty TNHH Mắc ca Tam Đường')")
    phone.select_option("select[name=f-product]", label="Hạt mắc ca khô Tam Đường")
    phone.select_option("select[name=f-item]", "lot_activated")
    phone.select_option("select[name=f-severity]", "major")
    phone.fill(
        "textarea[name=f-note]", "Hàng trên kệ dán tem số 150–152 chưa kích hoạt lô, không có ngày sản xuất."
    )
    phone.fill("textarea[name=f-remediation]", "Kích hoạt tem theo lô trước khi đưa hàng ra thị trường.")
    phone.set_input_files(
        "input[name=f-photos]", files=[{"name": "ke-hang.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "monitoring-1-inspector-records-finding")
    phone.click("text=Ghi nhận, yêu cầu khắc phục")
    phone.wait_for_load_state()
    assert "Đã ghi nhận phát hiện" in phone.content()
    assert phone.locator("[data-status]").inner_text() == "Chờ khắc phục"
    assert phone.locator(".photos img").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "monitoring-2-finding-on-phone")
    finding = Finding.objects.get(item="lot_activated")
    assert finding.due == timezone.localdate() + datetime.timedelta(days=15)

    office = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    login(office, base, "laichau", DEMO_PASSWORD)
    office.goto(base + "/quan-ly/giam-sat/phat-hien/")
    row = office.locator(f"tr[data-finding='{finding.public_id}']")
    assert "Hạt mắc ca khô Tam Đường" in row.inner_text() and "Chờ khắc phục" in row.inner_text()
    row.locator("a").click()
    assert (
        "Được đề nghị thu hồi khi quá hạn khắc phục" in office.content()
    )  # not yet: the date has not passed
    assert office.locator("button:has-text('Lập đề nghị thu hồi')").count() == 0

    # The remediation date passes without a fix; the daily job reminds the officer.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Finding.objects.filter(pk=finding.pk).update(due=yesterday)
    reminders.run(mail=False)
    office.reload()
    assert office.locator("[data-overdue]").count() == 1
    assert int(office.locator(".bell .badge").inner_text()) >= 1
    office.select_option("select[name=e-ground]", "c")
    office.fill("textarea[name=e-proposal]", "Quá hạn khắc phục; tem lưu thông không gắn lô sản xuất.")
    shot(office, "monitoring-3-overdue-escalate")
    office.click("button:has-text('Lập đề nghị thu hồi')")
    office.wait_for_load_state()
    assert office.locator("[data-status]").inner_text() == "Đã đề nghị thu hồi"
    office.fill("input[name=r-decision]", "QĐ 1234/QĐ-UBND")
    office.click("button:has-text('Ghi quyết định, thu hồi giấy chứng nhận')")
    office.wait_for_load_state()
    assert office.locator("[data-status]").inner_text() == "Đã thu hồi giấy chứng nhận"
    shot(office, "monitoring-4-revoked")
    cert = Certificate.objects.get(pk=Finding.objects.get(pk=finding.pk).certificate_id)
    assert cert.revoked_on == timezone.localdate() and cert.revocation_ground == "c"
    office.click(f"a:has-text('{cert.number}')")
    assert "thu hồi" in office.content().lower()

    reminders_page = browser.new_page(viewport=PHONE)
    login(reminders_page, base, "thanhtra", DEMO_PASSWORD)
    reminders_page.goto(base + "/quan-ly/giam-sat/nhac-viec/")
    assert "Quá hạn khắc phục" in reminders_page.content()
