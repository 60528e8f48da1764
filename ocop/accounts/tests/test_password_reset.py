"""A forgotten password, reset by e-mail: the same answer whether the address exists or not, a link that
works once and expires, the password rules in Vietnamese, the lockout cleared, an audit entry; the mail
settings read from the environment."""

import datetime
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail

from ocop.accounts import checks, services, totp
from ocop.accounts.models import Lockout, LoginFailure
from ocop.core.errors import OcopError
from ocop.core.models import AuditEntry
from ocop.settings import _mailer
from ocop.testing import PASSWORD

LOGIN, RESET, SENT = "/tai-khoan/dang-nhap/", "/tai-khoan/quen-mat-khau/", "/tai-khoan/quen-mat-khau/da-gui/"
DONE = "/tai-khoan/quen-mat-khau/xong/"
NEW_PASSWORD = "Ruong bac thang 2026"
LINK = re.compile(r"https?://[^/\s]+(/tai-khoan/quen-mat-khau/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def officer(lai_chau_officer):
    lai_chau_officer.email = "laichau@example.vn"
    lai_chau_officer.save()
    return lai_chau_officer


def _ask(client, email="laichau@example.vn"):
    return client.post(RESET, {"email": email})


def _link(message) -> str:
    return LINK.search(message.body)[1]


def _open(client, link):
    """Follow the mailed link: Django moves the token into the session and shows the form without it."""
    r = client.get(link)
    assert r.status_code == 302 and r.url.endswith("/set-password/")
    return r.url


def _page(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())


def _user():
    return get_user_model().objects.get(username="laichau")


def test_login_page_links_to_it(client):
    page = client.get(LOGIN).content.decode()
    assert f'href="{RESET}"' in page and "Quên mật khẩu?" in page
    page = client.get(RESET).content.decode()
    assert 'name="email"' in page and "Thư điện tử" in page


def test_a_known_address_gets_a_mail_with_a_link(client, officer, settings):
    settings.OCOP_PUBLIC_URL = "https://ocop.laichau.gov.vn"
    r = _ask(client, "LaiChau@Example.vn")  # case does not matter
    assert r.status_code == 302 and r.url == SENT
    [message] = mail.outbox
    assert message.to == ["laichau@example.vn"] and message.subject == "[OCOP] Đặt lại mật khẩu"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "laichau" in message.body and "60 phút" in message.body
    # The link is built on OCOP_PUBLIC_URL, not on the Host header the client sent.
    assert "https://ocop.laichau.gov.vn/tai-khoan/quen-mat-khau/" in message.body
    assert "&amp;" not in message.body and "&#" not in message.body  # plain text, not HTML-escaped


def test_an_unknown_address_gets_the_same_page_and_no_mail(client, officer, django_user_model):
    known = _page(client.get(_ask(client).url))
    assert len(mail.outbox) == 1
    r = _ask(client, "khongco@example.vn")
    assert r.status_code == 302 and r.url == SENT
    assert _page(client.get(r.url)) == known
    # Neither an inactive account nor one without a usable password is mailed, and the page says the same.
    django_user_model.objects.create_user(
        "nghiviec", email="nghiviec@example.vn", password=PASSWORD, is_active=False
    )
    django_user_model.objects.create_user("khongmatkhau", email="kmk@example.vn")
    assert _ask(client, "nghiviec@example.vn").url == SENT and _ask(client, "kmk@example.vn").url == SENT
    assert len(mail.outbox) == 1
    assert "Nếu địa chỉ vừa nhập là của một tài khoản OCOP" in known


def test_a_malformed_address_is_refused_in_vietnamese(client, officer):
    r = _ask(client, "khong-phai-dia-chi")
    assert r.status_code == 200 and "không đúng dạng" in r.content.decode() and not mail.outbox


def test_the_link_sets_a_new_password_once(client, officer):
    _ask(client)
    link = _link(mail.outbox[0])
    form = _open(client, link)
    page = client.get(form).content.decode()
    assert 'name="new_password"' in page and 'name="new_password2"' in page
    r = client.post(form, {"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 302 and r.url == DONE
    assert "Đã đặt mật khẩu mới" in client.get(DONE).content.decode()
    user = _user()
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)
    [entry] = AuditEntry.objects.filter(action="accounts.password_reset")
    assert entry.object_id == str(user.pk) and entry.actor == user
    assert "_auth_user_id" not in client.session  # not logged in: the login (and its second factor) follows
    assert client.post(LOGIN, {"username": "laichau", "password": NEW_PASSWORD}).status_code == 302

    # The same link again, in this browser or another: refused.
    client.logout()
    r = client.get(link)
    assert r.status_code == 200 and "Liên kết không còn dùng được" in r.content.decode()
    r = client.post(form, {"new_password": "Mot cau khac 2027", "new_password2": "Mot cau khac 2027"})
    assert r.status_code == 200 and 'id="reset-link-invalid"' in r.content.decode()
    assert _user().check_password(NEW_PASSWORD)


def test_a_weak_password_is_refused_in_vietnamese(client, officer):
    _ask(client)
    form = _open(client, _link(mail.outbox[0]))
    for weak, says in [
        ("ngan1", "Mật khẩu quá ngắn"),
        ("matkhau2026", "một từ quen thuộc"),
        ("1234567890123", "chỉ gồm chữ số"),
    ]:
        r = client.post(form, {"new_password": weak, "new_password2": weak})
        assert r.status_code == 200 and says in r.content.decode(), weak
    r = client.post(form, {"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert "Hai lần nhập mật khẩu mới không giống nhau" in r.content.decode()
    assert _user().check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="accounts.password_reset").exists()
    # The link still works after a refused password.
    assert client.post(form, {"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).url == DONE


def test_an_expired_link_is_refused(client, officer, settings, monkeypatch):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    _ask(client)
    link = _link(mail.outbox[0])
    later = datetime.datetime.now() + datetime.timedelta(minutes=61)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    r = client.get(link)
    assert r.status_code == 200 and "Liên kết không còn dùng được" in r.content.decode()
    # Opened in time, posted too late: the service checks the token again.
    monkeypatch.undo()
    form = _open(client, link)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    r = client.post(form, {"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 200 and _user().check_password(PASSWORD)


def test_a_forged_or_mangled_link_is_refused(client, officer):
    for path in ("/tai-khoan/quen-mat-khau/MQ/abc-123/", "/tai-khoan/quen-mat-khau/%00/x/", RESET + "Zg/x/"):
        r = client.get(path)
        assert r.status_code in (200, 400) and 'name="new_password"' not in r.content.decode()
    with pytest.raises(OcopError) as refused:
        services.password_reset(user=officer, token="abc-123", new_password=NEW_PASSWORD)
    assert refused.value.code == "reset_link_invalid" and _user().check_password(PASSWORD)


def test_a_reset_clears_the_lockout_of_the_username(client, officer):
    for _ in range(5):
        client.post(LOGIN, {"username": "laichau", "password": "sai-mat-khau-1"}, REMOTE_ADDR="203.0.113.7")
    assert Lockout.objects.filter(kind="username_ip", value="laichau", ip="203.0.113.7").exists()
    _ask(client)
    form = _open(client, _link(mail.outbox[0]))
    assert client.post(form, {"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).url == DONE
    assert not Lockout.objects.filter(value="laichau").exists()
    assert not LoginFailure.objects.filter(username="laichau").exists()
    assert "gỡ tạm khóa" in AuditEntry.objects.get(action="accounts.password_reset").note
    r = client.post(LOGIN, {"username": "laichau", "password": NEW_PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert r.status_code == 302 and "_auth_user_id" in client.session


def test_the_address_lockout_stays(client, officer, settings):
    """A reset proves the mailbox of one account, not that the client guessing passwords is harmless."""
    settings.OCOP_LOCKOUT = {**settings.OCOP_LOCKOUT, "ip": 3}
    for name in ("a1", "a2", "a3"):
        client.post(LOGIN, {"username": name, "password": "sai-mat-khau-1"}, REMOTE_ADDR="203.0.113.7")
    assert Lockout.objects.filter(kind="ip", value="203.0.113.7").exists()
    services.password_reset(
        user=officer, token=default_token_generator.make_token(officer), new_password=NEW_PASSWORD
    )
    assert Lockout.objects.filter(kind="ip", value="203.0.113.7").exists()


def test_the_second_factor_is_still_asked_after_a_reset(client, officer):
    device = services.two_factor_start(user=officer)
    services.two_factor_confirm(user=officer, code=totp.totp(device.secret, time.time()))
    _ask(client)
    form = _open(client, _link(mail.outbox[0]))
    client.post(form, {"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    r = client.post(LOGIN, {"username": "laichau", "password": NEW_PASSWORD})
    assert r.url == "/tai-khoan/dang-nhap/ma-xac-thuc/" and "_auth_user_id" not in client.session
    assert services.two_factor_enabled(_user())


# Mail settings ----------------------------------------------------------------------------------------------

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_mail_settings_from_the_environment():
    assert _mailer({}) == {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    got = _mailer({"OCOP_EMAIL_URL": "smtp+tls://ocop%40laichau.gov.vn:p%40ss%3Aw@mail.laichau.gov.vn:587"})
    assert got == {
        "BACKEND": SMTP,
        "OPTIONS": {
            "host": "mail.laichau.gov.vn",
            "port": 587,
            "username": "ocop@laichau.gov.vn",
            "password": "p@ss:w",
            "use_tls": True,
            "use_ssl": False,
            "timeout": 10.0,
        },
    }
    got = _mailer({"OCOP_EMAIL_URL": "smtps://mail.example.vn", "OCOP_EMAIL_TIMEOUT": "5"})["OPTIONS"]
    assert got["use_ssl"] and not got["use_tls"] and got["port"] is None and got["timeout"] == 5
    got = _mailer(
        {
            "OCOP_EMAIL_HOST": "smtp.example.vn",
            "OCOP_EMAIL_PORT": "2525",
            "OCOP_EMAIL_USER": "ocop",
            "OCOP_EMAIL_PASSWORD": "bi-mat",
            "OCOP_EMAIL_USE_TLS": "1",
        }
    )
    assert got["BACKEND"] == SMTP and got["OPTIONS"]["port"] == 2525 and got["OPTIONS"]["use_tls"]
    # The earlier setting alone: SMTP to the machine's own mail server.
    assert _mailer({"OCOP_EMAIL_BACKEND": SMTP})["OPTIONS"]["host"] == "localhost"
    locmem = "django.core.mail.backends.locmem.EmailBackend"
    assert _mailer({"OCOP_EMAIL_BACKEND": locmem}) == {"BACKEND": locmem}


@pytest.mark.parametrize(
    "env",
    [
        {"OCOP_EMAIL_URL": "http://mail.example.vn"},
        {"OCOP_EMAIL_URL": "smtp://"},
        {"OCOP_EMAIL_URL": "smtp://mail.example.vn:cong"},
        {"OCOP_EMAIL_HOST": "mail.example.vn", "OCOP_EMAIL_USE_TLS": "1", "OCOP_EMAIL_USE_SSL": "1"},
    ],
)
def test_bad_mail_settings_say_what_to_write(env):
    with pytest.raises(ValueError, match="OCOP_EMAIL") as refused:
        _mailer(env)
    assert "bi-mat" not in str(refused.value)


def test_the_mail_settings_build_a_working_mailer(settings):
    from django.core.mail import mailers

    settings.MAILERS = {"default": _mailer({"OCOP_EMAIL_URL": "smtp+tls://u:p@mail.example.vn:587"})}
    backend = mailers.default
    assert (backend.host, backend.port, backend.username, backend.use_tls) == (
        "mail.example.vn",
        587,
        "u",
        True,
    )


def test_deployment_checks_want_real_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    settings.DEFAULT_FROM_EMAIL = "OCOP <noreply@localhost>"
    assert {w.id for w in checks.mail_configured(None)} == {"ocop.W001", "ocop.W002"}
    settings.MAILERS = {"default": _mailer({"OCOP_EMAIL_HOST": "mail.example.vn"})}
    settings.DEFAULT_FROM_EMAIL = "OCOP Lai Châu <ocop@laichau.gov.vn>"
    assert checks.mail_configured(None) == []


@pytest.mark.django_db
def test_a_demo_account_can_try_it(client, lai_chau_product):
    """`ocop demo` gives each account an address under ocop.example, so the reset can be tried on a laptop."""
    from ocop.accounts.demo import DEMO_MAIL_DOMAIN, demo_users

    demo_users()
    assert _ask(client, f"chuthe@{DEMO_MAIL_DOMAIN}").status_code == 302
    (message,) = mail.outbox
    assert message.to == [f"chuthe@{DEMO_MAIL_DOMAIN}"]
    form = _open(client, _link(message))
    r = client.post(form, {"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 302 and r.url == DONE
    assert get_user_model().objects.get(username="chuthe").check_password(NEW_PASSWORD)
