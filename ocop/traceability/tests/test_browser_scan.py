"""Scanning stamps on a phone-sized screen in Chromium, on the demo data of Lai Châu: a genuine stamp, a
tampered one, one not yet activated (then activated by the producer, by clicking), and one whose
certificate was revoked. Screenshots in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from ocop.testing import BROWSER_DB, ensure_reference_data, login, shot
from ocop.traceability.links import path_of

pytestmark = [pytest.mark.browser, BROWSER_DB]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def samples(db):
    from ocop.accounts.demo import demo_users
    from ocop.evaluation import demo as evaluation_demo
    from ocop.registry.demo import load_seed_producers
    from ocop.traceability import demo as traceability_demo

    ensure_reference_data()
    load_seed_producers()
    demo_users()
    evaluation_demo.load()
    return traceability_demo.load()


def _verdict(page):
    return page.locator(".verdict h1").inner_text()


def test_scanning_stamps_on_a_phone(browser, live_server, samples):
    base = live_server.url
    phone = browser.new_page(
        viewport=PHONE,
        locale="vi-VN",
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 22.39, "longitude": 103.46},  # near Lai Châu's seat
        permissions=["geolocation"],
    )
    refused = []
    phone.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))

    phone.goto(base + path_of(samples["genuine"]))
    assert _verdict(phone) == "Tem thật"
    assert "Hạt mắc ca khô Tam Đường" in phone.content() and "Hành trình sản phẩm" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    shot(phone, "stamp-1-genuine")
    # The optional location button (a script file the Content-Security-Policy allows) sends the place.
    phone.locator("#share").click()
    # expect() polls without evaluating a string (wait_for_function's string is an eval the CSP refuses).
    expect(phone.locator("#shared")).to_have_text("Cảm ơn bạn.")
    assert refused == []

    tampered = path_of(samples["genuine"])
    tampered = tampered[:-1] + ("2" if tampered[-1] != "2" else "3")
    phone.goto(base + tampered)
    assert _verdict(phone) == "Không phải tem OCOP thật"
    assert "Mã kiểm tra của tem không khớp" in phone.locator(".verdict").inner_text()
    shot(phone, "stamp-2-tampered")

    phone.goto(base + path_of(samples["not_activated"]))
    assert _verdict(phone) == "Cần lưu ý"
    assert "chưa được kích hoạt" in phone.locator(".verdict").inner_text()
    shot(phone, "stamp-3-not-activated")

    phone.goto(base + path_of(samples["revoked"]))
    assert _verdict(phone) == "Cần lưu ý"
    assert "đã bị thu hồi" in phone.locator(".verdict").inner_text()
    shot(phone, "stamp-4-revoked-certificate")

    phone.goto(base + "/t/KHONG-PHAI-TEM")
    assert _verdict(phone) == "Không phải tem OCOP thật"
    phone.fill("#note", "Mua ở chợ, bao bì khác mẫu đăng ký")
    phone.click("text=Báo tem nghi giả")
    assert "Cảm ơn bạn đã báo" in phone.content()
    shot(phone, "stamp-5-report")

    # The producer activates the rest of the batch for a new lot, from the phone too.
    producer = browser.new_page(viewport=PHONE, locale="vi-VN")
    login(producer, base, "chuthe", "ocop-demo-2026")
    producer.goto(base + "/quan-ly/tem/")
    producer.locator("table.list a.strong").last.click()
    producer.fill("#id_lot", "MC2611B")
    producer.click("button.primary:has-text('Kích hoạt')")
    assert "Đã kích hoạt tem số 121–200" in producer.locator(".flash.success").inner_text()
    shot(producer, "stamp-6-producer-activates")
    producer.close()

    phone.goto(base + path_of(samples["not_activated"]))
    assert _verdict(phone) == "Tem thật"
    assert "MC2611B" in phone.content()
    phone.close()
