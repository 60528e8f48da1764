"""Traceability: production lots and their events, stamp batches and activations, the scan log, alerts.

Stamps are not rows: a batch reserves a range of the global stamp sequence (see stampcode.py) and an
activation assigns a sub-range of a batch to a lot. The scan log is the one high-volume table; on
PostgreSQL it is partitioned by month (migration 0002) and carries no foreign keys.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.core.codes import random_code
from ocop.registry.models import RegionQuerySet

PRODUCT_SCOPE = {
    "province": "product__commune__province_id",
    "commune": "product__commune_id",
    "producer": "product__producer_id",
}


def _public_id() -> str:
    return random_code(10)


def _batch_id() -> str:
    return random_code(8)


class ScopedQuerySet(RegionQuerySet):
    scope_paths = PRODUCT_SCOPE


class Lot(models.Model):
    public_id = models.CharField(_("mã"), max_length=12, unique=True, default=_public_id, editable=False)
    product = models.ForeignKey(
        "registry.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="lots"
    )
    code = models.CharField(_("mã lô"), max_length=20)
    produced = models.DateField(_("ngày sản xuất"))
    expires = models.DateField(_("hạn sử dụng"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("số lượng"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("lô sản xuất")
        verbose_name_plural = _("lô sản xuất")
        ordering = ["-produced", "-id"]
        constraints = [models.UniqueConstraint(fields=["product", "code"], name="lot_code_per_product")]

    def __str__(self) -> str:
        return self.code


class TraceEvent(models.Model):
    """One step of a lot's story (TCVN 12850: identify – capture – share): what, when, where, who."""

    class Kind(models.TextChoices):
        RAW = "raw", _("Nguyên liệu")
        PROCESSING = "processing", _("Sơ chế, chế biến")
        TESTING = "testing", _("Kiểm nghiệm")
        PACKING = "packing", _("Đóng gói")
        SHIPPING = "shipping", _("Vận chuyển, phân phối")

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("công đoạn"), max_length=12, choices=Kind.choices)
    occurred_on = models.DateField(_("ngày"))
    place = models.CharField(_("địa điểm"), max_length=200)
    actor = models.CharField(_("người, đơn vị thực hiện"), max_length=200)
    note = models.CharField(_("mô tả"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện truy xuất")
        verbose_name_plural = _("sự kiện truy xuất")
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d/%m/%Y}"


class StampCounter(models.Model):
    """One row: the next free position of the global stamp sequence (locked while a batch is issued)."""

    next_index = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.next_index)


