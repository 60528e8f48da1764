"""Lockout after repeated failures (site login, Django admin, any `authenticate()`): per username and client
address, per address, and per username from addresses it does not know; the password rules."""

import datetime

import pytest
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from ocop.accounts import services
from ocop.accounts.models import KnownClient, Lockout, LoginFailure
from ocop.core.models import AuditEntry
from ocop.testing import PASSWORD

LOGIN = "/tai-khoan/dang-nhap/"
ADMIN_LOGIN = "/admin/login/"
BACK_OFFICE = HOME = "/quan-ly/san-pham/"


def _post(client, username, password, *, url=LOGIN, ip="203.0.113.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _fail(client, username, times, **kw):
    for _ in range(times):
        r = _post(client, username, "sai-mat-khau-1", **kw)
        assert r.status_code == 200


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_works_and_redirects(client, lai_chau_officer):
    r = _post(client, "laichau", PASSWORD)
    assert r.status_code == 302 and r.url == HOME
    assert _logged_in(client)


def test_next_must_stay_on_this_site(client, lai_chau_officer):
    r = client.post(LOGIN, {"username": "laichau", "password": PASSWORD, "next": "https://evil.example/"})
    assert r.url == HOME
    r = client.post(LOGIN, {"username": "laichau", "password": PASSWORD, "next": "/quan-ly/danh-gia/"})
    assert r.url == "/quan-ly/danh-gia/"


def test_five_failures_lock_the_username_from_that_address_even_with_the_right_password(
    client, lai_chau_officer
):
    _fail(client, "laichau", 4)
    assert not Lockout.objects.exists()
    r = _post(client, "laichau", "sai-mat-khau-1")
    assert "Đăng nhập sai quá nhiều lần" in r.content.decode()
    lock = Lockout.objects.get(kind="username_ip", value="laichau", ip="203.0.113.7")
    assert datetime.timedelta(minutes=14) < lock.until - timezone.now() <= datetime.timedelta(minutes=15)

    r = _post(client, "laichau", PASSWORD)  # the same address, the right password
    body = r.content.decode()
    assert r.status_code == 200 and not _logged_in(client)
    assert "Hãy thử lại sau" in body and timezone.localtime(lock.until).strftime("%H:%M") in body
    # Tries while locked do not extend the lock.
    assert Lockout.objects.get(pk=lock.pk).until == lock.until
    # The lock is in the audit log, with the account it concerns.
    entry = AuditEntry.objects.get(action="accounts.lockout")
    assert entry.actor == lai_chau_officer and "5 lần" in entry.note and "203.0.113.7" in entry.note


def test_an_attacker_cannot_lock_the_real_user_out_of_their_own_address(client, lai_chau_officer):
    """Issue 20, item 13: five wrong passwords from anywhere used to lock the username for everyone."""
    _fail(client, "laichau", 5, ip="198.51.100.66")  # the attacker
    assert "Hãy thử lại sau" in _post(client, "laichau", PASSWORD, ip="198.51.100.66").content.decode()
    r = _post(client, "laichau", PASSWORD, ip="203.0.113.7")  # the officer, at the office
    assert r.status_code == 302 and _logged_in(client)
    # Their success does not give the attacker's address new tries.
    assert services.lock_until(username="laichau", ip="198.51.100.66") is not None


def _spread(client, username, addresses, per_address=4):
    """Wrong passwords from many addresses, each staying under the per-address limit."""
    for i in range(addresses):
        _fail(client, username, per_address, ip=f"198.51.100.{i + 1}")


def test_guessing_from_many_addresses_locks_the_username_for_unknown_addresses(client, lai_chau_officer):
    _post(client, "laichau", PASSWORD, ip="203.0.113.7")  # the officer's office, known from last week
    client.logout()
    _spread(client, "laichau", 12)  # 48 failures: each address is under 5, the total under 50
    assert not Lockout.objects.filter(kind="username").exists()
    assert _post(client, "laichau", PASSWORD, ip="192.0.2.1").status_code == 302  # a new address, still fine
    client.logout()
    _fail(client, "laichau", 2, ip="198.51.100.20")  # the 50th failure
    lock = Lockout.objects.get(kind="username", value="laichau")
    assert datetime.timedelta(minutes=59) < lock.until - timezone.now() <= datetime.timedelta(minutes=60)

    # A new address is refused, the right password included, and learns nothing else.
    r = _post(client, "laichau", PASSWORD, ip="192.0.2.77")
    assert r.status_code == 200 and not _logged_in(client) and "Hãy thử lại sau" in r.content.decode()
    # So are the attacker's addresses: no more guesses from them for an hour.
    assert _post(client, "laichau", PASSWORD, ip="198.51.100.3").status_code == 200
    # The addresses the officer signed in from keep working.
    assert _post(client, "laichau", PASSWORD, ip="203.0.113.7").status_code == 302
    client.logout()
    assert _post(client, "laichau", PASSWORD, ip="192.0.2.1").status_code == 302
    client.logout()
    # Another account is not concerned.
    assert services.lock_until(username="sonla", ip="192.0.2.77") is None


def test_an_address_is_known_for_known_days_only(client, lai_chau_officer):
    _post(client, "laichau", PASSWORD, ip="203.0.113.7")
    client.logout()
    KnownClient.objects.update(last_login_at=timezone.now() - datetime.timedelta(days=91))
    _spread(client, "laichau", 13)
    assert _post(client, "laichau", PASSWORD, ip="203.0.113.7").status_code == 200


def test_a_password_reset_lifts_the_username_lock_for_new_addresses(client, lai_chau_officer):
    _spread(client, "laichau", 13)
    assert services.lock_until(username="laichau", ip="192.0.2.77") is not None
    services.password_reset(
        user=lai_chau_officer,
        token=default_token_generator.make_token(lai_chau_officer),
        new_password="Nương chè 2026",
    )
    assert services.lock_until(username="laichau", ip="192.0.2.77") is None
    assert services.lock_until(username="laichau", ip="198.51.100.1") is None


def test_case_variants_share_the_counter(client, lai_chau_officer):
    for name in ["laichau", "LaiChau", "LAICHAU", "laiChau", " laichau"]:
        _post(client, name, "sai-mat-khau-1")
    assert Lockout.objects.filter(value="laichau").exists()
    assert not _post(client, "laichau", PASSWORD).status_code == 302


def test_lock_also_applies_to_django_admin_and_authenticate(client, national):
    _fail(client, "quantri", 5)
    r = _post(client, "quantri", PASSWORD, url=ADMIN_LOGIN)
    assert r.status_code == 200 and not _logged_in(client)
    assert "Hãy thử lại sau" in r.content.decode()
    # authenticate() itself refuses: any other login path is locked too.
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="203.0.113.7")
    assert authenticate(request, username="quantri", password=PASSWORD) is None
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="198.51.100.9")
    assert authenticate(request, username="quantri", password=PASSWORD) == national


