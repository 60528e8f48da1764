"""Account writes: login failures and lockouts, the second factor, passwords, API tokens."""

import datetime
import hashlib
import hmac
import logging
import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ocop.core.audit import audit_entry
from ocop.core.codes import ALPHABET, random_code
from ocop.core.errors import OcopError, PermissionDenied

from . import totp
from .models import (
    TWO_FACTOR_ROLES,
    ApiToken,
    KnownClient,
    Lockout,
    LoginFailure,
    RecoveryCode,
    Role,
    TokenScope,
    TwoFactor,
)
from .permissions import profile_of

log = logging.getLogger("ocop.security")

RECOVERY_CODES = 10
TOKEN_MAX_DAYS = 366


def _rules() -> dict:
    return settings.OCOP_LOCKOUT


def normalize_username(username: str) -> str:
    # Case variants of one name share a counter, so they cannot be used to get more tries.
    return (username or "").strip().lower()[:150]


# Lockout ------------------------------------------------------------------------------------------------
#
# Three counters over LoginFailure, each locking its own key (settings.OCOP_LOCKOUT):
# - a username from one client address: 5 failures in 15 minutes lock that pair, so guessing from one
#   place stops without keeping the real user out of their own office or phone;
# - a client address, whatever the usernames: 20 in 15 minutes (one client guessing many accounts);
# - a username from anywhere: 50 in an hour lock it for an hour, but only for clients that have not signed
#   in to it within 90 days (KnownClient). Guessing from many addresses is slowed to ~50 tries an hour, the
#   real user keeps working from their usual addresses, and from a new one «Quên mật khẩu?» unlocks it.
# Unknown clients (no address: authenticate() without a request) are never "known".


def _known(ip: str | None) -> bool:
    return bool(ip) and ip != "unknown"


def lock_until(*, username: str, ip: str | None) -> datetime.datetime | None:
    """When this username may try again from this client, or None if it may try now."""
    rules, now = _rules(), timezone.now()
    name = normalize_username(username)
    q = Lockout.objects.filter(kind=Lockout.Kind.USERNAME_IP, value=name, ip=ip or "")
    if ip:
        q = q | Lockout.objects.filter(kind=Lockout.Kind.IP, value=ip, ip="")
    q = q | Lockout.objects.filter(kind=Lockout.Kind.USERNAME, value=name, ip="")
    locks = [lk for lk in q.filter(until__gt=now)]
    if any(lk.kind == Lockout.Kind.USERNAME for lk in locks) and _known(ip):
        since = now - datetime.timedelta(days=rules["known_days"])
        if KnownClient.objects.filter(username=name, ip=ip, last_login_at__gte=since).exists():
            locks = [lk for lk in locks if lk.kind != Lockout.Kind.USERNAME]
    return max((lk.until for lk in locks), default=None)


