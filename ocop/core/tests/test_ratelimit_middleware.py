"""The rate-limit middleware against the real URLs: each rule refuses with 429 once over its (small, test)
limit, other clients are not affected, X-Forwarded-For is believed only from a trusted proxy, the API gets
its JSON error, "off" turns everything off, and the counters live in Redis or the database when asked."""

import logging
import secrets
import socket

import pytest
from django.core.cache import caches
from django.core.management import call_command

from ocop.core import throttle

SCAN = "/t/ABCDEFGHJKMNPQ"  # a malformed code: the page answers "not a genuine stamp", 200


class Clock:
    """Stands in for the time module of the middleware: the tests decide when a window ends."""

    def __init__(self):
        self.now = 999_900.0  # the start of a window of 60 and of 300 seconds

    def time(self):
        return self.now

    def monotonic(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(throttle, "time", c)
    return c


@pytest.fixture
def limits(settings, clock, db):
    caches["default"].clear()
    settings.OCOP_TRUSTED_PROXIES = ""

    def set_limits(text):
        settings.OCOP_RATE_LIMITS = text

    return set_limits


def get(client, path, ip="203.0.113.7", **extra):
    return client.get(path, REMOTE_ADDR=ip, **extra)


def test_scan_pages_share_one_limit_per_client(client, limits):
    limits("scan=3/60")
    assert [get(client, p).status_code for p in (SCAN, "/01/09300000000001/21/X", "/kiem-tra-tem/")] == [
        200,
        404,  # a GS1 link with a bad check digit: not found, but counted
        200,
    ]
    r = get(client, SCAN)
    assert r.status_code == 429
    # three served at the start of a window: free again once a third of them has slid out of the last 60 s
    assert int(r["Retry-After"]) == 60 + 20 and r["Cache-Control"] == "no-store"
    page = r.content.decode()
    assert (
        "Bạn đang thao tác quá nhanh" in page and "quá nhiều tem" in page and "Vui lòng thử lại sau" in page
    )
    assert "Traceback" not in page
    assert get(client, SCAN, ip="198.51.100.9").status_code == 200  # another client: its own count
    assert get(client, "/tinh/").status_code == 200  # pages without a rule are never limited


def test_scan_page_asked_for_json_gets_the_json_error(client, limits):
    limits("scan=1/60")
    get(client, SCAN)
    r = get(client, SCAN, HTTP_ACCEPT="application/json")
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"


def test_the_limit_frees_up_after_retry_after(client, limits, clock):
    limits("scan=2/60")
    get(client, SCAN), get(client, SCAN)
    clock.now += 30
    r = get(client, SCAN)
    assert r.status_code == 429
    clock.now += int(r["Retry-After"])
    assert get(client, SCAN).status_code == 200


def test_a_client_a_little_over_the_limit_still_gets_the_limit(client, limits, clock):
    """Refused requests give their count back: sending 30 a minute against a limit of 20 gets 20 a minute
    served, not nothing (which is what counting refused requests in a sliding window would do)."""
    limits("scan=20/60")
    served = []
    for _minute in range(5):
        ok = 0
        for _ in range(30):
            ok += get(client, SCAN).status_code == 200
            clock.now += 2
        served.append(ok)
    assert served[0] == 20 and all(15 <= n <= 20 for n in served[1:]), served


def test_search_counts_queries_not_the_home_page(client, limits):
    limits("search=2/60")
    assert get(client, "/?q=mat+ong").status_code == 200
    assert get(client, "/?tinh=12").status_code == 200  # a filter is a query too
    assert get(client, "/?q=che").status_code == 429
    for _ in range(3):
        assert get(client, "/").status_code == 200
    r = get(client, "/api/v1/public/products?q=che")
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"  # same budget as the page
    assert get(client, "/api/v1/public/products?q=che", ip="198.51.100.9").status_code == 200


def test_login_posts_are_limited_on_the_site_and_the_admin(client, limits):
    limits("login=2/300")
    form = {"username": "khongco", "password": "sai-mat-khau-1"}
    assert client.post("/tai-khoan/dang-nhap/", form, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.post("/admin/login/", form, REMOTE_ADDR="203.0.113.7").status_code == 200
    r = client.post("/tai-khoan/dang-nhap/", form, REMOTE_ADDR="203.0.113.7")
    assert r.status_code == 429 and "đăng nhập" in r.content.decode()
    assert client.post("/admin/login/", form, REMOTE_ADDR="203.0.113.7").status_code == 429
    # the next window, once half of this one's two tries have slid out of the last 300 seconds
    assert int(r["Retry-After"]) == 300 + 150
    assert get(client, "/tai-khoan/dang-nhap/").status_code == 200  # showing the form is not a try
    assert client.post("/tai-khoan/dang-nhap/", form, REMOTE_ADDR="198.51.100.9").status_code == 200


def test_api_counts_per_user_when_logged_in(client, limits, lai_chau_officer, son_la_officer):
    limits("api=2/60")
    client.force_login(lai_chau_officer)
    assert get(client, "/api/v1/products").status_code == 200
    assert get(client, "/api/v1/products").status_code == 200
    r = get(client, "/api/v1/products")
    assert r.status_code == 429 and r["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["code"] == "rate_limited" and "Vui lòng thử lại sau" in body["message"]
    assert body["details"]["limit"] == "api" and body["details"]["retry_after"] == int(r["Retry-After"])
    client.force_login(son_la_officer)  # same address, another user: its own allowance
    assert get(client, "/api/v1/products").status_code == 200
    client.logout()  # anonymous: counted per address, also its own
    assert get(client, "/api/v1/public/meta").status_code == 200


def test_api_counts_per_token(client, limits):
    limits("api=2/60")
    one, two = (f"Bearer ocop_{secrets.token_hex(8)}" for _ in range(2))
    for _ in range(2):
        assert get(client, "/api/v1/public/meta", HTTP_AUTHORIZATION=one).status_code == 200
    assert get(client, "/api/v1/public/meta", HTTP_AUTHORIZATION=one).status_code == 429
    assert get(client, "/api/v1/public/meta", HTTP_AUTHORIZATION=two).status_code == 200
    assert get(client, "/api/v1/public/meta").status_code == 200


def test_made_up_tokens_do_not_buy_a_fresh_allowance(client, limits):
    """Each refused token (401) counts against the address, so random tokens are limited like anonymous
    requests instead of each starting a new count."""
    limits("api=3/60")
    codes = [
        get(client, "/api/v1/products", HTTP_AUTHORIZATION=f"Bearer {secrets.token_hex(8)}").status_code
        for _ in range(5)
    ]
    assert codes == [401, 401, 401, 429, 429]
    assert get(client, "/api/v1/public/meta").status_code == 429  # the address has used its allowance
    assert get(client, "/api/v1/public/meta", ip="198.51.100.9").status_code == 200


def test_spoofed_forwarded_for_does_not_bypass_the_limit(client, limits):
    limits("scan=2/60")
    codes = [get(client, SCAN, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(4)]
    assert codes == [200, 200, 429, 429]


def test_a_trusted_proxy_tells_clients_apart(client, settings, limits):
    limits("scan=2/60")
    settings.OCOP_TRUSTED_PROXIES = "10.0.0.0/8"
    behind = {"ip": "10.0.0.5"}
    for _ in range(2):
        assert get(client, SCAN, HTTP_X_FORWARDED_FOR="198.51.100.1", **behind).status_code == 200
    assert get(client, SCAN, HTTP_X_FORWARDED_FOR="198.51.100.1", **behind).status_code == 429
    assert get(client, SCAN, HTTP_X_FORWARDED_FOR="198.51.100.2", **behind).status_code == 200
    # the client prepends a fake address: the one the proxy appended still counts
    r = get(client, SCAN, HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.1", **behind)
    assert r.status_code == 429


def test_off_turns_every_limit_off(client, limits):
    limits("off")
    for _ in range(30):
        assert get(client, SCAN).status_code == 200
    limits("scan=off,search=1/60")
    for _ in range(5):
        assert get(client, SCAN).status_code == 200
    assert get(client, "/?q=a").status_code == 200 and get(client, "/?q=b").status_code == 429


def test_429_page_is_translated(client, limits):
    limits("scan=1/60")
    get(client, SCAN)
    client.cookies["django_language"] = "en"
    r = get(client, SCAN)
    assert r.status_code == 429 and '<html lang="en">' in r.content.decode()


def test_a_failing_cache_lets_requests_through_and_logs(client, limits, settings, caplog):
    limits("scan=1/60")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    with caplog.at_level(logging.WARNING, logger="ocop.core.throttle"):
        assert [get(client, SCAN).status_code for _ in range(3)] == [200, 200, 200]
    assert "rate limits paused" in caplog.text


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379 (CI has one; apt-get install redis)")
def test_counters_in_redis(client, limits, settings):
    import redis

    prefix = "ocop-test-" + secrets.token_hex(4)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        }
    }
    limits("scan=2/60")
    raw = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        assert [get(client, SCAN).status_code for _ in range(3)] == [200, 200, 429]
        keys = raw.keys(f"{prefix}:*")
        assert len(keys) == 1 and b"rl:scan:a:203.0.113.7:" in keys[0]
        # what another app server would see: the count, as a plain integer (INCR), with its expiry
        assert int(raw.get(keys[0])) == 2 and 0 < raw.ttl(keys[0]) <= 121
    finally:
        for key in raw.scan_iter(f"{prefix}:*"):
            raw.delete(key)


def test_counters_in_the_database_cache(client, limits, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ocop_cache_test"}
    }
    call_command("createcachetable", verbosity=0)
    limits("login=2/300")
    form = {"username": "khongco", "password": "sai-mat-khau-1"}
    codes = [
        client.post("/tai-khoan/dang-nhap/", form, REMOTE_ADDR="203.0.113.7").status_code for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, expires FROM ocop_cache_test")
        rows = cursor.fetchall()
    assert len(rows) == 1 and ":rl:login:a:203.0.113.7:" in rows[0][0]


def test_a_real_token_has_its_own_allowance(client, limits, lai_chau_officer):
    import datetime

    from ocop.accounts.services import token_create

    _row, key = token_create(
        actor=None,
        owner=lai_chau_officer,
        name="Sàn TMĐT",
        scopes=["read"],
        expires_on=datetime.date.today() + datetime.timedelta(days=30),
    )
    limits("api=2/60")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert [get(client, "/api/v1/products", **auth).status_code for _ in range(3)] == [200, 200, 429]
    assert get(client, "/api/v1/public/meta").status_code == 200  # the address is not charged for it
