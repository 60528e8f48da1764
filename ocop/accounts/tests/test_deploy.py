"""Production settings (OCOP_DEBUG=0), checked in fresh processes: Django's deployment checks pass, the
development key is refused, and the responses carry the security headers and secure cookies. A fresh
process starts Django in seconds: those tests are `slow` (run by `.ci/run`)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

ROOT = Path(__file__).resolve().parents[3]
OCOP = str(Path(sys.executable).with_name("ocop"))

# What a request looks like in production, from a fresh process (settings are read once per process).
PROBE = """
import django, json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "ocop.settings"
django.setup()
from django.test import Client
c = Client(HTTP_HOST="ocop.example.gov.vn")
plain = c.get("/tai-khoan/dang-nhap/")
proxied = c.get("/tai-khoan/dang-nhap/", HTTP_X_FORWARDED_PROTO="https")
r = c.get("/tai-khoan/dang-nhap/", secure=True)
cookie = r.cookies["csrftoken"]
got = {
    "plain": [plain.status_code, plain.get("Location")],
    "proxied": proxied.status_code,
    "status": r.status_code,
    "headers": {k: r.get(k) for k in ["Strict-Transport-Security", "Content-Security-Policy",
                "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"]},
    "csrf_cookie": {"secure": bool(cookie["secure"]), "httponly": bool(cookie["httponly"])},
    "session_cookie": [__import__("django.conf").conf.settings.SESSION_COOKIE_SECURE,
                       __import__("django.conf").conf.settings.SESSION_COOKIE_HTTPONLY],
}
print(json.dumps(got))
"""


CHECK = """
from django.core.management import call_command
call_command("check", "--deploy", "--fail-level", "WARNING")
print(json.dumps({**json.loads(json.dumps(got)), "check": "ok"}))
"""


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCOP_", "DJANGO_"))}
    env.update(
        OCOP_DEBUG="0",
        OCOP_SECRET_KEY=secrets.token_urlsafe(50),
        OCOP_ALLOWED_HOSTS="ocop.example.gov.vn",
        OCOP_EMAIL_URL="smtp+tls://ocop%40example.gov.vn:mat%2Fkhau@mail.example.gov.vn:587",
        OCOP_DEFAULT_FROM_EMAIL="OCOP <ocop@example.gov.vn>",
        OCOP_WORK_DIR=str(tmp_path),
    )
    env.update(extra)
    return env


def _run(args, env):
    return subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_check_deploy_finds_no_issue_in_production(tmp_path):
    r = _run([OCOP, "check", "--deploy", "--fail-level", "WARNING"], _env(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_check_deploy_fails_on_the_development_settings(db):
    # The same check against the laptop defaults (this test process) finds problems: the test above is
    # not vacuous.
    with pytest.raises(SystemCheckError, match=r"security\.W004"):  # no HSTS
        call_command("check", "--deploy", "--fail-level", "WARNING")


@pytest.mark.slow
def test_production_refuses_the_development_key(tmp_path):
    for key in [None, "dev-only-insecure-key-change-me-in-production", "ngan-qua", "a" * 60]:
        env = _env(tmp_path)
        if key is None:
            del env["OCOP_SECRET_KEY"]
        else:
            env["OCOP_SECRET_KEY"] = key
        r = _run([sys.executable, "-c", "import ocop.settings"], env)
        assert r.returncode == 1, key
        assert "OCOP_SECRET_KEY" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_production_headers_and_cookies(tmp_path):
    r = _run([sys.executable, "-c", PROBE], _env(tmp_path))
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got["plain"] == [301, "https://ocop.example.gov.vn/tai-khoan/dang-nhap/"]
    # Without OCOP_PROXY_SSL_HEADER a client's X-Forwarded-Proto is not believed.
    assert got["proxied"] == 301
    assert got["status"] == 200
    h = got["headers"]
    assert h["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert h["X-Frame-Options"] == "DENY" and h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    csp = h["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert got["csrf_cookie"] == {"secure": True, "httponly": True}
    assert got["session_cookie"] == [True, True]


@pytest.mark.slow
def test_behind_a_tls_proxy_that_redirects_itself(tmp_path):
    env = _env(tmp_path, OCOP_PROXY_SSL_HEADER="1", OCOP_SSL_REDIRECT="0", OCOP_TRUSTED_PROXIES="127.0.0.1")
    r = _run([sys.executable, "-c", PROBE + CHECK], env)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got["plain"] == [200, None] and got["proxied"] == 200
    assert got["check"] == "ok"  # the deployment checks accept the redirect left to the proxy


def test_behind_a_tls_proxy_the_proxy_must_be_trusted(tmp_path):
    """Without OCOP_TRUSTED_PROXIES every consumer has the proxy's address (rate limits, lockout, devices)."""
    env = _env(tmp_path, OCOP_PROXY_SSL_HEADER="1", OCOP_SSL_REDIRECT="0")
    r = _run([sys.executable, "-c", PROBE + CHECK], env)
    assert r.returncode != 0 and "ocop.W010" in r.stderr


def test_pages_carry_the_policy_in_development_too(client, lai_chau_officer):
    r = client.get("/tai-khoan/dang-nhap/")
    # No inline script may run: only this site's files (a page with its own script adds its nonce).
    assert "script-src 'self';" in r["Content-Security-Policy"]
    assert r["X-Frame-Options"] == "DENY"
