"""Django's own refusals in Vietnamese, in the site's page or the API's {code, message} (issue 20, item 17):
a form without its CSRF token, malformed JSON, a body over the limits, a broken upload, a session deleted
while its request ran, and a database error escaping a command. settings.DEBUG is False in tests, so these
are the production answers."""

import json

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, OperationalError, ProgrammingError
from django.test import Client
from django.test.signals import template_rendered

from ocop.__main__ import main
from ocop.core.errors import OcopError
from ocop.testing import PASSWORD

ENGLISH = ("Forbidden", "Bad Request", "CSRF verification failed", "Cannot parse", "Traceback")
EDIT = "/quan-ly/san-pham/them/"


def _page(r, status: int, *words: str) -> str:
    body = r.content.decode()
    assert r.status_code == status, (r.status_code, body[:500])
    assert r["Content-Type"].startswith("text/html")
    assert "Nền tảng OCOP" in body  # the site's own layout
    for word in words:
        assert word in body, body
    assert not any(e in body for e in ENGLISH), body
    return body


def _json(r, status: int, code: str) -> dict:
    assert r.status_code == status, (r.status_code, r.content[:500])
    body = r.json()
    assert body["code"] == code and body["message"].strip(), body
    assert not any(e in body["message"] for e in ENGLISH), body
    return body


# CSRF ---------------------------------------------------------------------------------------------------


def test_a_form_without_its_csrf_token_gets_a_vietnamese_page(lai_chau_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lai_chau_officer)
    client.get(EDIT)  # the CSRF cookie, as a browser has it
    r = client.post(EDIT, {"name": "Chè"})
    _page(r, 403, "Biểu mẫu này đã hết hạn", 'href="/quan-ly/san-pham/them/"')


def test_a_login_with_cookies_blocked_says_to_allow_them(db):
    client = Client(enforce_csrf_checks=True)
    r = client.post("/tai-khoan/dang-nhap/", {"username": "laichau", "password": PASSWORD})
    _page(r, 403, "cho phép cookie")


def test_a_json_client_gets_the_csrf_refusal_as_json(lai_chau_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lai_chau_officer)
    r = client.post(EDIT, {"name": "Chè"}, HTTP_ACCEPT="application/json")
    _json(r, 403, "csrf_failed")
    # The API's own session check answers in the same shape.
    r = client.post("/api/v1/producers", "{}", content_type="application/json")
    _json(r, 403, "csrf_failed")


# Malformed JSON -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["{bad", '{"name": "Chè"', "\xff", "[1, 2,]"])
def test_malformed_json_gets_invalid_json(client, lai_chau_officer, lai_chau_product, body):
    client.force_login(lai_chau_officer)
    r = client.post("/api/v1/producers", body, content_type="application/json")
    _json(r, 400, "invalid_json")
    r = client.patch(f"/api/v1/products/{lai_chau_product.code}", body, content_type="application/json")
    _json(r, 400, "invalid_json")


# Bodies over the limits ---------------------------------------------------------------------------------


def test_a_form_over_the_size_limit_gets_a_vietnamese_413(client, lai_chau_officer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    client.force_login(lai_chau_officer)
    r = client.post(EDIT, {"name": "Chè", "description": "x" * (3 * 1024 * 1024)})
    _page(r, 413, "quá lớn", "tối đa 2 MB")


def test_a_json_body_over_the_size_limit_gets_413_json(client, lai_chau_officer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(lai_chau_officer)
    big = json.dumps({"name": "Chè", "description": "x" * 5000})
    _json(client.post("/api/v1/producers", big, content_type="application/json"), 413, "body_too_large")
    # A body the NUL check does not read first: django-ninja reads it, the answer is the same.
    _json(client.post("/api/v1/producers", big, content_type="text/plain"), 413, "body_too_large")


def test_too_many_fields_and_too_many_files(client, lai_chau_officer, settings):
    client.force_login(lai_chau_officer)
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    r = client.post(EDIT, {f"f{i}": "1" for i in range(20)})
    _page(r, 413, "quá nhiều trường", "tối đa 10")
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    files = [SimpleUploadedFile(f"{i}.xlsx", b"PK") for i in range(3)]
    r = client.post("/quan-ly/nhap/", {"file": files})
    _page(r, 413, "quá nhiều tệp", "tối đa 1 tệp")


def test_a_broken_upload_gets_a_vietnamese_400(client, lai_chau_officer):
    client.force_login(lai_chau_officer)
    r = client.generic(
        "POST", "/quan-ly/nhap/", b"--x\r\nno headers", content_type="multipart/form-data; boundary="
    )
    _page(r, 400, "bị hỏng")


# A session deleted while its request ran ---------------------------------------------------------------


def test_an_interrupted_session_asks_to_sign_in_again(client, lai_chau_officer, settings):
    """Logged out in another tab (the session row deleted) while this request ran and then saved the
    session: Django raises SessionInterrupted ("The request's session was deleted before the request
    completed")."""
    settings.SESSION_SAVE_EVERY_REQUEST = True
    client.force_login(lai_chau_officer)

    def logged_out_elsewhere(**kwargs):
        Session.objects.all().delete()

    template_rendered.connect(logged_out_elsewhere)
    try:
        r = client.get("/quan-ly/san-pham/")
    finally:
        template_rendered.disconnect(logged_out_elsewhere)
    body = _page(r, 400, "Phiên đăng nhập của bạn đã kết thúc", 'href="/tai-khoan/dang-nhap/">Đăng nhập lại')
    assert "Đăng xuất" not in body  # not shown as still logged in


# The command line ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (IntegrityError("UNIQUE constraint failed: accounts_apitoken.prefix"), "dữ liệu trùng"),
        (OperationalError("database is locked"), "không làm việc được với cơ sở dữ liệu"),
        (OperationalError("no such table: accounts_apitoken"), "Hãy chạy «ocop migrate»"),
        (ProgrammingError('relation "accounts_apitoken" does not exist'), "Hãy chạy «ocop migrate»"),
    ],
)
def test_a_database_error_in_a_command_is_one_vietnamese_line(
    lai_chau_officer, monkeypatch, capsys, error, says
):
    def fails(**kwargs):
        raise error

    monkeypatch.setattr("ocop.accounts.services.token_create", fails)
    with pytest.raises(SystemExit) as stop:
        main(["tokens", "create", "--user", "laichau", "--name", "Sở Công Thương"])
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1, err
    assert "Traceback" not in err and "UNIQUE" not in err and "locked" not in err and "no such" not in err


def test_an_ocop_error_a_command_left_unhandled_is_its_message(monkeypatch, capsys):
    """Commands turn a service's OcopError into CommandError themselves (exit 1, or 2 for a wrong
    argument); one that forgets still prints the message, not a traceback."""

    def fails(self, *args, **opts):
        raise OcopError("year_invalid", "Năm phải từ 2019 đến 2026.")

    monkeypatch.setattr("ocop.accounts.management.commands.tokens.Command.handle", fails)
    with pytest.raises(SystemExit) as stop:
        main(["tokens", "list"])
    err = capsys.readouterr().err
    assert stop.value.code == 1 and err == "Lỗi: Năm phải từ 2019 đến 2026.\n"


def test_traceback_still_shows_the_error_for_whoever_debugs(lai_chau_officer, monkeypatch):
    def fails(**kwargs):
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr("ocop.accounts.services.token_create", fails)
    with pytest.raises(IntegrityError):
        main(["tokens", "--traceback", "create", "--user", "laichau", "--name", "x"])
