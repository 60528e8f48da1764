"""The optional second factor: enrolment, the second login step, skipping it, reuse, recovery codes,
lockout on bad codes, turning it off."""

import re
import time

import pytest

from ocop.accounts import services, totp
from ocop.accounts.models import Lockout, RecoveryCode, TwoFactor
from ocop.core.models import AuditEntry
from ocop.testing import PASSWORD

LOGIN, STEP, SETUP = (
    "/tai-khoan/dang-nhap/",
    "/tai-khoan/dang-nhap/ma-xac-thuc/",
    "/tai-khoan/xac-thuc-hai-lop/",
)
BACK_OFFICE = "/quan-ly/san-pham/"


def _code(user, offset=0):
    return totp.totp(TwoFactor.objects.get(user=user).secret, time.time() + offset * totp.STEP)


@pytest.fixture
def enrolled(lai_chau_officer):
    """The Lai Châu officer with the second factor on; returns their recovery codes."""
    device = services.two_factor_start(user=lai_chau_officer)
    # A code from the previous step, so that the current one is still unused for the tests.
    return services.two_factor_confirm(
        user=lai_chau_officer, code=totp.totp(device.secret, time.time() - totp.STEP)
    )


def _password_step(client, username="laichau", password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def test_enrolment_page_shows_an_inline_qr_and_the_secret(client, lai_chau_officer):
    client.force_login(lai_chau_officer)
    page = client.get(SETUP).content.decode()
    device = TwoFactor.objects.get(user=lai_chau_officer)
    assert device.confirmed_at is None
    assert (
        "<svg" in page and "<script" not in page and "http" not in page.split("<svg", 1)[1].split("</svg>")[0]
    )
    assert totp.group(device.secret) in page
    # Reloading shows the same secret until it is confirmed.
    assert totp.group(device.secret) in client.get(SETUP).content.decode()
    assert not services.two_factor_enabled(lai_chau_officer)


def test_enrolment_needs_a_right_code_and_gives_recovery_codes_once(client, lai_chau_officer):
    client.force_login(lai_chau_officer)
    client.get(SETUP)
    r = client.post(SETUP, {"code": "000000"})
    assert "Mã không đúng" in r.content.decode()
    assert not services.two_factor_enabled(lai_chau_officer)
    r = client.post(SETUP, {"code": _code(lai_chau_officer)})
    page = r.content.decode()
    codes = re.findall(r"<li>([2-9A-Z]{5}-[2-9A-Z]{5})</li>", page)
    assert len(codes) == 10 and services.two_factor_enabled(lai_chau_officer)
    stored = list(RecoveryCode.objects.filter(user=lai_chau_officer).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not any(c in h or c.replace("-", "") in h for c in codes for h in stored)
    assert AuditEntry.objects.filter(action="accounts.two_factor_enable").count() == 1
    # Once on, the page offers to turn it off, never the secret again.
    page = client.get(SETUP).content.decode()
    assert "Tắt xác thực hai lớp" in page and "<svg" not in page


def test_producers_cannot_enrol(client, producer_user):
    client.force_login(producer_user)
    assert client.get(SETUP).status_code == 302
    assert not TwoFactor.objects.exists()


def test_the_password_alone_does_not_authenticate_the_session(client, enrolled):
    r = _password_step(client)
    assert r.status_code == 302 and r.url == STEP
    assert "_auth_user_id" not in client.session
    # Going straight to the back office (or the API) instead of typing the code: not logged in.
    r = client.get(BACK_OFFICE)
    assert r.status_code == 302 and r.url.startswith(LOGIN)
    assert client.get("/api/v1/products").status_code == 401
    r = client.post(STEP, {"code": _code(_officer())})
    assert r.status_code == 302 and r.url == BACK_OFFICE
    assert client.get(BACK_OFFICE).status_code == 200


def _officer():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="laichau")


def test_a_wrong_code_is_refused_and_a_used_code_cannot_be_replayed(client, enrolled):
    _password_step(client)
    r = client.post(STEP, {"code": "123456" if _code(_officer()) != "123456" else "654321"})
    assert r.status_code == 200 and "Mã không đúng" in r.content.decode()
    assert "_auth_user_id" not in client.session
    code = _code(_officer())
    assert client.post(STEP, {"code": code}).status_code == 302
    client.logout()
    _password_step(client)
    r = client.post(STEP, {"code": code})  # same code, same 30 seconds: refused
    assert r.status_code == 200 and "_auth_user_id" not in client.session


def test_recovery_code_works_once(client, enrolled):
    _password_step(client)
    assert client.post(STEP, {"code": enrolled[0].lower()}).status_code == 302
    client.logout()
    _password_step(client)
    assert client.post(STEP, {"code": enrolled[0]}).status_code == 200
    assert client.post(STEP, {"code": enrolled[1]}).status_code == 302
    assert AuditEntry.objects.filter(action="accounts.recovery_code_use").count() == 2


def test_bad_codes_count_towards_the_lockout(client, enrolled):
    _password_step(client)
    for _ in range(4):
        assert client.post(STEP, {"code": "000000"}).status_code == 200
    r = client.post(STEP, {"code": "000000"})
    assert r.status_code == 302 and r.url == LOGIN
    assert Lockout.objects.filter(kind="username_ip", value="laichau", ip="127.0.0.1").exists()
    # The whole login starts again, and the right password is now refused too.
    assert "Hãy thử lại sau" in _password_step(client).content.decode()
    assert client.get(STEP).status_code == 302


def test_the_code_step_expires(client, enrolled, monkeypatch):
    _password_step(client)
    later = time.time() + 301
    monkeypatch.setattr("ocop.accounts.views.time.time", lambda: later)
    r = client.post(STEP, {"code": "000000"})
    assert r.status_code == 302 and r.url == LOGIN


def test_a_password_only_login_elsewhere_is_closed(client, enrolled):
    # client.login() = authenticate() + login(), as any other login form would do: the session is closed
    # at the next request, whatever the URL.
    assert client.login(username="laichau", password=PASSWORD)
    r = client.get(BACK_OFFICE)
    assert r.status_code == 302 and r.url == "/tai-khoan/dang-nhap/"
    assert "_auth_user_id" not in client.session
    assert client.get(BACK_OFFICE).status_code == 302


def test_django_admin_login_sends_second_factor_accounts_to_the_site_login(client, national):
    national.is_staff = True
    national.save()
    device = services.two_factor_start(user=national)
    services.two_factor_confirm(user=national, code=totp.totp(device.secret, time.time()))
    r = client.post("/admin/login/", {"username": "quantri", "password": PASSWORD})
    assert r.status_code == 200 and "xác thực hai lớp" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_turning_it_off_needs_the_password(client, enrolled):
    user = _officer()
    _password_step(client)
    client.post(STEP, {"code": _code(user)})
    r = client.post(SETUP, {"password": "sai"})
    assert "Mật khẩu không đúng" in r.content.decode() and services.two_factor_enabled(user)
    assert client.post(SETUP, {"password": PASSWORD}).status_code == 302
    assert not services.two_factor_enabled(user) and not RecoveryCode.objects.filter(user=user).exists()
    client.logout()
    assert _password_step(client).url == BACK_OFFICE  # one step again
