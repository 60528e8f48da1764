"""In Chromium: an officer turns on the second factor with the page's QR/secret, logs in again in two steps,
creates an API key; and the pages, Django admin and the API docs work under the Content-Security-Policy
(no violation reported by the browser)."""

import time

import pytest

from ocop.accounts import totp
from ocop.accounts.models import ApiToken, Profile, Role, TwoFactor
from ocop.testing import BROWSER_DB, PASSWORD, ensure_reference_data, login, shot

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.fixture
def officer(db):
    from django.contrib.auth import get_user_model

    ensure_reference_data()
    user = get_user_model().objects.create_user("laichau", password=PASSWORD, is_staff=True)
    Profile.objects.create(user=user, role=Role.PROVINCE, province_id=12)
    return user


def _watch_csp(page) -> list[str]:
    seen = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen


def test_second_factor_and_api_key_in_the_browser(browser, live_server, officer):
    page = browser.new_page(locale="vi-VN", viewport={"width": 390, "height": 844})
    violations = _watch_csp(page)
    base = live_server.url
    login(page, base, "laichau")
    page.click("header a.account")
    page.wait_for_url("**/tai-khoan/")
    page.click("text=Xác thực hai lớp")
    assert page.locator(".qr svg").count() == 1
    secret = page.locator("#secret").inner_text().replace(" ", "")
    assert TwoFactor.objects.get(user=officer).secret == secret
    shot(page, "two-factor-setup-phone")
    # The code of the previous step: the current one is used for the next login.
    page.fill("input[name=code]", totp.totp(secret, time.time() - totp.STEP))
    page.click("button.primary")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.click("header form button.link")  # log out
    page.wait_for_load_state()

    login(page, base, "laichau")
    page.wait_for_url("**/ma-xac-thuc/")
    page.goto(f"{base}/quan-ly/san-pham/")  # skipping the code step
    assert "/tai-khoan/dang-nhap/" in page.url
    login(page, base, "laichau")
    page.fill("input[name=code]", totp.totp(secret, time.time()))
    page.click("button.primary")
    page.wait_for_url("**/quan-ly/san-pham/")

    page.goto(f"{base}/tai-khoan/khoa-api/")
    page.fill("input[name=name]", "Cổng dữ liệu tỉnh")
    page.click("form.card button.primary")
    key = page.locator("#new-token code").inner_text()
    assert key.startswith(f"ocop_{ApiToken.objects.get().prefix}_")
    shot(page, "api-keys-phone")
    r = page.request.get(f"{base}/api/v1/products", headers={"Authorization": f"Bearer {key}"})
    assert r.status == 200
    assert violations == []
    page.close()


def test_pages_work_under_the_content_security_policy(browser, live_server, officer):
    page = browser.new_page(locale="vi-VN")
    violations = _watch_csp(page)
    base = live_server.url
    login(page, base, "laichau")
    for path in ["/quan-ly/san-pham/", "/quan-ly/danh-gia/viec-can-lam/", "/tai-khoan/doi-mat-khau/", "/"]:
        r = page.goto(base + path)
        assert r.status == 200, path
        assert "script-src 'self'" in r.headers["content-security-policy"]
    page.goto(f"{base}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)  # Swagger UI's own scripts ran
    page.goto(f"{base}/admin/")
    page.wait_for_selector("#site-name")
    assert violations == [], violations
    page.close()


def test_forgotten_password_reset_by_mail_in_the_browser(browser, live_server, officer, mailoutbox):
    """From the login page: ask for the mail, open its link, a weak password refused in Vietnamese, a good
    one set, then the login works with it."""
    import re

    officer.email = "laichau@example.vn"
    officer.save()
    page = browser.new_page(locale="vi-VN", viewport={"width": 390, "height": 844})
    violations = _watch_csp(page)
    base = live_server.url
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.click("text=Quên mật khẩu?")
    page.fill("input[name=email]", "laichau@example.vn")
    page.click("button.primary")
    page.wait_for_url("**/quen-mat-khau/da-gui/")
    assert "Hãy kiểm tra hộp thư" in page.content()
    [message] = mailoutbox
    path = re.search(r"https?://[^/\s]+(/tai-khoan/quen-mat-khau/\S+/)", message.body)[1]
    page.goto(base + path)
    page.fill("input[name=new_password]", "12345678")
    page.fill("input[name=new_password2]", "12345678")
    page.click("button.primary")
    page.wait_for_load_state()
    assert page.locator(".errorlist, .err").count() >= 1 and "mật khẩu" in page.content().lower()
    shot(page, "password-reset-weak-phone")
    page.fill("input[name=new_password]", "Ruong bac thang 2026")
    page.fill("input[name=new_password2]", "Ruong bac thang 2026")
    page.click("button.primary")
    page.wait_for_url("**/quen-mat-khau/xong/")
    login(page, base, "laichau", "Ruong bac thang 2026")
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)
    page.goto(base + path)  # the link works once
    assert page.locator("#reset-link-invalid").count() == 1
    assert violations == []
    page.close()
