from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    NATIONAL = "national", _("Quản trị toàn quốc")
    PROVINCE = "province", _("Cơ quan OCOP cấp tỉnh")
    COMMUNE = "commune", _("Cán bộ cấp xã")
    COUNCIL = "council", _("Thành viên hội đồng")
    ADVISORY = "advisory", _("Tổ tư vấn")
    INSPECTOR = "inspector", _("Thanh tra, kiểm tra")
    PRODUCER = "producer", _("Chủ thể OCOP")


# Roles whose scope is one province, one commune or one producer; the national role sees everything.
PROVINCE_SCOPED = {Role.PROVINCE, Role.COUNCIL, Role.ADVISORY, Role.INSPECTOR}
# A council account without a province is a member of the national council (Hội đồng cấp trung ương, QĐ
# 26/2026 Điều 7 khoản 4 b): it sits only in central rounds. One with a province sits only in that province's
# rounds (Điều 7 khoản 3 b).
EDITOR_ROLES = {Role.NATIONAL, Role.PROVINCE, Role.COMMUNE, Role.PRODUCER}


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    province = models.ForeignKey(
        "geo.Province", verbose_name=_("tỉnh"), null=True, blank=True, on_delete=models.PROTECT
    )
    commune = models.ForeignKey(
        "geo.Commune", verbose_name=_("xã"), null=True, blank=True, on_delete=models.PROTECT
    )
    producer = models.ForeignKey(
        "registry.Producer",
        verbose_name=_("chủ thể"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )

    class Meta:
        verbose_name = _("hồ sơ người dùng")
        verbose_name_plural = _("hồ sơ người dùng")
        constraints = [
            models.CheckConstraint(
                name="profile_scope_matches_role",
                condition=(
                    models.Q(role="national")
                    | models.Q(role__in=["province", "advisory", "inspector"], province__isnull=False)
                    | models.Q(role="council")
                    | models.Q(role="commune", commune__isnull=False)
                    | models.Q(role="producer", producer__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


# Roles that may turn on the second login factor: everyone who works in the back office on public records.
TWO_FACTOR_ROLES = {Role.NATIONAL, Role.PROVINCE, Role.COMMUNE, Role.COUNCIL, Role.ADVISORY, Role.INSPECTOR}


class LoginFailure(models.Model):
    """One failed login (wrong password or wrong second-factor code), counted for the lockout rules."""

    class Reason(models.TextChoices):
        PASSWORD = "password", _("sai mật khẩu")
        CODE = "code", _("sai mã xác thực")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    username = models.CharField(_("tên đăng nhập"), max_length=150)
    # The client as the rate limits count it (ocop.core.ratelimit.client_key): an address, an IPv6 /64.
    ip = models.CharField(_("địa chỉ IP"), max_length=64, blank=True)
    reason = models.CharField(_("lý do"), max_length=10, choices=Reason.choices, default=Reason.PASSWORD)

    class Meta:
        verbose_name = _("lần đăng nhập sai")
        verbose_name_plural = _("lần đăng nhập sai")
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.username} {self.at:%d/%m/%Y %H:%M}"


class Lockout(models.Model):
    """A key refused until `until`, one row per key, updated in place: a username from one client address
    (the usual lock), a client address whatever the username, or a username from every address that has
    not signed in to it lately (the slower back-off against guessing from many addresses)."""

    class Kind(models.TextChoices):
        USERNAME_IP = "username_ip", _("tên đăng nhập từ một địa chỉ")
        IP = "ip", _("địa chỉ IP")
        USERNAME = "username", _("tên đăng nhập từ địa chỉ lạ")

    kind = models.CharField(_("loại"), max_length=11, choices=Kind.choices)
    value = models.CharField(_("giá trị"), max_length=150)
    # The client of a USERNAME_IP lock (as ocop.core.ratelimit.client_key counts it); empty otherwise.
    ip = models.CharField(_("địa chỉ IP"), max_length=64, blank=True, default="")
    until = models.DateTimeField(_("khóa đến"))
    failures = models.PositiveIntegerField(_("số lần sai"), default=0)

    class Meta:
        verbose_name = _("tạm khóa đăng nhập")
        verbose_name_plural = _("tạm khóa đăng nhập")
        constraints = [models.UniqueConstraint(fields=["kind", "value", "ip"], name="lockout_unique_key")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} {self.ip}".strip()


class KnownClient(models.Model):
    """A client address that signed in to a username (password and second factor) lately. The back-off
    of a username guessed from many addresses does not apply to these, so it cannot lock the real user
    out of the addresses they work from."""

    username = models.CharField(_("tên đăng nhập"), max_length=150)
    ip = models.CharField(_("địa chỉ IP"), max_length=64)
    last_login_at = models.DateTimeField(_("đăng nhập gần nhất"))

    class Meta:
        verbose_name = _("địa chỉ đã đăng nhập")
        verbose_name_plural = _("địa chỉ đã đăng nhập")
        constraints = [models.UniqueConstraint(fields=["username", "ip"], name="known_client_unique")]

    def __str__(self) -> str:
        return f"{self.username} {self.ip}"


class TwoFactor(models.Model):
    """The TOTP secret of a user. Enabled once confirmed with a first code."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor")
    secret = models.CharField(_("khóa bí mật"), max_length=64)
    confirmed_at = models.DateTimeField(_("bật lúc"), null=True, blank=True)
    # The time step of the last accepted code: the same code is never accepted twice.
    last_step = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("xác thực hai lớp")
        verbose_name_plural = _("xác thực hai lớp")

    def __str__(self) -> str:
        return str(self.user)


class RecoveryCode(models.Model):
    """A one-time code for when the phone is lost. Only a keyed hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã khôi phục")
        verbose_name_plural = _("mã khôi phục")

    def __str__(self) -> str:
        return str(self.user)


class TokenScope(models.TextChoices):
    READ = "read", _("Đọc (GET)")
    WRITE = "write", _("Ghi (POST, PUT, PATCH, DELETE)")


class ApiTokenQuerySet(models.QuerySet):
    def active(self, *, at=None):
        from django.utils import timezone

        return self.filter(revoked_at__isnull=True, expires_at__gt=at or timezone.now())


class ApiToken(models.Model):
    """A key for an integration: `ocop_<prefix>_<secret>`. The prefix is public (it names the key in lists
    and logs); only a SHA-256 of the secret is stored, so the key is shown once, at creation."""

    prefix = models.CharField(_("tiền tố"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chủ khóa"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("tên"), max_length=100)
    scopes = models.JSONField(_("quyền"), default=list)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(pgettext_lazy("date label", "hết hạn"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} (ocop_{self.prefix}_…)"

    @property
    def scope_labels(self) -> str:
        return ", ".join(str(TokenScope(s).label) for s in self.scopes)
