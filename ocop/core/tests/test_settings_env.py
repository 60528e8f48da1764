"""Yes/no environment variables: 1/0, true/false, yes/no, on/off in any case; empty is the default; anything
else stops the start naming the variable. The settings module is run afresh (runpy) with the environment
set, as a new process would read it, without touching this process's settings."""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ocop import settings as ocop_settings
from ocop.settings import env_bool

OCOP = str(Path(sys.executable).with_name("ocop"))
BOOLEANS = [
    "OCOP_DEBUG",
    "OCOP_HSTS_SUBDOMAINS",
    "OCOP_HSTS_PRELOAD",
    "OCOP_PROXY_SSL_HEADER",
    "OCOP_SSL_REDIRECT",
    "OCOP_EMAIL_USE_TLS",
    "OCOP_EMAIL_USE_SSL",
]


def _settings(monkeypatch, **env) -> dict:
    for name in [*BOOLEANS, "OCOP_EMAIL_URL", "OCOP_EMAIL_HOST"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OCOP_SECRET_KEY", secrets.token_urlsafe(50))
    monkeypatch.setenv("OCOP_EMAIL_HOST", "mail.example.gov.vn")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(ocop_settings.__file__)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        *[("1", True), ("true", True), ("TRUE", True), ("Yes", True), ("on", True), (" true ", True)],
        *[("0", False), ("false", False), ("False", False), ("NO", False), ("off", False)],
    ],
)
def test_the_spellings_of_yes_and_no(text, value):
    assert env_bool("X", not value, {"X": text}) is value


def test_unset_or_empty_is_the_default():
    assert env_bool("X", True, {}) is True and env_bool("X", False, {"X": ""}) is False
    assert env_bool("X", True, {"X": "  "}) is True


def test_true_means_true_for_every_yes_no_variable(monkeypatch):
    got = _settings(
        monkeypatch,
        OCOP_DEBUG="false",
        OCOP_HSTS_SUBDOMAINS="true",
        OCOP_HSTS_PRELOAD="true",
        OCOP_PROXY_SSL_HEADER="true",
        OCOP_SSL_REDIRECT="true",
        OCOP_EMAIL_USE_TLS="true",
    )
    assert got["DEBUG"] is False
    assert got["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and got["SECURE_HSTS_PRELOAD"] and got["SECURE_SSL_REDIRECT"]
    assert got["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert got["MAILERS"]["default"]["OPTIONS"]["use_tls"] is True
    assert _settings(monkeypatch, OCOP_DEBUG="true")["DEBUG"] is True
    mail = _settings(monkeypatch, OCOP_EMAIL_USE_SSL="true")["MAILERS"]["default"]["OPTIONS"]
    assert mail["use_ssl"] is True and mail["use_tls"] is False
    # And "false" means false where the default is true.
    got = _settings(
        monkeypatch,
        OCOP_DEBUG="0",
        OCOP_HSTS_SUBDOMAINS="false",
        OCOP_HSTS_PRELOAD="off",
        OCOP_SSL_REDIRECT="no",
    )
    assert not got["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and not got["SECURE_HSTS_PRELOAD"]
    assert not got["SECURE_SSL_REDIRECT"]


@pytest.mark.parametrize("name", BOOLEANS)
def test_anything_else_stops_the_start_naming_the_variable(monkeypatch, name):
    with pytest.raises(ImproperlyConfigured, match=rf"^{name}: «maybe» không phải giá trị bật/tắt"):
        _settings(monkeypatch, **{name: "maybe"})


def test_an_empty_debug_is_refused_not_taken_for_the_laptop_default(monkeypatch):
    # "OCOP_DEBUG=" meant production before; the laptop default (debug on) would open debug pages.
    with pytest.raises(ImproperlyConfigured, match=r"^OCOP_DEBUG đang để trống"):
        _settings(monkeypatch, OCOP_DEBUG="")
    assert _settings(monkeypatch, OCOP_SSL_REDIRECT="", OCOP_DEBUG="0")["SECURE_SSL_REDIRECT"] is True


def test_the_command_says_it_in_one_line(tmp_path):
    # A fresh process, as an operator starts it: one line naming the variable, no traceback.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCOP_", "DJANGO_"))}
    env.update(OCOP_WORK_DIR=str(tmp_path), OCOP_SSL_REDIRECT="ture")
    r = subprocess.run([OCOP, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith("OCOP_SSL_REDIRECT: «ture» không phải giá trị bật/tắt")


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("OCOP_RATE_LIMITS", "scna=5/10", "OCOP_RATE_LIMITS: không có giới hạn tên 'scna'"),
        ("OCOP_TRUSTED_PROXIES", "nginx", "OCOP_TRUSTED_PROXIES: 'nginx' không phải địa chỉ IP"),
    ],
)
def test_the_other_parsed_settings_stop_the_start_the_same_way(monkeypatch, name, value, says):
    # ImproperlyConfigured, which the ocop command prints in one line (a traceback before).
    with pytest.raises(ImproperlyConfigured, match=f"^{says}"):
        _settings(monkeypatch, **{name: value})