def lockout_message(until: datetime.datetime) -> str:
    local = timezone.localtime(until)
    minutes = max(1, -(-int((until - timezone.now()).total_seconds()) // 60))
    return _(
        "Đăng nhập sai quá nhiều lần nên tạm bị khóa. Hãy thử lại sau %(time)s ngày %(date)s "
        "(khoảng %(minutes)d phút nữa). Quên mật khẩu thì dùng «Quên mật khẩu?» để đặt lại qua thư điện tử."
    ) % {"time": local.strftime("%H:%M"), "date": formats.date_format(local, "d/m/Y"), "minutes": minutes}


@transaction.atomic
def login_failure_record(
    *, username: str, ip: str | None, reason: str = LoginFailure.Reason.PASSWORD
) -> None:
    """Count one failed attempt; lock the (username, client) pair, the client or the username (for
    clients it does not know) when its counter reaches its limit."""
    rules, now = _rules(), timezone.now()
    name = normalize_username(username)
    day_ago = now - datetime.timedelta(days=1)
    LoginFailure.objects.filter(at__lt=day_ago).delete()
    Lockout.objects.filter(until__lt=day_ago).delete()
    LoginFailure.objects.create(username=name, ip=ip or "", reason=reason)
    since = now - datetime.timedelta(minutes=rules["window_minutes"])
    checks = [
        (
            Lockout.Kind.USERNAME_IP,
            name,
            ip or "",
            LoginFailure.objects.filter(username=name, ip=ip or "", at__gte=since),
            rules["username"],
            rules["window_minutes"],
            rules["lock_minutes"],
        ),
        (
            Lockout.Kind.USERNAME,
            name,
            "",
            LoginFailure.objects.filter(
                username=name, at__gte=now - datetime.timedelta(minutes=rules["global_window_minutes"])
            ),
            rules["username_global"],
            rules["global_window_minutes"],
            rules["global_lock_minutes"],
        ),
    ]
    if ip:
        checks.append(
            (
                Lockout.Kind.IP,
                ip,
                "",
                LoginFailure.objects.filter(ip=ip, at__gte=since),
                rules["ip"],
                rules["window_minutes"],
                rules["lock_minutes"],
            )
        )
    for kind, value, client, failures, limit, window, minutes in checks:
        count = failures.count()
        if count < limit:
            continue
        lock, _created = Lockout.objects.update_or_create(
            kind=kind,
            value=value,
            ip=client,
            defaults={"until": now + datetime.timedelta(minutes=minutes), "failures": count},
        )
        user = get_user_model().objects.filter(username__iexact=name).first() if kind != "ip" else None
        audit_entry(
            lock,
            actor=user,
            action="accounts.lockout",
            note=_("%(key)s: %(n)d lần đăng nhập sai trong %(w)d phút, khóa đến %(until)s")
            % {
                "key": lock,
                "n": count,
                "w": window,
                "until": timezone.localtime(lock.until).strftime("%H:%M"),
            },
        )
        log.warning(
            "login lockout: %s=%s %s after %d failures, until %s", kind, value, client, count, lock.until
        )


@transaction.atomic
def login_success_reset(*, username: str, ip: str | None) -> None:
    """A successful login from a client clears that pair's failures and remembers the client as one the
    username signs in from. Not the address's failures (one valid account must not reset the counter of a
    client guessing other accounts' passwords), nor the other clients' (the real user signing in must not
    give an attacker elsewhere a fresh set of tries)."""
    name, now = normalize_username(username), timezone.now()
    LoginFailure.objects.filter(username=name, ip=ip or "").delete()
    Lockout.objects.filter(kind=Lockout.Kind.USERNAME_IP, value=name, ip=ip or "", until__lte=now).delete()
    if _known(ip):
        KnownClient.objects.update_or_create(username=name, ip=ip, defaults={"last_login_at": now})
        stale = now - datetime.timedelta(days=_rules()["known_days"])
        KnownClient.objects.filter(username=name, last_login_at__lt=stale).delete()


# Second factor ------------------------------------------------------------------------------------------


def two_factor_allowed(user) -> bool:
    p = profile_of(user)
    return p is not None and p.role in TWO_FACTOR_ROLES


def two_factor_enabled(user) -> bool:
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()


def _recovery_hash(code: str) -> str:
    plain = "".join(code.split()).replace("-", "").upper()
    return salted_hmac("ocop.accounts.recovery", plain, algorithm="sha256").hexdigest()


def _new_recovery_codes(user) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{random_code(5)}-{random_code(5)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_recovery_hash(c)) for c in codes)
    return codes


@transaction.atomic
def two_factor_start(*, user) -> TwoFactor:
    """The secret to show on the enrolment page (kept until confirmed, so reloading shows the same QR)."""
    if not two_factor_allowed(user):
        raise PermissionDenied("two_factor_role", _("Vai trò của bạn không dùng xác thực hai lớp."))
    device, _created = TwoFactor.objects.select_for_update().get_or_create(
        user=user, defaults={"secret": totp.new_secret()}
    )
    if device.confirmed_at:
        raise OcopError(
            "two_factor_enabled", _("Xác thực hai lớp đã bật. Muốn đổi điện thoại, hãy tắt rồi bật lại.")
        )
    return device


@transaction.atomic
def two_factor_confirm(*, user, code: str, at: float | None = None) -> list[str]:
    """Turn the second factor on with a first code from the app; returns the recovery codes (shown once)."""
    device = TwoFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    if device is None:
        raise OcopError("two_factor_not_started", _("Hãy mở lại trang bật xác thực hai lớp để lấy mã QR."))
    step = totp.verify(device.secret, code, at=time.time() if at is None else at)
    if step is None:
        raise OcopError(
            "code_wrong",
            _("Mã không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng (kiểm tra giờ trên điện thoại)."),
            field="code",
        )
    device.confirmed_at, device.last_step = timezone.now(), step
    device.save(update_fields=["confirmed_at", "last_step"])
    codes = _new_recovery_codes(user)
    audit_entry(user, actor=user, action="accounts.two_factor_enable", note=_("Bật xác thực hai lớp"))
    return codes


@transaction.atomic
def second_factor_check(*, user, code: str, at: float | None = None) -> bool:
    """Whether `code` is the current app code (never one already used) or an unused recovery code, which
    is then spent."""
    device = TwoFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return False
    step = totp.verify(device.secret, code, at=time.time() if at is None else at, last_step=device.last_step)
    if step is not None:
        device.last_step = step
        device.save(update_fields=["last_step"])
        return True
    spent = RecoveryCode.objects.filter(
        user=user, code_hash=_recovery_hash(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    if spent:
        left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
        audit_entry(
            user,
            actor=user,
            action="accounts.recovery_code_use",
            note=_("Đăng nhập bằng mã khôi phục, còn %(n)d mã") % {"n": left},
        )
    return bool(spent)


@transaction.atomic
def recovery_codes_regenerate(
    *, user, code: str = "", password: str = "", at: float | None = None
) -> list[str]:
    """New recovery codes for one's own second factor (shown once); the old ones stop working. Asks for a
    current app code, or the password: an open session alone is not enough to get codes that skip the
    phone."""
    device = TwoFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        raise OcopError("two_factor_off", _("Xác thực hai lớp chưa bật nên không có mã khôi phục."))
    code, password = "".join((code or "").split()), password or ""
    if code:
        # Only an app code: a recovery code must not buy a fresh set of recovery codes.
        step = totp.verify(
            device.secret, code, at=time.time() if at is None else at, last_step=device.last_step
        )
        if step is None:
            raise OcopError(
                "code_wrong",
                _("Mã không đúng hoặc đã dùng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng."),
                field="code",
            )
        device.last_step = step
        device.save(update_fields=["last_step"])
    elif password:
        if not user.check_password(password):
            raise OcopError("password_wrong", _("Mật khẩu không đúng."), field="password")
    else:
        raise OcopError(
            "confirmation_required",
            _("Hãy nhập mã 6 chữ số trong ứng dụng xác thực, hoặc mật khẩu của bạn."),
            field="code",
        )
    codes = _new_recovery_codes(user)
    audit_entry(
        user,
        actor=user,
        action="accounts.recovery_codes_regenerate",
        note=_("Tạo %(n)d mã khôi phục mới, các mã cũ hết hiệu lực") % {"n": len(codes)},
    )
    return codes


@transaction.atomic
def two_factor_disable(*, user, password: str) -> None:
    """Turn the second factor off; the password is asked again (a session left open is not enough)."""
    if not user.check_password(password):
        raise OcopError("password_wrong", _("Mật khẩu không đúng."), field="password")
    TwoFactor.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit_entry(user, actor=user, action="accounts.two_factor_disable", note=_("Tắt xác thực hai lớp"))


# Password -----------------------------------------------------------------------------------------------


def _check_rules(new_password: str, user) -> None:
    """The password rules (settings.AUTH_PASSWORD_VALIDATORS), their messages as one error on the field."""
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise OcopError("password_weak", " ".join(exc.messages), field="new_password") from exc


@transaction.atomic
def password_change(*, user, old_password: str, new_password: str) -> None:
    """Change one's own password under the password rules (settings.AUTH_PASSWORD_VALIDATORS)."""
    if not user.check_password(old_password):
        raise OcopError("password_wrong", _("Mật khẩu hiện tại không đúng."), field="old_password")
    if new_password == old_password:
        raise OcopError("password_same", _("Mật khẩu mới phải khác mật khẩu hiện tại."), field="new_password")
    _check_rules(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_entry(user, actor=user, action="accounts.password_change", note=_("Đổi mật khẩu"))


@transaction.atomic
def password_reset(*, user, token: str, new_password: str) -> None:
    """Set a forgotten password from the link mailed by the reset page (Django's token: it expires after
    PASSWORD_RESET_TIMEOUT and is spent once the password changes). The username's failed logins and its
    lockout are cleared: whoever reads the account's mailbox has proved more than a password would."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    # Checked again under the row lock: two tabs posting the same link set the password once.
    if not user.is_active or not default_token_generator.check_token(user, token):
        raise OcopError(
            "reset_link_invalid",
            _(
                "Liên kết đặt lại mật khẩu không còn dùng được (đã dùng hoặc đã hết hạn). "
                "Hãy yêu cầu liên kết mới."
            ),
        )
    _check_rules(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    name = normalize_username(user.get_username())
    LoginFailure.objects.filter(username=name).delete()
    unlocked = Lockout.objects.filter(
        kind__in=[Lockout.Kind.USERNAME, Lockout.Kind.USERNAME_IP], value=name
    ).delete()[0]
    note = (
        _("Đặt lại mật khẩu qua thư điện tử, gỡ tạm khóa đăng nhập")
        if unlocked
        else _("Đặt lại mật khẩu qua thư điện tử")
    )
    audit_entry(user, actor=user, action="accounts.password_reset", note=note)
    log.info("password reset by e-mail: user %s, lockout cleared: %s", user.pk, bool(unlocked))


# API tokens ---------------------------------------------------------------------------------------------


def _token_hash(secret: str) -> str:
    # The secret has 256 random bits: a plain SHA-256 cannot be reversed, no slow hash needed.
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, actor, owner, name: str, scopes: list[str], expires_on: datetime.date
) -> tuple[ApiToken, str]:
    """A new key for `owner`; returns the row and the full key `ocop_<prefix>_<secret>` (shown once)."""
    if actor is not None and actor.pk != owner.pk and profile_of(actor) is not None:
        if profile_of(actor).role != Role.NATIONAL:
            raise PermissionDenied("forbidden", _("Chỉ tạo được khóa API cho chính mình."))
    name = (name or "").strip()
    if not name:
        raise OcopError(
            "name_required", _("Hãy đặt tên cho khóa (ví dụ tên hệ thống sẽ dùng nó)."), field="name"
        )
    scopes = sorted(set(scopes))
    if not scopes or any(s not in TokenScope.values for s in scopes):
        raise OcopError(
            "scopes_invalid",
            _("Hãy chọn quyền của khóa: %(allowed)s.") % {"allowed": ", ".join(TokenScope.values)},
            field="scopes",
        )
    today = timezone.localdate()
    if expires_on <= today or expires_on > today + datetime.timedelta(days=TOKEN_MAX_DAYS - 1):
        raise OcopError(
            "expiry_invalid",
            _("Ngày hết hạn phải sau hôm nay và không quá một năm (muộn nhất %(last)s).")
            % {"last": formats.date_format(today + datetime.timedelta(days=TOKEN_MAX_DAYS - 1), "d/m/Y")},
            field="expires_on",
        )
    prefix = random_code(8)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = random_code(8)
    secret = secrets.token_urlsafe(32)
    expires_at = timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.max))
    token = ApiToken.objects.create(
        prefix=prefix,
        secret_hash=_token_hash(secret),
        owner=owner,
        name=name,
        scopes=scopes,
        expires_at=expires_at,
    )
    audit_entry(
        token,
        actor=actor,
        action="accounts.token_create",
        after={"name": name, "owner": owner, "scopes": scopes, "expires_at": expires_at},
    )
    return token, f"ocop_{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a key at once (its owner, or the national administrator, or the system)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    p = profile_of(actor) if actor is not None else None
    if actor is not None and actor.pk != token.owner_id and (p is None or p.role != Role.NATIONAL):
        raise PermissionDenied("forbidden", _("Bạn chỉ thu hồi được khóa API của mình."))
    if token.revoked_at is not None:
        raise OcopError("token_revoked", _("Khóa này đã bị thu hồi từ trước."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_entry(
        token,
        actor=actor,
        action="accounts.token_revoke",
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at},
    )
    return token


class TokenRefused(OcopError):
    status = 401


def token_authenticate(raw: str, *, method: str):
    """The owner of a valid key allowed to make a `method` request; raises TokenRefused (401) or
    PermissionDenied (403, missing scope)."""
    parts = raw.strip().split("_", 2)
    token = None
    if len(parts) == 3 and parts[0] == "ocop" and len(parts[1]) == 8 and set(parts[1]) <= set(ALPHABET):
        token = ApiToken.objects.select_related("owner").filter(prefix=parts[1]).first()
    if (
        token is None
        or not hmac.compare_digest(token.secret_hash, _token_hash(parts[2]))
        or not token.owner.is_active
    ):
        raise TokenRefused(
            "token_invalid", _("Khóa API không đúng. Hãy kiểm tra lại khóa (dạng ocop_XXXXXXXX_…).")
        )
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused(
            "token_revoked", _("Khóa API này đã bị thu hồi. Hãy tạo khóa mới ở trang Khóa API.")
        )
    if token.expires_at <= now:
        raise TokenRefused(
            "token_expired",
            _("Khóa API đã hết hạn ngày %(date)s. Hãy tạo khóa mới ở trang Khóa API.")
            % {"date": formats.date_format(timezone.localtime(token.expires_at), "d/m/Y")},
        )
    needed = TokenScope.READ if method in ("GET", "HEAD", "OPTIONS") else TokenScope.WRITE
    if needed not in token.scopes:
        raise PermissionDenied(
            "token_scope",
            _("Khóa API này không có quyền %(scope)s. Hãy tạo khóa có quyền đó.")
            % {"scope": TokenScope(needed).label},
        )
    # One write a minute at most per key, not one per request.
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(seconds=60):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.owner
