"""New recovery codes without turning the second factor off: a current app code or the password first; the
old codes stop working, the new ones work once; a wrong code changes nothing; only one's own."""

import re
import time

import pytest

from ocop.accounts import services, totp
from ocop.accounts.models import RecoveryCode, TwoFactor
from ocop.accounts.signals import PENDING_SECOND_FACTOR
from ocop.core.errors import OcopError
from ocop.core.models import AuditEntry
from ocop.testing import PASSWORD

LOGIN, STEP = "/tai-khoan/dang-nhap/", "/tai-khoan/dang-nhap/ma-xac-thuc/"
NEW_CODES = "/tai-khoan/xac-thuc-hai-lop/ma-khoi-phuc/"


def _code(user, offset=0):
    return totp.totp(TwoFactor.objects.get(user=user).secret, time.time() + offset * totp.STEP)


def _wrong(user):
    right = {_code(user, k) for k in (-1, 0, 1)}
    return next(c for c in ("123456", "654321", "111111", "222222") if c not in right)


def _hashes(user):
    return sorted(RecoveryCode.objects.filter(user=user).values_list("code_hash", "used_at"))


def _enrol(user):
    device = services.two_factor_start(user=user)
    # A code from the previous step, so that the current one is still unused for the tests.
    return services.two_factor_confirm(user=user, code=totp.totp(device.secret, time.time() - totp.STEP))


@pytest.fixture
def enrolled(lai_chau_officer):
    return _enrol(lai_chau_officer)


def _sign_in(client, user):
    """A session past both login steps (force_login alone is a password-only login, closed at once)."""
    client.force_login(user)
    session = client.session
    session.pop(PENDING_SECOND_FACTOR, None)
    session.save()


def _shown(response) -> list[str]:
    return re.findall(r"<li>([2-9A-Z]{5}-[2-9A-Z]{5})</li>", response.content.decode())


def _login_with(client, code) -> bool:
    client.logout()
    client.post(LOGIN, {"username": "laichau", "password": PASSWORD})
    client.post(STEP, {"code": code})
    return "_auth_user_id" in client.session


def test_the_account_pages_offer_it(client, lai_chau_officer, enrolled):
    _sign_in(client, lai_chau_officer)
    assert NEW_CODES in client.get("/tai-khoan/").content.decode()
    assert NEW_CODES in client.get("/tai-khoan/xac-thuc-hai-lop/").content.decode()
    page = client.get(NEW_CODES).content.decode()
    assert 'name="code"' in page and 'name="password"' in page and "Còn 10 mã" in page
    assert _shown(client.get(NEW_CODES)) == []  # showing the form makes no codes


def test_old_codes_stop_working_and_new_ones_work_once(client, lai_chau_officer, enrolled):
    _sign_in(client, lai_chau_officer)
    r = client.post(NEW_CODES, {"code": _code(lai_chau_officer)})
    new = _shown(r)
    assert r.status_code == 200 and len(new) == 10 and not set(new) & set(enrolled)
    assert "Các mã khôi phục cũ không còn dùng được" in r.content.decode()
    assert r["Cache-Control"].startswith("max-age=0") and "no-store" in r["Cache-Control"]
    assert RecoveryCode.objects.filter(user=lai_chau_officer, used_at__isnull=True).count() == 10
    [entry] = AuditEntry.objects.filter(action="accounts.recovery_codes_regenerate")
    assert entry.actor == lai_chau_officer and entry.object_id == str(lai_chau_officer.pk)
    assert services.two_factor_enabled(lai_chau_officer)  # the phone keeps working: same secret

    assert not _login_with(client, enrolled[2])  # an old code
    assert _login_with(client, new[0])
    assert not _login_with(client, new[0])  # once
    assert _login_with(client, new[1].lower().replace("-", ""))


def test_the_password_also_confirms(client, lai_chau_officer, enrolled):
    _sign_in(client, lai_chau_officer)
    before = _hashes(lai_chau_officer)
    r = client.post(NEW_CODES, {"password": "sai-mat-khau-9"})
    assert "Mật khẩu không đúng" in r.content.decode() and _hashes(lai_chau_officer) == before
    assert len(_shown(client.post(NEW_CODES, {"password": PASSWORD}))) == 10
    assert _hashes(lai_chau_officer) != before


def test_a_wrong_code_refuses_and_changes_nothing(client, lai_chau_officer, enrolled):
    _sign_in(client, lai_chau_officer)
    device = TwoFactor.objects.get(user=lai_chau_officer)
    before = _hashes(lai_chau_officer)
    for data in (
        {"code": _wrong(lai_chau_officer)},
        {"code": _wrong(lai_chau_officer), "password": PASSWORD},  # a wrong code is not rescued
        {"code": enrolled[0]},  # a recovery code does not buy new recovery codes
        {},
    ):
        r = client.post(NEW_CODES, data)
        assert r.status_code == 200 and _shown(r) == [], data
        assert "Mã không đúng" in r.content.decode() or "hoặc mật khẩu" in r.content.decode()
    assert _hashes(lai_chau_officer) == before
    assert TwoFactor.objects.get(user=lai_chau_officer).last_step == device.last_step
    assert not AuditEntry.objects.filter(action="accounts.recovery_codes_regenerate").exists()
    assert _login_with(client, enrolled[0])  # the old codes still work


def test_a_code_used_here_cannot_be_replayed_at_login(client, lai_chau_officer, enrolled):
    _sign_in(client, lai_chau_officer)
    code = _code(lai_chau_officer)
    assert len(_shown(client.post(NEW_CODES, {"code": code}))) == 10
    assert not _login_with(client, code)
    with pytest.raises(OcopError) as refused:
        services.recovery_codes_regenerate(user=lai_chau_officer, code=code)
    assert refused.value.code == "code_wrong"


def test_another_user_cannot_do_it(client, lai_chau_officer, son_la_officer, enrolled):
    victim_before = _hashes(lai_chau_officer)
    # Anonymous: to the login page.
    r = client.post(NEW_CODES, {"code": _code(lai_chau_officer)})
    assert r.status_code == 302 and r.url.startswith(LOGIN)
    # Another officer, without the second factor, holding the victim's current code: sent away.
    _sign_in(client, son_la_officer)
    r = client.post(NEW_CODES, {"code": _code(lai_chau_officer)})
    assert r.status_code == 302 and _shown(r) == []
    # With a second factor of their own: the victim's code is checked against their own secret only, and
    # whatever happens, only their own codes could change.
    _enrol(son_la_officer)
    client.post(NEW_CODES, {"code": _code(lai_chau_officer)})
    client.post(NEW_CODES, {"password": PASSWORD})
    assert _hashes(lai_chau_officer) == victim_before
    assert not AuditEntry.objects.filter(
        action="accounts.recovery_codes_regenerate", object_id=str(lai_chau_officer.pk)
    ).exists()


def test_without_the_second_factor_there_is_nothing_to_regenerate(client, lai_chau_officer):
    with pytest.raises(OcopError) as refused:
        services.recovery_codes_regenerate(user=lai_chau_officer, password=PASSWORD)
    assert refused.value.code == "two_factor_off"
    _sign_in(client, lai_chau_officer)
    assert client.get(NEW_CODES).status_code == 302
    assert not RecoveryCode.objects.exists()
