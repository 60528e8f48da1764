"""Per-client rate limits: one middleware that matches each request against the URL rules of
`OCOP_RATE_LIMIT_RULES`, counts it against the limits of `OCOP_RATE_LIMITS` in Django's cache (shared by
all app servers when it is Redis or the database) and answers 429 with Retry-After once a client is over.

The counters are a sliding window (ocop/core/ratelimit.py): this window's count and the previous one's.
Only served requests count: a refused request gives its increment back, so a client slightly over the
limit still gets the limit, not nothing. If the cache fails the request is served (fail open) and the
limits pause for a few seconds, with one log line, rather than the site going down with its cache."""

import hashlib
import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.checks import Tags, Warning, register
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import ratelimit
from .errors import OcopError

log = logging.getLogger(__name__)

PAUSE_AFTER_FAILURE = 10.0  # seconds without limits once the cache has failed


@dataclass(frozen=True)
class Rule:
    limit: str
    methods: frozenset[str]  # empty: any method
    path: re.Pattern
    needs_query: bool
    per_user: bool

    def matches(self, request) -> bool:
        return (
            (not self.methods or request.method in self.methods)
            and self.path.match(request.path_info) is not None
            and (not self.needs_query or bool(request.META.get("QUERY_STRING")))
        )


@dataclass(frozen=True)
class Config:
    limits: dict[str, ratelimit.Limit]
    rules: tuple[Rule, ...]  # those whose limit is on
    trusted: tuple[ratelimit.Network, ...]
    cache: str


_config: list[Config] = []  # read once; tests change the settings (setting_changed below)


def config() -> Config:
    if not _config:
        limits = ratelimit.parse_limits(settings.OCOP_RATE_LIMITS)
        rules = tuple(
            Rule(limit, frozenset(methods.split()), re.compile(path), needs_query, per == "user")
            for limit, methods, path, needs_query, per in settings.OCOP_RATE_LIMIT_RULES
            if limit in limits
        )
        trusted = ratelimit.parse_networks(settings.OCOP_TRUSTED_PROXIES)
        _config.append(Config(limits, rules, trusted, settings.OCOP_RATE_LIMIT_CACHE))
    return _config[0]


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting.startswith("OCOP_RATE_LIMIT") or setting in ("OCOP_TRUSTED_PROXIES", "CACHES"):
        _config.clear()


def client_address(request) -> str:
    """The client's address, the one helper for every reading of it (rate limits, the login lockout, the
    scan log's device identity, fake reports): the connecting address, or — when that is a proxy of
    OCOP_TRUSTED_PROXIES — the right-most address of X-Forwarded-For that is not a trusted proxy.
    X-Forwarded-For from anyone else is ignored: a client writes what it likes there. IPv6 per /64."""
    return ratelimit.client_key(
        request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR"), config().trusted
    )


