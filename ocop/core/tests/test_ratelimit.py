"""The pure rate-limit arithmetic: settings parsing, the client behind proxies, the sliding window."""

import random

import pytest

from ocop.core.ratelimit import (
    DEFAULTS,
    Limit,
    client_key,
    estimate,
    parse_limits,
    parse_networks,
    retry_after,
    window,
)


def test_limits_default_off_and_partial():
    assert parse_limits("") == DEFAULTS and parse_limits(None) == DEFAULTS
    assert parse_limits("off") == {} and parse_limits(" OFF ") == {}
    limits = parse_limits("scan=5/10, login=off")
    assert limits["scan"] == Limit(5, 10) and "login" not in limits and limits["api"] == DEFAULTS["api"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("scna=5/10", "không có giới hạn tên 'scna'"),
        ("scan=5", "tên=số_yêu_cầu/số_giây"),
        ("scan=0/60", "số nguyên dương"),
        ("scan=5/-1", "số nguyên dương"),
        ("scan=many/60", "ví dụ: scan="),
    ],
)
def test_bad_limits_say_what_to_write(text, says):
    with pytest.raises(ValueError, match=says):
        parse_limits(text)


def test_trusted_networks():
    nets = parse_networks("10.0.0.5, 192.168.0.0/16,::1")
    assert [str(n) for n in nets] == ["10.0.0.5/32", "192.168.0.0/16", "::1/128"]
    assert parse_networks("") == ()
    with pytest.raises(ValueError, match="'nginx' không phải địa chỉ IP"):
        parse_networks("nginx")


PROXY = parse_networks("10.0.0.0/8")


def test_forwarded_for_is_ignored_without_a_trusted_proxy():
    assert client_key("203.0.113.7", "198.51.100.1", ()) == "203.0.113.7"
    # a proxy that is not listed cannot vouch for anybody either
    assert client_key("203.0.113.7", "198.51.100.1", PROXY) == "203.0.113.7"


def test_forwarded_for_from_a_trusted_proxy_names_the_client():
    assert client_key("10.0.0.5", "198.51.100.1", PROXY) == "198.51.100.1"
    # two trusted hops (CDN edge → nginx → app): the first untrusted address from the right
    assert client_key("10.0.0.5", "198.51.100.1, 10.2.3.4", PROXY) == "198.51.100.1"
    # what the client wrote itself, left of what the proxy appended, is ignored
    assert client_key("10.0.0.5", "1.2.3.4, 9.9.9.9, 198.51.100.1", PROXY) == "198.51.100.1"
    assert client_key("10.0.0.5", "<script>, 198.51.100.1", PROXY) == "198.51.100.1"
    # garbage right after a trusted proxy: stay with the last address that is certain
    assert client_key("10.0.0.5", "198.51.100.1, junk", PROXY) == "10.0.0.5"
    assert client_key("10.0.0.5", "198.51.100.1:51234", PROXY) == "198.51.100.1"
    assert client_key("10.0.0.5", "", PROXY) == "10.0.0.5"


def test_ipv6_clients_count_per_64_block():
    a = client_key("2001:db8:1:2:aaaa::1", None, ())
    assert a == client_key("2001:db8:1:2:ffff:1:2:3", None, ()) == "2001:db8:1:2::/64"
    assert a != client_key("2001:db8:1:3::1", None, ())
    assert client_key("::ffff:203.0.113.7", None, ()) == "203.0.113.7"
    assert client_key("10.0.0.5", "[2001:db8::7]:443", PROXY) == "2001:db8::/64"
    assert client_key("", None, ()) == "unknown"


def test_window():
    assert window(125.5, Limit(10, 60)) == (2, 5.5)
    assert window(60, Limit(10, 60)) == (1, 0)


def _allowed(current, previous, elapsed, limit, wait):
    """Would one more request, `wait` seconds from now, be allowed (nothing else sent meanwhile)?"""
    at = elapsed + wait
    if at < limit.seconds:
        return estimate(current + 1, previous, at, limit) <= limit.requests
    at -= limit.seconds
    if at < limit.seconds:
        return estimate(1, current, at, limit) <= limit.requests
    return True


def test_retry_after_is_the_first_whole_second_that_works():
    rng = random.Random(7)
    for _ in range(3000):
        limit = Limit(rng.randint(1, 50), rng.choice([1, 10, 60, 300]))
        current = rng.randint(0, limit.requests)
        previous = rng.randint(0, 2 * limit.requests)
        elapsed = rng.uniform(0, limit.seconds - 1e-6)
        if estimate(current + 1, previous, elapsed, limit) <= limit.requests:
            continue  # would be allowed now: no wait to compute
        wait = retry_after(current, previous, elapsed, limit)
        assert wait >= 1
        assert _allowed(current, previous, elapsed, limit, wait), (limit, current, previous, elapsed, wait)
        assert wait == 1 or not _allowed(current, previous, elapsed, limit, wait - 1.01)


def test_sliding_window_never_serves_more_than_the_limit_in_a_window():
    """A client sending far more than its limit, at random moments: each fixed window serves at most the
    limit, and over many windows the average is the limit (no 2× burst at each boundary)."""
    limit, rng = Limit(20, 60), random.Random(3)
    counts: dict[int, int] = {}
    times = sorted(rng.uniform(0, 600) for _ in range(5000))
    for t in times:
        index, elapsed = window(t, limit)
        current = counts.get(index, 0) + 1
        if estimate(current, counts.get(index - 1, 0), elapsed, limit) <= limit.requests:
            counts[index] = current
    assert max(counts.values()) <= limit.requests
    assert 9 * limit.requests <= sum(counts.values()) <= 10 * limit.requests