def test_admin_login_failures_count(client, national):
    _fail(client, "quantri", 5, url=ADMIN_LOGIN)
    assert Lockout.objects.filter(kind="username_ip", value="quantri", ip="203.0.113.7").exists()
    assert not _post(client, "quantri", PASSWORD).status_code == 302


def test_lock_expires_and_a_success_resets_the_counter(client, lai_chau_officer):
    _fail(client, "laichau", 5)
    # Fifteen minutes later (moved back in the database, as another process would see it).
    past = timezone.now() - datetime.timedelta(minutes=16)
    Lockout.objects.update(until=past)
    LoginFailure.objects.update(at=past)
    r = _post(client, "laichau", PASSWORD)
    assert r.status_code == 302
    assert not LoginFailure.objects.filter(username="laichau", ip="203.0.113.7").exists()
    client.logout()
    _fail(client, "laichau", 4)  # four more: still under the limit after the reset
    assert _post(client, "laichau", PASSWORD).status_code == 302


def test_success_resets_so_failures_do_not_add_up(client, lai_chau_officer):
    _fail(client, "laichau", 4)
    assert _post(client, "laichau", PASSWORD).status_code == 302
    client.logout()
    _fail(client, "laichau", 4)
    assert not Lockout.objects.exists()


def test_unknown_usernames_lock_the_same_way(client, db):
    _fail(client, "khongcoai", 5)
    r = _post(client, "khongcoai", "x")
    assert "Đăng nhập sai quá nhiều lần" in r.content.decode()  # no hint whether the account exists