class StampBatch(models.Model):
    public_id = models.CharField(
        _("mã lô tem"), max_length=10, unique=True, default=_batch_id, editable=False
    )
    product = models.ForeignKey(
        "registry.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="stamp_batches"
    )
    start = models.BigIntegerField(unique=True)  # first position in the global sequence
    count = models.PositiveIntegerField(_("số tem"))
    # The id of the key its codes were made with (OCOP_STAMP_KEYS), never the key itself: see stampkeys.py.
    key_id = models.CharField(_("khóa tem"), max_length=16, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt phát hành tem")
        verbose_name_plural = _("đợt phát hành tem")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.public_id


class Activation(models.Model):
    """Stamps number `first` … `last` (1-based within the batch, inclusive) are stuck on a lot."""

    batch = models.ForeignKey(StampBatch, on_delete=models.PROTECT, related_name="activations")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="activations")
    first = models.PositiveIntegerField(_("từ tem số"))
    last = models.PositiveIntegerField(_("đến tem số"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kích hoạt tem")
        verbose_name_plural = _("kích hoạt tem")
        ordering = ["batch", "first"]
        indexes = [models.Index(fields=["batch", "first"])]
        constraints = [
            models.CheckConstraint(
                name="activation_range", condition=Q(first__gte=1, last__gte=models.F("first"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.batch} #{self.first}-{self.last}"


class ScanEvent(models.Model):
    """One scan of a stamp URL. National volume: no foreign keys, narrow rows, partitioned by month on
    PostgreSQL (primary key (id, scanned_at))."""

    id = models.BigAutoField(primary_key=True)
    scanned_at = models.DateTimeField()
    stamp = models.BigIntegerField(null=True)  # position in the global sequence; null when unreadable
    batch_ref = models.IntegerField(null=True)
    product_ref = models.IntegerField(null=True)
    province_ref = models.PositiveSmallIntegerField(null=True)  # the product's province
    verdict = models.CharField(max_length=12)
    reasons = models.CharField(max_length=200, blank=True)
    fingerprint = models.CharField(max_length=16)  # keyed hashes of network + device (services.fingerprint)
    place_province = models.PositiveSmallIntegerField(null=True)  # where the scanner was, when shared
    lat = models.FloatField(null=True)  # rounded to 0.1° (≈ 11 km)
    lon = models.FloatField(null=True)

    class Meta:
        verbose_name = _("lượt quét tem")
        verbose_name_plural = _("lượt quét tem")
        indexes = [
            models.Index(fields=["stamp", "scanned_at"], name="scan_stamp_time"),
            models.Index(fields=["province_ref", "scanned_at"], name="scan_province_time"),
        ]

    def __str__(self) -> str:
        return f"{self.scanned_at:%Y-%m-%d %H:%M} {self.verdict}"


class AlertQuerySet(RegionQuerySet):
    # Reports about unknown codes have no product: the province is the alert's own.
    scope_paths = {
        "province": "province_id",
        "commune": "product__commune_id",
        "producer": "product__producer_id",
    }

    def open(self):
        return self.filter(status=ScanAlert.Status.OPEN)


class ScanAlert(models.Model):
    class Rule(models.TextChoices):
        BURST = "burst_24h", _("Quét nhiều lần trong 24 giờ")
        MANY = "many_7d", _("Quét nhiều lần trong 7 ngày")
        PROVINCES = "provinces", _("Quét ở nhiều tỉnh")
        REPORT = "report", _("Người tiêu dùng báo nghi giả")

    class Status(models.TextChoices):
        OPEN = "open", _("Chưa xử lý")
        CLOSED = "closed", _("Đã xử lý")

    TRANSITIONS = {Status.OPEN: frozenset({Status.CLOSED}), Status.CLOSED: frozenset()}

    public_id = models.CharField(_("mã"), max_length=12, unique=True, default=_public_id, editable=False)
    product = models.ForeignKey(
        "registry.Product",
        verbose_name=_("sản phẩm"),
        null=True,
        on_delete=models.CASCADE,
        related_name="scan_alerts",
    )
    province = models.ForeignKey("geo.Province", null=True, on_delete=models.PROTECT, related_name="+")
    stamp = models.BigIntegerField(null=True)
    code = models.CharField(_("mã tem"), max_length=40)
    rule = models.CharField(_("dấu hiệu"), max_length=12, choices=Rule.choices)
    scans = models.PositiveIntegerField(_("số lượt quét"), default=0)
    detail = models.CharField(_("chi tiết"), max_length=500, blank=True)
    first_seen = models.DateTimeField(_("lần đầu"))
    last_seen = models.DateTimeField(_("lần cuối"))
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_note = models.CharField(_("kết quả xử lý"), max_length=500, blank=True)
    # A consumer's report: who sent it, as a scan's fingerprint (network, device token; never the address),
    # so that one device's repeated reports on a stamp count once.
    fingerprint = models.CharField(max_length=16, blank=True, default="", editable=False)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("cảnh báo tem")
        verbose_name_plural = _("cảnh báo tem")
        ordering = ["-last_seen", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stamp", "rule"],
                condition=Q(status="open", stamp__isnull=False) & ~Q(rule="report"),
                name="one_open_alert_per_rule",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}: {self.code}"
