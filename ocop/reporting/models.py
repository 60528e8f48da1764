"""Programme monitoring: a fact row per recognition (what the dashboards count), targets per province and
year, and the outcomes producers report each year."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.registry.models import RegionQuerySet


class RecognitionKind(models.TextChoices):
    FIRST = "first", _("Công nhận mới")
    REEVALUATION = "reevaluation", _("Đánh giá lại")
    UPGRADE = "upgrade", _("Nâng hạng")
    RECORDED = "recorded", _("Ghi nhận từ danh sách nhập")


class RecognitionQuerySet(RegionQuerySet):
    scope_paths = {"province": "province_id", "commune": "commune_id", "producer": "producer_id"}


class Recognition(models.Model):
    """One recognition of a product at 3★ or more: a certificate issued here, or the recognition a province's
    list recorded (imports) when the product has no certificate row. Rebuilt by facts.refresh whenever the
    catalogue rebuilds the product's listing; the product's places and classification are copied so that
    every dashboard figure is one GROUP BY over this table.

    In force on day D when starts_on <= D <= ends_on; a later recognition of the same product ends the
    earlier one the day before, so at most one row per product is in force on any day."""

    product = models.ForeignKey("registry.Product", on_delete=models.CASCADE, related_name="+")
    certificate = models.ForeignKey(
        "evaluation.Certificate", null=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=15, choices=RecognitionKind.choices)
    star = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField(null=True)  # year of the decision (or as the list says)
    last_of_year = models.BooleanField(default=True)  # the product's last recognition in that year
    starts_on = models.DateField(null=True)
    ends_on = models.DateField(null=True)  # last day in force; None when unknown
    valid_until = models.DateField(null=True)
    revoked_on = models.DateField(null=True)
    province_id = models.PositiveSmallIntegerField()
    commune_id = models.PositiveIntegerField()
    producer_id = models.BigIntegerField()
    producer_type = models.CharField(max_length=20)
    rep_female = models.BooleanField(default=False)
    rep_ethnic_minority = models.BooleanField(default=False)
    sector_code = models.CharField(max_length=10)
    set_number = models.PositiveSmallIntegerField()

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["province_id", "year"], name="recognition_province_year"),
            models.Index(fields=["province_id", "ends_on"], name="recognition_province_end"),
            models.Index(fields=["ends_on", "starts_on"], name="recognition_in_force"),
            models.Index(fields=["product"], name="recognition_product"),
            models.Index(fields=["producer_id", "year"], name="recognition_producer_year"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.star}★ {self.year}"


class Measure(models.TextChoices):
    IN_FORCE = "in_force", _("Sản phẩm OCOP còn hiệu lực cuối năm")
    RECOGNISED = "recognised", _("Sản phẩm được công nhận trong năm")
    FOUR_STAR = "four_star", _("Sản phẩm 4–5 sao còn hiệu lực cuối năm")
    COMMUNES = "communes", _("Số xã, phường có sản phẩm OCOP cuối năm")


class Target(models.Model):
    """A province's (or, without a province, the country's) target for a year, e.g. ≥240 products in force
    by the end of 2025."""

    province = models.ForeignKey(
        "geo.Province", null=True, blank=True, verbose_name=_("tỉnh"), on_delete=models.CASCADE
    )
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(2018), MaxValueValidator(2035)]
    )
    measure = models.CharField(_("chỉ tiêu"), max_length=15, choices=Measure.choices)
    value = models.PositiveIntegerField(_("mức phấn đấu"))
    source = models.CharField(_("căn cứ (nghị quyết, kế hoạch)"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["year", "measure"]
        constraints = [
            # National targets (no province) are kept one per year and measure by services.target_save.
            models.UniqueConstraint(fields=["province", "year", "measure"], name="uniq_target")
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} {self.year}: {self.value}"


class OutcomeQuerySet(RegionQuerySet):
    scope_paths = {
        "province": "producer__commune__province_id",
        "commune": "producer__commune_id",
        "producer": "producer_id",
    }


class Outcome(models.Model):
    """What a producer reports for a year: revenue, output, jobs and average income."""

    producer = models.ForeignKey(
        "registry.Producer", verbose_name=_("chủ thể"), on_delete=models.CASCADE, related_name="outcomes"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    revenue = models.PositiveBigIntegerField(_("doanh thu (triệu đồng)"))
    output = models.DecimalField(_("sản lượng"), max_digits=14, decimal_places=2, null=True, blank=True)
    output_unit = models.CharField(_("đơn vị sản lượng"), max_length=30, blank=True)
    jobs = models.PositiveIntegerField(_("số lao động"))
    avg_income = models.DecimalField(
        _("thu nhập bình quân (triệu đồng/người/tháng)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("kết quả sản xuất, kinh doanh")
        verbose_name_plural = _("kết quả sản xuất, kinh doanh")
        ordering = ["producer", "year"]
        constraints = [models.UniqueConstraint(fields=["producer", "year"], name="uniq_outcome")]

    def __str__(self) -> str:
        return f"{self.producer_id} {self.year}"
