"""Settings from environment variables, with defaults that work on a laptop (SQLite, console e-mail)."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from ocop.core import ratelimit

_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def env_bool(name: str, default: bool, env=os.environ, *, empty_is_default: bool = True) -> bool:
    """A yes/no variable: 1/0, true/false, yes/no, on/off (any case); unset or empty is the default.
    Anything else stops the start naming the variable: «OCOP_SSL_REDIRECT=ture» must not mean "off"."""
    value = env.get(name, "").strip().lower()
    if not value and (name not in env or empty_is_default):
        return default
    if not value:
        raise ImproperlyConfigured(f"{name} đang để trống: hãy ghi 1 hoặc 0, hoặc bỏ hẳn biến này.")
    if value in _YES or value in _NO:
        return value in _YES
    raise ImproperlyConfigured(
        f"{name}: «{env[name][:40]}» không phải giá trị bật/tắt. Hãy ghi 1 hoặc 0 "
        "(cũng nhận true/false, yes/no, on/off), hoặc bỏ trống để dùng mặc định."
    )


BASE_DIR = Path(__file__).resolve().parent
WORK_DIR = Path(os.environ.get("OCOP_WORK_DIR", Path.cwd()))

DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
SECRET_KEY = os.environ.get("OCOP_SECRET_KEY", DEV_SECRET_KEY)
# Empty is refused, not the default: "OCOP_DEBUG=" (a template's blank) meant production until now, and
# must not turn debug pages on.
DEBUG = env_bool("OCOP_DEBUG", True, empty_is_default=False)
ALLOWED_HOSTS = [
    h for h in os.environ.get("OCOP_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]

# Security. Sessions, CSRF tokens and recovery codes are signed with SECRET_KEY: production (OCOP_DEBUG=0)
# refuses to start with the development key or a short one.
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise SystemExit(  # a message for the operator, not a traceback
        "OCOP_SECRET_KEY: môi trường thật (OCOP_DEBUG=0) cần một khóa bí mật riêng, ít nhất 50 ký tự ngẫu "
        "nhiên, không phải khóa phát triển. Tạo một khóa: "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads the CSRF cookie: forms carry the token
CSRF_FAILURE_VIEW = "ocop.core.views.csrf_failure"  # in Vietnamese, in the site's page (JSON for the API)
SESSION_COOKIE_AGE = int(os.environ.get("OCOP_SESSION_HOURS", "12")) * 3600  # a working day, not 2 weeks
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts only from this site (plus the nonce of a page's own inline script); inline styles are used by
# the templates. JSON-LD blocks are data, not scripts: the browser does not run them.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Read whatever DEBUG is, so that a typo stops a laptop too, not only production.
_hsts_subdomains = env_bool("OCOP_HSTS_SUBDOMAINS", True)
_hsts_preload = env_bool("OCOP_HSTS_PRELOAD", True)
_proxy_ssl_header = env_bool("OCOP_PROXY_SSL_HEADER", False)
_ssl_redirect = env_bool("OCOP_SSL_REDIRECT", True)
if not DEBUG:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("OCOP_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _hsts_subdomains
    SECURE_HSTS_PRELOAD = _hsts_preload
    # Behind a proxy that ends TLS: OCOP_PROXY_SSL_HEADER=1 trusts its X-Forwarded-Proto (the proxy must
    # set it, overwriting what the client sent). OCOP_SSL_REDIRECT=0 when the proxy redirects to HTTPS.
    if _proxy_ssl_header:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _ssl_redirect
    if not SECURE_SSL_REDIRECT:
        SILENCED_SYSTEM_CHECKS = ["security.W008"]  # the proxy redirects, as declared

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "ocop.core",
    "ocop.geo",
    "ocop.accounts",
    "ocop.registry",
    "ocop.evaluation",
    "ocop.traceability",
    "ocop.monitoring",
    "ocop.catalogue",
    "ocop.reporting",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ocop.core.middleware.VietnameseFirstLocaleMiddleware",
    "ocop.core.middleware.RejectNulMiddleware",  # 400 before PostgreSQL sees a NUL (after the locale)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication (the API is limited per user or token) and the locale (its 429 page is translated).
    "ocop.core.throttle.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ocop.accounts.middleware.SecondFactorMiddleware",  # after messages: it says why it logged out
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "ocop.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.template.context_processors.media",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ocop.accounts.context_processors.role",
                "ocop.monitoring.context.reminders",
            ],
        },
    },
]
WSGI_APPLICATION = "ocop.wsgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Persistent connections are checked before a request reuses them: after the database restarts, a worker
    # that was idle during the outage would otherwise fail its next request (benchmarks/faults.py).
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("OCOP_TEST_DB", "test_ocop")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("OCOP_SQLITE", str(WORK_DIR / "ocop.sqlite3")),
            # WAL lets the web server read while an import or the worker writes.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, so that `pytest --reuse-db` skips loading the 24,000 administrative units again.
            "TEST": {"NAME": str(WORK_DIR / ".test-ocop.sqlite3")},
            # Keep the connection across requests: opening one (and its PRAGMAs) cost more than a scan.
            "CONN_MAX_AGE": 60,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the rate-limit counters. Local memory (the default) counts per process: right for one
# server. Several processes or servers share counts through OCOP_CACHE_URL=redis://127.0.0.1:6379/0, or
# OCOP_CACHE_URL=db (a table in the database, created by `ocop migrate`: ocop/core/apps.py).
OCOP_CACHE_URL = os.environ.get("OCOP_CACHE_URL", "")
if OCOP_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    # Short timeouts: a cache that hangs must not hold requests (the limits fail open, ocop/core/throttle.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": OCOP_CACHE_URL,
            "KEY_PREFIX": "ocop",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
elif OCOP_CACHE_URL == "db":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ocop_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
elif OCOP_CACHE_URL:
    raise ValueError(f"OCOP_CACHE_URL: '{OCOP_CACHE_URL}' phải là redis://máy:cổng/số, hoặc db")
else:
    # One counter per client and window: room for 50,000 clients (a few MB) before the oldest are culled.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

# Django's checks with Vietnamese messages, plus letters and digits and no padded common word
# (ocop/accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "ocop.accounts.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "ocop.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "ocop.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "ocop.accounts.passwords.NumericPasswordValidator"},
    {"NAME": "ocop.accounts.passwords.LettersAndDigitsValidator"},
    {"NAME": "ocop.accounts.passwords.VietnameseCommonWordsValidator"},
]
# Every login (site, Django admin, tests) goes through the lockout (stored in the database, so all app
# servers agree). OCOP_LOCKOUT_USERNAME failed logins for one username from one client, or OCOP_LOCKOUT_IP
# from one client whatever the username, within the window lock that pair or that client for lock_minutes.
# A username guessed from many clients (OCOP_LOCKOUT_USERNAME_GLOBAL failures from anywhere within
# global_window_minutes) is locked for global_lock_minutes, but only for clients that have not signed in
# to it within known_days: an attacker cannot keep the real user out of the addresses they work from, and
# from a new address the user unlocks with «Quên mật khẩu?».
AUTHENTICATION_BACKENDS = ["ocop.accounts.backends.LockoutBackend"]
OCOP_LOCKOUT = {
    "username": int(os.environ.get("OCOP_LOCKOUT_USERNAME", "5")),
    "ip": int(os.environ.get("OCOP_LOCKOUT_IP", "20")),
    "window_minutes": int(os.environ.get("OCOP_LOCKOUT_WINDOW_MINUTES", "15")),
    "lock_minutes": int(os.environ.get("OCOP_LOCKOUT_MINUTES", "15")),
    "username_global": int(os.environ.get("OCOP_LOCKOUT_USERNAME_GLOBAL", "50")),
    "global_window_minutes": int(os.environ.get("OCOP_LOCKOUT_GLOBAL_WINDOW_MINUTES", "60")),
    "global_lock_minutes": int(os.environ.get("OCOP_LOCKOUT_GLOBAL_MINUTES", "60")),
    "known_days": int(os.environ.get("OCOP_LOCKOUT_KNOWN_DAYS", "90")),
}
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "registry:product_list"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = WORK_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("OCOP_MEDIA_ROOT", WORK_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Evidence and inspection photos: outside the web root, served only by views that check access
# (ocop/core/private.py). Only public media (product photos) lives under MEDIA_ROOT.
OCOP_PRIVATE_ROOT = Path(os.environ.get("OCOP_PRIVATE_ROOT", WORK_DIR / "private"))
if OCOP_PRIVATE_ROOT.resolve().is_relative_to(MEDIA_ROOT.resolve()):
    raise ValueError("OCOP_PRIVATE_ROOT không được nằm trong OCOP_MEDIA_ROOT (thư mục ai cũng tải được).")
# Upload limits in MB per kind, enforced by the services (the pages, the API and the CLI alike).
OCOP_UPLOAD_MAX_MB = {
    "evidence": int(os.environ.get("OCOP_EVIDENCE_MAX_MB", "20")),
    "photo": int(os.environ.get("OCOP_PHOTO_MAX_MB", "10")),
    "import": int(os.environ.get("OCOP_IMPORT_MAX_MB", "20")),
}
# Largest photo accepted, in megapixels, read from the header before any decoding (ocop/core/images.py): a
# phone saves 12–24 MP by default; a 6 kB PNG can declare 49 MP and cost 560 MB to decode.
OCOP_PHOTO_MAX_MEGAPIXELS = int(os.environ.get("OCOP_PHOTO_MAX_MEGAPIXELS", "40"))
# Spreadsheet imports (ocop/registry/tabular.py): data rows per file (a province's list is a few thousand;
# the whole country's about 17,000), what an .xlsx may inflate to, and the size above which the web import
# runs as a background job (`ocop db_worker`) with a progress page instead of inside the request.
OCOP_IMPORT_MAX_ROWS = int(os.environ.get("OCOP_IMPORT_MAX_ROWS", "50000"))
OCOP_IMPORT_MAX_UNCOMPRESSED_MB = int(os.environ.get("OCOP_IMPORT_MAX_UNCOMPRESSED_MB", "100"))
OCOP_IMPORT_BACKGROUND_ROWS = int(os.environ.get("OCOP_IMPORT_BACKGROUND_ROWS", "2000"))


def _mailer(env) -> dict:
    """The default mailer from the environment: OCOP_EMAIL_URL (smtp://user:password@host:port, smtp+tls://
    for STARTTLS, smtps:// for TLS from the start; user and password percent-encoded), else
    OCOP_EMAIL_HOST/PORT/USER/PASSWORD/USE_TLS/USE_SSL, else OCOP_EMAIL_BACKEND alone; unset, mail is printed
    on the console (a laptop). SMTP waits OCOP_EMAIL_TIMEOUT seconds at most: a reset mail is sent while
    the person waits for the page."""
    from urllib.parse import unquote, urlsplit

    smtp = "django.core.mail.backends.smtp.EmailBackend"
    backend = env.get("OCOP_EMAIL_BACKEND", "")
    url, host = env.get("OCOP_EMAIL_URL", ""), env.get("OCOP_EMAIL_HOST", "")
    timeout = float(env.get("OCOP_EMAIL_TIMEOUT", "10"))
    if url:
        parts = urlsplit(url)
        schemes = {"smtp": (False, False), "smtp+tls": (True, False), "smtps": (False, True)}
        try:
            port = parts.port
        except ValueError:
            port = -1
        if parts.scheme not in schemes or not parts.hostname or port == -1:
            raise ValueError(
                f"OCOP_EMAIL_URL: '{parts.scheme}://{parts.hostname or ''}…' phải có dạng "
                "smtp://tên:mật_khẩu@máy:cổng (smtp+tls:// cho STARTTLS, smtps:// cho TLS ngay từ đầu)"
            )
        use_tls, use_ssl = schemes[parts.scheme]
        options = {
            "host": parts.hostname,
            "port": port,
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": use_tls,
            "use_ssl": use_ssl,
        }
    elif host:
        options = {
            "host": host,
            "port": int(env["OCOP_EMAIL_PORT"]) if env.get("OCOP_EMAIL_PORT") else None,
            "username": env.get("OCOP_EMAIL_USER", ""),
            "password": env.get("OCOP_EMAIL_PASSWORD", ""),
            "use_tls": env_bool("OCOP_EMAIL_USE_TLS", False, env),
            "use_ssl": env_bool("OCOP_EMAIL_USE_SSL", False, env),
        }
        if options["use_tls"] and options["use_ssl"]:
            raise ValueError("OCOP_EMAIL_USE_TLS và OCOP_EMAIL_USE_SSL: chỉ bật một trong hai.")
    elif backend == smtp:
        options = {"host": "localhost"}  # the machine's own mail server (Django's old EMAIL_HOST default)
    else:
        return {"BACKEND": backend or "django.core.mail.backends.console.EmailBackend"}
    return {"BACKEND": backend or smtp, "OPTIONS": {**options, "timeout": timeout}}


MAILERS = {"default": _mailer(os.environ)}
DEFAULT_FROM_EMAIL = os.environ.get("OCOP_DEFAULT_FROM_EMAIL", "OCOP <noreply@localhost>")
# Password reset links (/tai-khoan/quen-mat-khau/) work once, for this many minutes.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("OCOP_PASSWORD_RESET_MINUTES", "60")) * 60

# Background work is stored in the database and run by `ocop db_worker` (no broker). The daily reminder
# job is enqueued by `ocop reminders --enqueue` from cron / a systemd timer, or run in place by
# `ocop reminders`. OCOP_TASKS_BACKEND=django.tasks.backends.immediate.ImmediateBackend runs tasks inline.
TASKS = {"default": {"BACKEND": os.environ.get("OCOP_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OCOP_LOG_LEVEL", "WARNING")},
}

# Public holidays that legal deadlines skip (dd/mm/yyyy, comma-separated), e.g. Tết and 2/9.
OCOP_HOLIDAYS = [
    d.strip()
    for d in os.environ.get(
        "OCOP_HOLIDAYS",
        "01/01/2026,16/02/2026,17/02/2026,18/02/2026,19/02/2026,20/02/2026,27/04/2026,30/04/2026,01/05/2026,"
        "01/09/2026,02/09/2026,01/01/2027",
    ).split(",")
    if d.strip()
]

# Traceability. The host printed in stamp QR codes, and the keys that make stamp codes unforgeable (see
# ocop/traceability/stampkeys.py and docs/security.md, "Stamp keys"). OCOP_STAMP_KEYS = "k2:<secret>,
# k1:<secret>": the first issues new batches, every listed key verifies the batches issued under it, and
# removing a key makes its stamps read as forged. OCOP_STAMP_KEYS_RETIRED = "k1": still verify, never
# issue, their stamps read «Cần lưu ý». Without OCOP_STAMP_KEYS, OCOP_STAMP_KEY alone is key "k1" (it also
# keys the scanners' fingerprints). `ocop stamps rotate-key` prints a new value.
OCOP_PUBLIC_URL = os.environ.get("OCOP_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
OCOP_STAMP_KEY = os.environ.get("OCOP_STAMP_KEY", "stamps:" + SECRET_KEY)
OCOP_STAMP_KEYS = os.environ.get("OCOP_STAMP_KEYS", "")
OCOP_STAMP_KEYS_RETIRED = os.environ.get("OCOP_STAMP_KEYS_RETIRED", "")
OCOP_STAMP_BATCH_MAX = int(os.environ.get("OCOP_STAMP_BATCH_MAX", "10000000"))
# Copied-stamp rules: distinct devices scanning one stamp within 24 hours / 7 days, and provinces within
# 30 days, at or above which the stamp is flagged.
OCOP_SCAN_RULES = {
    "burst_24h": int(os.environ.get("OCOP_SCAN_BURST_24H", "3")),
    "many_7d": int(os.environ.get("OCOP_SCAN_MANY_7D", "10")),
    "provinces": int(os.environ.get("OCOP_SCAN_PROVINCES", "3")),
}
# The scan log is written behind the response, in batches (ocop/traceability/scanlog.py): every this many
# seconds, or sooner once this many rows wait. 0 writes each scan at once.
OCOP_SCAN_LOG_DELAY = float(os.environ.get("OCOP_SCAN_LOG_DELAY", "0.2"))
OCOP_SCAN_LOG_BATCH = int(os.environ.get("OCOP_SCAN_LOG_BATCH", "500"))
# Inspection watchlist: scans of the last this many days count as signals (ocop/monitoring/watchlist.py).
OCOP_WATCH_SCAN_DAYS = int(os.environ.get("OCOP_WATCH_SCAN_DAYS", "90"))
# Stamp batches whose scan-page data each app server keeps in memory (ocop/traceability/cards.py).
OCOP_SCAN_CACHE_BATCHES = int(os.environ.get("OCOP_SCAN_CACHE_BATCHES", "4096"))

# Rate limits per client (ocop/core/throttle.py): "off", or name=requests/seconds entries replacing the
# defaults of ocop/core/ratelimit.py (scan=600/60,search=120/60,login=30/300,second_factor=30/300,
# password_reset=10/3600,reset_mail=3/3600,api=600/60,report=10/3600,report_stamp=10/3600), e.g.
# "login=10/300". reset_mail counts the reset mails sent to one address (ocop/accounts/forms.py) and
# report_stamp the fake reports about one stamp (ocop/traceability/services.py), not requests.
OCOP_RATE_LIMITS = os.environ.get("OCOP_RATE_LIMITS", "")
try:  # a typo stops the start with a message, not the limits silently
    ratelimit.parse_limits(OCOP_RATE_LIMITS)
except ratelimit.SettingError as e:
    raise ImproperlyConfigured(e.message) from None
# Which requests count against which limit: (limit, methods ("" = any), path regex, only with a query
# string, counted per "ip" or per "user" — the token or logged-in user, else the address).
OCOP_RATE_LIMIT_RULES = [
    ("scan", "", r"^/(?:t|01|kiem-tra-tem)/", False, "ip"),
    ("search", "GET HEAD", r"^/$", True, "ip"),
    ("search", "GET HEAD", r"^/api/v1/public/products$", False, "ip"),
    ("login", "POST", r"^/(?:tai-khoan/dang-nhap|admin/login)/$", False, "ip"),
    # The login's code step; the account's second-factor pages (they take a code or the password) per user.
    ("second_factor", "POST", r"^/tai-khoan/dang-nhap/ma-xac-thuc/$", False, "ip"),
    ("second_factor", "POST", r"^/tai-khoan/xac-thuc-hai-lop/", False, "user"),
    # Asking for the mail and setting the new password.
    ("password_reset", "POST", r"^/tai-khoan/quen-mat-khau/", False, "ip"),
    # A consumer's report of a suspected fake (also counted as a scan page by the first rule).
    ("report", "POST", r"^/kiem-tra-tem/bao-gia/$", False, "ip"),
    ("api", "", r"^/api/v1/", False, "user"),
]
OCOP_RATE_LIMIT_CACHE = "default"
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated), e.g. the
# nginx in front: "127.0.0.1". Unset, the header is ignored, as any client can write it. Every reading of
# the client's address goes through ocop.core.throttle.client_address: rate limits, the login lockout, the
# scan log's device identity and the fake reports.
OCOP_TRUSTED_PROXIES = os.environ.get("OCOP_TRUSTED_PROXIES", "")
try:
    ratelimit.parse_networks(OCOP_TRUSTED_PROXIES)
except ratelimit.SettingError as e:
    raise ImproperlyConfigured(e.message) from None
