"""Registry: producers (chủ thể OCOP), the product classification, and products."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.accounts.permissions import scope_filter
from ocop.core.codes import random_code
from ocop.core.textfold import fold_words


def _public_id() -> str:
    return random_code(10)


class ProducerType(models.TextChoices):
    # QĐ 26/2026 Điều 2 khoản 3.
    HTX = "htx", _("Hợp tác xã")
    THT = "tht", _("Tổ hợp tác")
    DOANH_NGHIEP = "doanh_nghiep", _("Doanh nghiệp nhỏ và vừa")
    TRANG_TRAI = "trang_trai", _("Trang trại")
    HO_KINH_DOANH = "ho_kinh_doanh", _("Hộ sản xuất, hộ gia đình có đăng ký kinh doanh")
    HOI = "hoi", _("Hội, hiệp hội, trung tâm điều hành (du lịch)")


class RegionQuerySet(models.QuerySet):
    scope_paths: dict[str, str] = {}

    def visible_to(self, user):
        q = scope_filter(user, **self.scope_paths)
        return self if q is None else self.filter(q)

    def search(self, text: str):
        # No name is longer than 255 characters; SQLite refuses a LIKE pattern over 50,000 bytes (a 500).
        words = fold_words(text[:255]).split()
        qs = self
        for w in words:
            qs = qs.filter(search_folded__contains=w)
        return qs


class ProducerQuerySet(RegionQuerySet):
    scope_paths = {"province": "commune__province_id", "commune": "commune_id", "producer": "id"}


class Producer(models.Model):
    public_id = models.CharField(_("mã"), max_length=12, unique=True, default=_public_id, editable=False)
    name = models.CharField(_("tên chủ thể"), max_length=255)
    type = models.CharField(_("loại hình chủ thể"), max_length=20, choices=ProducerType.choices)
    tax_code = models.CharField(_("mã số thuế / số đăng ký"), max_length=20, blank=True, db_index=True)
    legal_rep = models.CharField(_("người đại diện theo pháp luật"), max_length=150, blank=True)
    rep_female = models.BooleanField(_("đại diện là nữ"), default=False)
    rep_ethnic_minority = models.BooleanField(_("đại diện là người dân tộc thiểu số"), default=False)
    rep_disabled = models.BooleanField(_("đại diện là người khuyết tật"), default=False)
    local_labour_share = models.PositiveSmallIntegerField(
        _("tỷ lệ lao động địa phương (%)"), null=True, blank=True
    )
    commune = models.ForeignKey(
        "geo.Commune", verbose_name=_("xã, phường"), on_delete=models.PROTECT, related_name="producers"
    )
    address_detail = models.CharField(_("địa chỉ chi tiết"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang web"), blank=True)
    search_folded = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProducerQuerySet.as_manager()

    class Meta:
        verbose_name = _("chủ thể OCOP")
        verbose_name_plural = _("chủ thể OCOP")
        ordering = ["name"]
        indexes = [models.Index(fields=["commune", "name"])]
        # One producer per tax code (imports match on it); many small producers have none.
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code=""),
                name="uniq_producer_tax_code",
                violation_error_message=_(
                    "Mã số thuế này đã là của một chủ thể khác: mỗi chủ thể một mã số thuế."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def refresh_search(self) -> None:
        self.search_folded = fold_words(f"{self.name} {self.tax_code} {self.legal_rep}")


class Taxonomy(models.Model):
    """A version of the classification (QĐ 26/2026 today; QĐ 1048/2019 for old records)."""

    code = models.CharField(_("phiên bản"), max_length=20, unique=True)
    title = models.CharField(_("văn bản"), max_length=200)
    current = models.BooleanField(_("đang áp dụng"), default=False)

    class Meta:
        verbose_name = _("bộ phân loại")
        verbose_name_plural = _("bộ phân loại")

    def __str__(self) -> str:
        return self.code


class Sector(models.Model):
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="sectors")
    code = models.CharField(_("mã ngành"), max_length=10)
    name = models.CharField(_("ngành"), max_length=200)

    class Meta:
        verbose_name = _("ngành")
        verbose_name_plural = _("ngành")
        ordering = ["taxonomy", "id"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="uniq_sector")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class ProductGroup(models.Model):
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("mã nhóm"), max_length=10)
    name = models.CharField(_("nhóm"), max_length=200)

    class Meta:
        verbose_name = _("nhóm sản phẩm")
        verbose_name_plural = _("nhóm sản phẩm")
        ordering = ["sector", "id"]

    def __str__(self) -> str:
        return self.name


class ProductSet(models.Model):
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="sets")
    group = models.ForeignKey(ProductGroup, on_delete=models.CASCADE, related_name="sets")
    number = models.PositiveSmallIntegerField(_("số bộ"))
    name = models.CharField(_("bộ sản phẩm"), max_length=200)
    scope = models.TextField(_("phạm vi"), blank=True)

    class Meta:
        verbose_name = _("bộ sản phẩm")
        verbose_name_plural = _("bộ sản phẩm")
        ordering = ["taxonomy", "number"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "number"], name="uniq_product_set")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class ProductQuerySet(RegionQuerySet):
    scope_paths = {"province": "commune__province_id", "commune": "commune_id", "producer": "producer_id"}

    def with_related(self):
        return self.select_related("producer", "commune__province", "product_set__group__sector")

    def certified(self):
        return self.filter(star__gte=3)


class Product(models.Model):
    public_id = models.CharField(_("mã"), max_length=12, unique=True, default=_public_id, editable=False)
    code = models.CharField(
        _("mã số sản phẩm"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("T-X-STT-YYYY: mã tỉnh - mã xã - số thứ tự - năm đánh giá"),
    )
    name = models.CharField(_("tên sản phẩm"), max_length=255)
    product_set = models.ForeignKey(
        ProductSet, verbose_name=_("bộ sản phẩm"), on_delete=models.PROTECT, related_name="products"
    )
    producer = models.ForeignKey(
        Producer, verbose_name=_("chủ thể"), on_delete=models.PROTECT, related_name="products"
    )
    commune = models.ForeignKey(
        "geo.Commune", verbose_name=_("xã, phường"), on_delete=models.PROTECT, related_name="products"
    )
    description = models.TextField(_("mô tả, câu chuyện sản phẩm"), max_length=5000, blank=True)
    gtin = models.CharField(_("mã GTIN"), max_length=14, blank=True, db_index=True)
    standards = models.TextField(_("tiêu chuẩn chất lượng công bố"), max_length=2000, blank=True)
    certifications = models.TextField(
        _("chứng nhận (VietGAP, hữu cơ, HACCP…)"), max_length=2000, blank=True
    )
    ip_titles = models.TextField(
        _("tài sản trí tuệ (nhãn hiệu, chỉ dẫn địa lý…)"), max_length=2000, blank=True
    )
    # For the catalogue and the marketplace feed: the producer's retail price and pack, as they say it.
    price = models.PositiveIntegerField(_("giá bán lẻ tham khảo (đồng)"), null=True, blank=True)
    package = models.CharField(_("quy cách (chai 500 ml, hộp 12 bánh…)"), max_length=120, blank=True)
    # Recognition as recorded in a province's list (imports, history). The evaluation module issues
    # certificates; these fields keep what older records say.
    star = models.PositiveSmallIntegerField(_("số sao"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("năm đánh giá"), null=True, blank=True)
    search_folded = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("sản phẩm")
        ordering = ["name"]
        indexes = [models.Index(fields=["commune", "star"]), models.Index(fields=["producer"])]
        constraints = [
            models.CheckConstraint(
                name="product_star_1_5", condition=Q(star__isnull=True) | Q(star__range=(1, 5))
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def refresh_search(self) -> None:
        producer = self.producer.name if self.producer_id else ""
        self.search_folded = fold_words(f"{self.name} {producer} {self.code or ''} {self.gtin}")


class Photo(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("ảnh"), upload_to="products/%Y/%m/")
    caption = models.CharField(_("chú thích"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("ảnh sản phẩm")
        verbose_name_plural = _("ảnh sản phẩm")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name

    def rendition(self, size: int) -> str:
        """Storage name of a smaller size made on upload (services.photo_add): "a/b.jpg" → "a/b-320.jpg"."""
        return rendition_name(self.image.name, size)


def rendition_name(name: str, size: int) -> str:
    stem, dot, ext = name.rpartition(".")
    return f"{stem}-{size}.{ext}" if dot else f"{name}-{size}"


class Platform(models.TextChoices):
    POSTMART = "postmart", "Postmart"
    VOSO = "voso", "Voso"
    SHOPEE = "shopee", "Shopee"
    LAZADA = "lazada", "Lazada"
    TIKI = "tiki", "Tiki"
    SENDO = "sendo", "Sendo"
    TIKTOK = "tiktok", "TikTok Shop"
    FACEBOOK = "facebook", "Facebook"
    OTHER = "other", _("Khác")


class EcommerceLink(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="ecommerce_links")
    platform = models.CharField(_("sàn"), max_length=20, choices=Platform.choices)
    url = models.URLField(_("đường dẫn"), max_length=500)
    last_checked = models.DateField(_("kiểm tra lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("gian hàng thương mại điện tử")
        verbose_name_plural = _("gian hàng thương mại điện tử")
        ordering = ["platform", "id"]
        constraints = [models.UniqueConstraint(fields=["product", "url"], name="uniq_ecommerce_link")]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.url}"


class ImportJob(models.Model):
    """One web import of a spreadsheet: checked (a dry run), then confirmed or cancelled. The file waits in
    private storage (`path`) only between upload and confirmation; a large file is checked and written by a
    background task (registry.tasks) while its page shows `rows_done`. `ocop daily` removes jobs and files
    older than a day."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Đang kiểm tra")
        CHECKED = "checked", _("Đã kiểm tra, chờ xác nhận")
        IMPORTING = "importing", _("Đang nhập")
        DONE = "done", _("Đã nhập")
        FAILED = "failed", _("Có lỗi, chưa ghi gì")
        CANCELLED = "cancelled", _("Đã huỷ")

    token = models.CharField(max_length=20, unique=True, default=_public_id)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255)  # as uploaded, for display only
    path = models.CharField(max_length=255, blank=True)  # in private storage; "" once removed
    language = models.CharField(max_length=10, default="vi")
    background = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    rows_estimate = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lượt nhập từ tệp")
        verbose_name_plural = _("lượt nhập từ tệp")

    def __str__(self):
        return self.name

    @property
    def running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)

    @property
    def stalled(self) -> bool:
        """Queued two minutes ago and not a row read yet: most likely no `ocop db_worker` runs."""
        waited = timezone.now() - self.updated
        return self.running and not self.rows_done and waited > datetime.timedelta(minutes=2)
