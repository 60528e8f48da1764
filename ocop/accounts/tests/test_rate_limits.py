"""The rate-limit rules of the account pages (ocop/core/throttle.py, rules in settings): the login's code
step, the account's second-factor pages and the password reset. Limits are set small here; the defaults
are in ocop/core/ratelimit.py."""

import pytest
from django.core.cache import caches

from ocop.core import throttle

STEP, RESET = "/tai-khoan/dang-nhap/ma-xac-thuc/", "/tai-khoan/quen-mat-khau/"
NEW_CODES = "/tai-khoan/xac-thuc-hai-lop/ma-khoi-phuc/"
IP, OTHER_IP = "203.0.113.7", "198.51.100.9"


class Clock:
    """Stands in for the middleware's time module: the tests start at the start of a window."""

    now = 999_900.0

    def time(self):
        return self.now

    def monotonic(self):
        return self.now


@pytest.fixture
def limits(settings, monkeypatch, db):
    monkeypatch.setattr(throttle, "time", Clock())
    caches["default"].clear()
    settings.OCOP_TRUSTED_PROXIES = ""

    def set_limits(text):
        settings.OCOP_RATE_LIMITS = text

    return set_limits


def test_the_code_step_answers_429_after_its_limit(client, limits):
    limits("second_factor=10/300")
    # No login pending: each POST is sent back to the login page (302), and still counted.
    codes = [client.post(STEP, {"code": "000000"}, REMOTE_ADDR=IP).status_code for _ in range(11)]
    assert codes == [302] * 10 + [429]
    r = client.post(STEP, {"code": "000000"}, REMOTE_ADDR=IP)
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert "quá nhiều lần nhập mã xác thực" in r.content.decode()
    assert client.get(STEP, REMOTE_ADDR=IP).status_code == 302  # showing the page is not a try
    assert client.post(STEP, {"code": "000000"}, REMOTE_ADDR=OTHER_IP).status_code == 302


def test_the_code_step_has_a_limit_by_default(client, limits):
    limits("")
    codes = {client.post(STEP, {"code": "000000"}, REMOTE_ADDR=IP).status_code for _ in range(31)}
    assert codes == {302, 429}


def test_the_account_second_factor_pages_count_per_user(client, limits, lai_chau_officer, son_la_officer):
    limits("second_factor=2/300")
    client.force_login(lai_chau_officer)
    codes = [client.post(NEW_CODES, {"code": "000000"}, REMOTE_ADDR=IP).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    client.force_login(son_la_officer)  # same address, another user
    assert client.post(NEW_CODES, {"code": "000000"}, REMOTE_ADDR=IP).status_code == 302


def test_password_reset_posts_are_limited_per_client(client, limits):
    limits("password_reset=10/3600")
    codes = [
        client.post(RESET, {"email": "khongco@example.vn"}, REMOTE_ADDR=IP).status_code for _ in range(11)
    ]
    assert codes == [302] * 10 + [429]
    r = client.post("/tai-khoan/quen-mat-khau/MQ/x/", {"new_password": "x"}, REMOTE_ADDR=IP)
    assert r.status_code == 429 and "đặt lại mật khẩu" in r.content.decode()
    assert client.get(RESET, REMOTE_ADDR=IP).status_code == 200
    assert client.post(RESET, {"email": "khongco@example.vn"}, REMOTE_ADDR=OTHER_IP).status_code == 302


def test_one_address_gets_at_most_its_reset_mails_whoever_asks(client, limits, lai_chau_officer, mailoutbox):
    """Many clients asking for one address: the per-client limit does not stop them, this one does; the
    page says the same either way."""
    limits("reset_mail=2/3600")
    lai_chau_officer.email = "laichau@example.vn"
    lai_chau_officer.save()
    for n in range(4):
        r = client.post(
            "/tai-khoan/quen-mat-khau/", {"email": "LaiChau@example.vn"}, REMOTE_ADDR=f"203.0.113.{n + 1}"
        )
        assert r.status_code == 302 and r.url.endswith("/da-gui/")
    assert len(mailoutbox) == 2