@register(Tags.security, deploy=True)
def proxies_declared(app_configs, **kwargs):
    """Behind a proxy that ends TLS (OCOP_PROXY_SSL_HEADER=1) every request comes from the proxy: without
    OCOP_TRUSTED_PROXIES all clients would share its address — one rate-limit allowance for the country,
    one network for the copied-stamp rules."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.OCOP_TRUSTED_PROXIES.strip():
        return [
            Warning(
                "Máy chủ đứng sau proxy (OCOP_PROXY_SSL_HEADER=1) nhưng chưa khai báo OCOP_TRUSTED_PROXIES: "
                "mọi người dùng sẽ mang địa chỉ của proxy, giới hạn tần suất và quy tắc phát hiện tem sao "
                "chép coi cả nước là một máy.",
                hint="Đặt OCOP_TRUSTED_PROXIES=127.0.0.1 (địa chỉ của nginx; docs/deployment.md, mục 2).",
                id="ocop.W010",
            )
        ]
    return []


def _wants_json(request) -> bool:
    if request.path_info.startswith("/api/"):
        return True
    accept = request.META.get("HTTP_ACCEPT", "")
    return "application/json" in accept and "text/html" not in accept


def _bump(cache: BaseCache, key: str, delta: int, ttl: int) -> int:
    """Add `delta` to a counter, creating it with its expiry. Atomic where the backend's incr is (Redis
    INCR, local memory under its lock); Django's generic incr (the database cache) reads then writes, so
    concurrent requests there may lose an increment, and its set would reset the expiry: done here."""
    if type(cache).incr is BaseCache.incr:
        value = cache.get(key)
        if value is None:
            if delta < 0:
                return 0
            if cache.add(key, delta, ttl):
                return delta
            value = cache.get(key, 0)
        cache.set(key, value + delta, ttl)
        return value + delta
    try:
        return cache.incr(key, delta)
    except ValueError:  # no such key yet (or it just expired): nothing to give back
        if delta < 0:
            return 0
        if cache.add(key, delta, ttl):
            return delta
        return cache.incr(key, delta)


_REDIS_COUNT = """
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {current, redis.call('GET', KEYS[2])}
"""


def _count(cache: BaseCache, key: str, previous_key: str, ttl: int) -> tuple[int, int]:
    """Add one to this window's counter; its new value and the previous window's."""
    if isinstance(cache, RedisCache):
        # One Redis command instead of four (Django's incr first asks whether the key exists, then add,
        # incr, get), atomic on the server. Integers are stored plain by Django's Redis serializer, so
        # cache.get reads these counters too. The script object (with its client) is kept: building a
        # redis.Redis costs ≈ 0.3 ms, more than the round trip.
        script = getattr(cache, "_ocop_counter_script", None)
        if script is None:
            client = cache._cache.get_client(key, write=True)
            script = cache._ocop_counter_script = client.register_script(_REDIS_COUNT)
        current, previous = script(
            keys=[cache.make_and_validate_key(key), cache.make_and_validate_key(previous_key)], args=[ttl]
        )
        return current, int(previous or 0)
    return _bump(cache, key, 1, ttl), cache.get(previous_key, 0)


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.paused_until = 0.0

    def __call__(self, request):
        conf = config()
        rules = [r for r in conf.rules if r.matches(request)]
        if not rules or time.monotonic() < self.paused_until:
            return self.get_response(request)
        limits = conf.limits
        cache = caches[conf.cache]
        address = client_address(request)
        now = time.time()
        token_rules = []
        try:
            taken, refused = [], []
            for rule in rules:
                limit = limits[rule.limit]
                who = self._who(request, rule, address)
                if who.startswith("t:"):
                    # A token is checked only by the API, after this: random tokens must not each get a
                    # fresh allowance, so a refused token (401) counts against the address, checked here.
                    token_rules.append(rule)
                    wait = self._over(cache, rule.limit, limit, "a:" + address, now)
                    if wait:
                        refused.append((rule.limit, wait))
                        continue
                key, wait = self._take(cache, rule.limit, limit, who, now)
                taken.append((key, limit))
                if wait:
                    refused.append((rule.limit, wait))
            if refused:
                for key, limit in taken:  # refused requests do not count
                    _bump(cache, key, -1, 2 * limit.seconds + 1)
                name, wait = max(refused, key=lambda r: r[1])
                log.info("rate limit %s: %s refused for %s s", name, address, wait)
                return too_many(request, name, wait)
        except Exception:
            self._pause()
            return self.get_response(request)
        response = self.get_response(request)
        if token_rules and response.status_code == 401:
            try:
                for rule in token_rules:
                    self._take(cache, rule.limit, limits[rule.limit], "a:" + address, now)
            except Exception:
                self._pause()
        return response

    @staticmethod
    def _who(request, rule: Rule, address: str) -> str:
        if rule.per_user:
            auth = request.META.get("HTTP_AUTHORIZATION", "")
            if auth[:7].lower() == "bearer ":
                return "t:" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()[:32]
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                return f"u:{user.pk}"
        return "a:" + address

    @staticmethod
    def _take(cache, name: str, limit: ratelimit.Limit, who: str, now: float) -> tuple[str, int]:
        """Count one request; the key counted and 0 if allowed, else the seconds to wait."""
        index, elapsed = ratelimit.window(now, limit)
        prefix = f"rl:{name}:{who}:"
        key = prefix + str(index)
        current, previous = _count(cache, key, prefix + str(index - 1), 2 * limit.seconds + 1)
        if ratelimit.estimate(current, previous, elapsed, limit) <= limit.requests:
            return key, 0
        return key, ratelimit.retry_after(current - 1, previous, elapsed, limit)

    @staticmethod
    def _over(cache, name: str, limit: ratelimit.Limit, who: str, now: float) -> int:
        """Without counting: 0 if one more request of `who` is allowed, else the seconds to wait."""
        index, elapsed = ratelimit.window(now, limit)
        prefix = f"rl:{name}:{who}:"
        counts = cache.get_many([prefix + str(index), prefix + str(index - 1)])
        current, previous = counts.get(prefix + str(index), 0), counts.get(prefix + str(index - 1), 0)
        if ratelimit.estimate(current + 1, previous, elapsed, limit) <= limit.requests:
            return 0
        return ratelimit.retry_after(current, previous, elapsed, limit)

    def _pause(self) -> None:
        self.paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
        log.warning(
            "rate limits paused for %.0f s: the cache %r failed",
            PAUSE_AFTER_FAILURE,
            config().cache,
            exc_info=True,
        )


def take(name: str, who: str) -> bool:
    """Count one action of `who` under the limit `name` outside the URL rules (e.g. the mails sent to one
    address, whoever asks); False when over the limit. True when that limit is off, and, like the
    middleware, when the cache fails."""
    return not take_wait(name, who)


def take_wait(name: str, who: str) -> int:
    """`take`, saying how long to wait: 0 when counted (or the limit is off, or the cache failed), else
    the seconds until one more would be allowed (the refused action is not counted)."""
    conf = config()
    limit = conf.limits.get(name)
    if limit is None:
        return 0
    try:
        cache = caches[conf.cache]
        key, wait = RateLimitMiddleware._take(cache, name, limit, who, time.time())
        if wait:
            _bump(cache, key, -1, 2 * limit.seconds + 1)
    except Exception:
        log.warning("rate limit %s not counted: the cache %r failed", name, conf.cache, exc_info=True)
        return 0
    return wait


REPORT_STAMP_MESSAGE = gettext_noop(
    "Tem này đã nhận nhiều báo cáo nghi giả trong thời gian ngắn; cơ quan OCOP đã được báo và sẽ kiểm tra."
)


def too_many(request, name: str, wait: int) -> HttpResponse:
    """429 with Retry-After: JSON {code, message} for the API and JSON clients, else a light page."""
    reasons = {
        "scan": _("Mạng của bạn đã kiểm tra quá nhiều tem trong thời gian ngắn."),
        "search": _("Mạng của bạn đã tìm kiếm quá nhiều lần trong thời gian ngắn."),
        "login": _("Đã có quá nhiều lần đăng nhập từ mạng của bạn trong thời gian ngắn."),
        "second_factor": _("Đã có quá nhiều lần nhập mã xác thực từ mạng của bạn trong thời gian ngắn."),
        "password_reset": _("Đã có quá nhiều yêu cầu đặt lại mật khẩu từ mạng của bạn trong thời gian ngắn."),
        "api": _("Đã có quá nhiều yêu cầu API trong thời gian ngắn."),
        "report": _("Mạng của bạn đã gửi quá nhiều báo cáo nghi hàng giả trong thời gian ngắn."),
        "report_stamp": _(REPORT_STAMP_MESSAGE),
    }
    reason = reasons.get(name, _("Đã có quá nhiều yêu cầu trong thời gian ngắn."))
    at = timezone.localtime(timezone.now() + timedelta(seconds=wait)).strftime("%H:%M:%S")
    retry = _("Vui lòng thử lại sau %(seconds)s giây (lúc %(time)s).") % {"seconds": wait, "time": at}
    if _wants_json(request):
        error = OcopError("rate_limited", f"{reason} {retry}", details={"limit": name, "retry_after": wait})
        response = JsonResponse(error.as_dict(), status=429, json_dumps_params={"ensure_ascii": False})
    else:
        html = render_to_string("429.html", {"reason": reason, "retry": retry, "seconds": wait, "rule": name})
        response = HttpResponse(html, status=429)
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    # Django logs every 4xx as a warning: under a flood that is a log line per refused request. The
    # middleware logs refusals at INFO instead.
    response._has_been_logged = True
    return response
