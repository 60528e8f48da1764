"""Public catalogue: one search row per recognised product (Listing), fairs and events."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.codes import random_code
from ocop.registry.models import RegionQuerySet


def _public_id() -> str:
    return random_code(10)


class ListingQuerySet(RegionQuerySet):
    scope_paths = {"province": "province_id", "commune": "commune_id", "producer": "producer_id"}


class Listing(models.Model):
    """What the public catalogue shows of a product, in one row (rebuilt by listings.refresh).

    Only products ever recognised at 3★ or more have a row. Search reads this table alone: on SQLite an FTS5
    index over the folded columns (kept by triggers), on PostgreSQL a weighted tsvector column with a GIN
    index (migration 0002)."""

    product = models.OneToOneField(
        "registry.Product", primary_key=True, on_delete=models.CASCADE, related_name="listing"
    )
    public_id = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=255)
    producer_id = models.BigIntegerField()
    producer_name = models.CharField(max_length=255)
    producer_public_id = models.CharField(max_length=12)
    producer_type = models.CharField(max_length=20, db_index=True)
    province_id = models.PositiveSmallIntegerField()
    province_name = models.CharField(max_length=100)
    commune_id = models.PositiveIntegerField(db_index=True)
    commune_name = models.CharField(max_length=100)
    sector_code = models.CharField(max_length=10)
    group_id = models.BigIntegerField()
    set_number = models.PositiveSmallIntegerField()
    star = models.PositiveSmallIntegerField()
    certificate_number = models.CharField(max_length=40, blank=True)
    recognised_on = models.DateField(null=True)
    valid_until = models.DateField(null=True)
    # Last day the product is in the catalogue: valid_until, or the end of the transition grace while a
    # re-evaluation is under way; None when revoked or unknown. Time passing needs no rebuild.
    listed_until = models.DateField(null=True)
    revoked = models.BooleanField(default=False)
    photo = models.CharField(max_length=255, blank=True)  # the first photo (its smaller sizes beside it)
    ecommerce = models.PositiveSmallIntegerField(default=0)
    sales_points = models.PositiveSmallIntegerField(default=0)
    name_folded = models.CharField(max_length=255)
    producer_folded = models.CharField(max_length=255)
    place_folded = models.CharField(max_length=255)
    other_folded = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["listed_until", "star"], name="listing_live"),
            models.Index(fields=["province_id", "listed_until"], name="listing_province"),
            models.Index(fields=["producer_id"], name="listing_producer"),
        ]

    def __str__(self) -> str:
        return self.name


class FairQuerySet(RegionQuerySet):
    # Back office: an office sees its province's fairs, a commune its province's, a producer the ones its
    # products attend. The public pages show every fair.
    scope_paths = {
        "province": "province_id",
        "commune": "province__communes",
        "producer": "products__producer_id",
    }

    def visible_to(self, user):
        return super().visible_to(user).distinct()


class Fair(models.Model):
    """Hội chợ, triển lãm, tuần hàng, phiên chợ OCOP: where products are shown and sold for a few days."""

    class Kind(models.TextChoices):
        FAIR = "fair", _("Hội chợ")
        EXHIBITION = "exhibition", _("Triển lãm")
        WEEK = "week", _("Tuần hàng, phiên chợ OCOP")
        FESTIVAL = "festival", _("Lễ hội, sự kiện xúc tiến")

    public_id = models.CharField(_("mã"), max_length=12, unique=True, default=_public_id, editable=False)
    name = models.CharField(_("tên sự kiện"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.FAIR)
    province = models.ForeignKey(
        "geo.Province", verbose_name=_("tỉnh, thành phố"), on_delete=models.PROTECT, related_name="fairs"
    )
    venue = models.CharField(_("địa điểm"), max_length=255)
    lat = models.DecimalField(_("vĩ độ"), max_digits=8, decimal_places=5, null=True, blank=True)
    lon = models.DecimalField(_("kinh độ"), max_digits=8, decimal_places=5, null=True, blank=True)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=255, blank=True)
    description = models.TextField(_("giới thiệu"), max_length=5000, blank=True)
    website = models.URLField(_("trang web"), blank=True)
    products = models.ManyToManyField(
        "registry.Product", verbose_name=_("sản phẩm tham gia"), blank=True, related_name="fairs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FairQuerySet.as_manager()

    class Meta:
        verbose_name = _("hội chợ, triển lãm")
        verbose_name_plural = _("hội chợ, triển lãm")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="fair_dates_ordered", condition=models.Q(ends_on__gte=models.F("starts_on"))
            )
        ]

    def __str__(self) -> str:
        return self.name