def test_twenty_failures_from_one_address_lock_that_address(client, lai_chau_officer, son_la_officer):
    for i in range(20):
        _post(client, f"doan{i}", "sai-mat-khau-1", ip="203.0.113.50")
    assert Lockout.objects.filter(kind="ip", value="203.0.113.50").exists()
    # Another account, right password, same address: refused. From elsewhere: fine.
    assert _post(client, "sonla", PASSWORD, ip="203.0.113.50").status_code == 200
    assert _post(client, "sonla", PASSWORD, ip="203.0.113.51").status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(client, settings, lai_chau_officer):
    settings.OCOP_TRUSTED_PROXIES = "127.0.0.1"
    for i in range(20):
        client.post(
            LOGIN,
            {"username": f"doan{i}", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.60",
        )
    assert Lockout.objects.filter(kind="ip", value="203.0.113.60").exists()
    assert not Lockout.objects.filter(kind="ip", value="127.0.0.1").exists()


def test_locking_works_across_processes_through_the_database(lai_chau_officer):
    for _ in range(5):
        services.login_failure_record(username="laichau", ip=None)
    assert services.lock_until(username="laichau", ip=None) is not None
    assert services.lock_until(username="laichau", ip="203.0.113.7") is None


# Password rules -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("ngan1", "quá ngắn"),
        ("12345678901234", "chỉ gồm chữ số"),
        ("chikhongcoso", "cả chữ cái và chữ số"),
        ("matkhau2026!", "từ quen thuộc"),
        ("Anh-Yeu-Em-123", "từ quen thuộc"),
        ("password123", "quá phổ biến"),
        ("laichau2026x", "quá giống"),
    ],
)
def test_weak_passwords_are_refused_in_vietnamese(lai_chau_officer, password, says):
    with pytest.raises(ValidationError) as exc:
        password_validation.validate_password(password, lai_chau_officer)
    assert any(says in m for m in exc.value.messages), exc.value.messages


def test_a_strong_password_passes(lai_chau_officer):
    password_validation.validate_password("Chè Shan tuyết 2026 ngon", lai_chau_officer)


def test_change_password_page(client, lai_chau_officer):
    client.force_login(lai_chau_officer)
    page = client.get("/tai-khoan/doi-mat-khau/").content.decode()
    assert "Có cả chữ cái và chữ số" in page  # the rules are listed before one is typed
    r = client.post(
        "/tai-khoan/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password": "matkhau123", "new_password2": "matkhau123"},
    )
    assert r.status_code == 200 and "từ quen thuộc" in r.content.decode()
    r = client.post(
        "/tai-khoan/doi-mat-khau/",
        {"old_password": "sai", "new_password": "Nương chè 2026", "new_password2": "Nương chè 2026"},
    )
    assert "Mật khẩu hiện tại không đúng" in r.content.decode()
    r = client.post(
        "/tai-khoan/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password": "Nương chè 2026", "new_password2": "Nương chè 2027"},
    )
    assert "không giống nhau" in r.content.decode()
    r = client.post(
        "/tai-khoan/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password": "Nương chè 2026", "new_password2": "Nương chè 2026"},
    )
    assert r.status_code == 302
    assert client.get(BACK_OFFICE).status_code == 200  # this session stays open
    user = get_user_model().objects.get(pk=lai_chau_officer.pk)
    assert user.check_password("Nương chè 2026")
    assert AuditEntry.objects.filter(action="accounts.password_change", object_id=str(user.pk)).count() == 1


def test_change_password_needs_a_login(client, db):
    r = client.get("/tai-khoan/doi-mat-khau/")
    assert r.status_code == 302 and r.url.startswith(LOGIN)


def test_account_page_links(client, lai_chau_officer, producer_user):
    client.force_login(lai_chau_officer)
    page = client.get("/tai-khoan/").content.decode()
    assert "/tai-khoan/doi-mat-khau/" in page and "/tai-khoan/xac-thuc-hai-lop/" in page
    assert "/tai-khoan/khoa-api/" in page
    client.force_login(producer_user)
    page = client.get("/tai-khoan/").content.decode()
    assert "/tai-khoan/xac-thuc-hai-lop/" not in page  # producers have no second factor


def test_an_administrator_unlocks_by_deleting_the_lock_in_admin(client, national, lai_chau_officer):
    _fail(client, "laichau", 5)
    national.is_staff = national.is_superuser = True
    national.save()
    admin = type(client)()
    admin.force_login(national)
    lock = Lockout.objects.get()
    assert "laichau" in admin.get("/admin/accounts/lockout/").content.decode()
    admin.post(f"/admin/accounts/lockout/{lock.pk}/delete/", {"post": "yes"})
    assert _post(client, "laichau", PASSWORD).status_code == 302
