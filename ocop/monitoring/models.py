"""Post-certification monitoring (QĐ 26/2026 Điều 8–9): inspection campaigns and visits with the checklist,
findings with photos, remediation, follow-up and escalation to revocation; sales points with their
twice-yearly checks; reminders. State changes happen only in services.py, each with an audit entry."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.codes import random_code
from ocop.core.private import private_storage
from ocop.evaluation.models import Certificate
from ocop.registry.models import RegionQuerySet


def _public_id() -> str:
    return random_code(10)


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans are the office's and the inspectors' business: a producer or a commune never sees an
        unannounced campaign before the visit; they see the findings that concern them."""
        from ocop.accounts.models import Role
        from ocop.accounts.permissions import profile_of

        from .access import WATCH_ROLES

        p = profile_of(user)
        if p is None or p.role not in WATCH_ROLES:
            return self.none()
        return self if p.role == Role.NATIONAL else self.filter(province_id=p.province_id)


class Campaign(models.Model):
    """Kế hoạch / đợt kiểm tra: scheduled or unannounced, by an interdisciplinary team."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Định kỳ")
        UNANNOUNCED = "unannounced", _("Đột xuất")

    public_id = models.CharField(_("mã"), max_length=12, unique=True, default=_public_id, editable=False)
    province = models.ForeignKey("geo.Province", verbose_name=_("tỉnh"), on_delete=models.PROTECT)
    name = models.CharField(_("tên đợt kiểm tra"), max_length=200)
    kind = models.CharField(_("hình thức"), max_length=12, choices=Kind.choices, default=Kind.SCHEDULED)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    team = models.TextField(_("thành phần đoàn (cơ quan, người)"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt kiểm tra")
        verbose_name_plural = _("đợt kiểm tra")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(campaign__in=Campaign.objects.visible_to(user))


class Inspection(models.Model):
    """One producer visited in a campaign, with the checklist answers."""

    public_id = models.CharField(_("mã"), max_length=12, unique=True, default=_public_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="inspections")
    producer = models.ForeignKey(
        "registry.Producer", verbose_name=_("chủ thể"), on_delete=models.PROTECT, related_name="inspections"
    )
    planned_on = models.DateField(_("ngày dự kiến"), null=True, blank=True)
    visited_on = models.DateField(_("ngày kiểm tra"), null=True, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers = models.JSONField(_("kết quả theo danh mục"), default=dict, blank=True)
    note = models.TextField(_("ghi chú"), max_length=2000, blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("lượt kiểm tra")
        verbose_name_plural = _("lượt kiểm tra")
        ordering = ["planned_on", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "producer"], name="uniq_inspection")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.producer}"


class FindingQuerySet(RegionQuerySet):
    scope_paths = {
        "province": "inspection__producer__commune__province_id",
        "commune": "inspection__producer__commune_id",
        "producer": "inspection__producer_id",
    }

    def visible_to(self, user):
        """The region's findings for the roles of access.FINDING_ROLES; none for the others (a council or
        advisory-team member is province-scoped, but inspection material is not theirs to read)."""
        from .access import sees_findings

        return super().visible_to(user) if sees_findings(user) else self.none()


class Finding(models.Model):
    """Một phát hiện: what was wrong, how serious, what to fix by when, and where the case went."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("Nhẹ")
        MAJOR = "major", _("Nghiêm trọng")
        CRITICAL = "critical", _("Rất nghiêm trọng")

    class Status(models.TextChoices):
        OPEN = "open", _("Chờ khắc phục")
        RESOLVED = "resolved", _("Đã khắc phục")
        ESCALATED = "escalated", _("Đã đề nghị thu hồi")
        REVOKED = "revoked", _("Đã thu hồi giấy chứng nhận")

    # A finding's steps: fixed (the follow-up visit), or proposed for revocation and then revoked.
    TRANSITIONS = {
        Status.OPEN: frozenset({Status.RESOLVED, Status.ESCALATED}),
        Status.ESCALATED: frozenset({Status.REVOKED}),
        Status.RESOLVED: frozenset(),
        Status.REVOKED: frozenset(),
    }

    public_id = models.CharField(_("mã"), max_length=12, unique=True, default=_public_id, editable=False)
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    product = models.ForeignKey(
        "registry.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="findings"
    )
    item = models.CharField(_("nội dung kiểm tra"), max_length=40)
    severity = models.CharField(_("mức độ"), max_length=10, choices=Severity.choices)
    note = models.TextField(_("mô tả"), max_length=2000)
    remediation = models.TextField(_("yêu cầu khắc phục"), max_length=2000)
    due = models.DateField(_("hạn khắc phục"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(_("báo cáo khắc phục của chủ thể"), max_length=2000, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    ground = models.CharField(
        _("căn cứ đề nghị thu hồi"), max_length=2, choices=Certificate.Ground.choices, blank=True
    )
    proposal = models.TextField(_("nội dung đề nghị thu hồi"), max_length=2000, blank=True)
    proposed_on = models.DateField(_("ngày đề nghị"), null=True, blank=True)
    certificate = models.ForeignKey(
        "evaluation.Certificate", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("phát hiện")
        verbose_name_plural = _("phát hiện")
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["status", "due"])]

    def __str__(self) -> str:
        return f"{self.product} · {self.item}"

    def overdue(self, today: datetime.date | None = None) -> bool:
        return self.status == self.Status.OPEN and (today or datetime.date.today()) > self.due

    @property
    def decision_due(self) -> datetime.date | None:
        """QĐ 26/2026 Điều 8 khoản 4: the revocation is decided within 15 days of the conclusion."""
        return self.proposed_on + datetime.timedelta(days=15) if self.proposed_on else None


class FindingPhoto(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="photos")
    # Always a JPEG re-encoded without metadata, outside the web root (core.private).
    image = models.FileField(_("ảnh"), storage=private_storage, upload_to="findings/", max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.image.name


class FollowUp(models.Model):
    """Kiểm tra lại: the visit that checks whether the remediation was done."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="followups")
    visited_on = models.DateField(_("ngày kiểm tra lại"))
    fixed = models.BooleanField(_("đã khắc phục"))
    note = models.TextField(_("ghi chú"), max_length=2000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.finding_id} · {self.visited_on}"


class SalesPointQuerySet(RegionQuerySet):
    scope_paths = {
        "province": "commune__province_id",
        "commune": "commune_id",
        "producer": "products__producer_id",
    }

    def visible_to(self, user):
        return super().visible_to(user).distinct()


class SalesPoint(models.Model):
    """Điểm giới thiệu và bán sản phẩm OCOP."""

    public_id = models.CharField(_("mã"), max_length=12, unique=True, default=_public_id, editable=False)
    name = models.CharField(_("tên điểm bán"), max_length=200)
    commune = models.ForeignKey("geo.Commune", verbose_name=_("xã, phường"), on_delete=models.PROTECT)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    lat = models.DecimalField(_("vĩ độ"), max_digits=8, decimal_places=5, null=True, blank=True)
    lon = models.DecimalField(_("kinh độ"), max_digits=8, decimal_places=5, null=True, blank=True)
    operator = models.CharField(_("đơn vị, người vận hành"), max_length=200)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    opened_on = models.DateField(_("ngày mở"), null=True, blank=True)
    products = models.ManyToManyField(
        "registry.Product", verbose_name=_("sản phẩm bày bán"), blank=True, related_name="sales_points"
    )
    active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SalesPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("điểm giới thiệu và bán sản phẩm OCOP")
        verbose_name_plural = _("điểm giới thiệu và bán sản phẩm OCOP")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class SalesPointCheck(models.Model):
    """One of the twice-yearly checks, with the effectiveness score (monitoring/effectiveness.py)."""

    sales_point = models.ForeignKey(SalesPoint, on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField(_("ngày kiểm tra"))
    year = models.PositiveSmallIntegerField()
    half = models.PositiveSmallIntegerField()  # 1: January–June, 2: July–December
    levels = models.JSONField(_("mức đánh giá từng nội dung"))
    score = models.PositiveSmallIntegerField(_("điểm hiệu quả"))
    products_seen = models.PositiveIntegerField(_("số sản phẩm OCOP đang bày bán"), default=0)
    note = models.TextField(_("ghi chú"), max_length=2000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-checked_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sales_point", "year", "half"], name="uniq_sales_point_check_half"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sales_point} · {self.checked_on}: {self.score}"


class Reminder(models.Model):
    """A reminder for one user about one thing due, created once (the key makes the daily job idempotent)
    and mailed once."""

    class Kind(models.TextChoices):
        WINDOW_OPENS = "window_opens", _("Mở thời hạn đánh giá lại")
        WINDOW_CLOSES = "window_closes", _("Sắp hết thời hạn nộp hồ sơ đánh giá lại")
        REMEDIATION = "remediation", _("Hạn khắc phục")
        COUNCIL = "council", _("Hạn chấm điểm của hội đồng")
        SCREENING = "screening", _("Hạn rà soát của cấp xã")
        RESTAMP = "restamp", _("Dán lại tem OCOP")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=80)  # what it is about and which step, e.g. "finding:AB12:overdue"
    due = models.DateField(_("hạn"))
    message = models.TextField()
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "key"], name="uniq_reminder")]

    def __str__(self) -> str:
        return f"{self.user} · {self.key}"
