"""Administrative units keyed on the official codes (QĐ 19/2025/QĐ-TTg), from vietnam-provinces 2026.9.0.

Current map (since 1/7/2025): 34 provinces, 3,321 communes (xã / phường / đặc khu), no district level.
Legacy map (before 1/7/2025): 63 provinces, 696 districts, 10,051 wards, kept for old records and imports,
with the official old→new ward mapping.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    code = models.PositiveSmallIntegerField(_("mã tỉnh"), primary_key=True)
    name = models.CharField(_("tên"), max_length=100)
    division_type = models.CharField(_("loại"), max_length=40)
    codename = models.CharField(max_length=100)
    key = models.CharField(max_length=100, db_index=True, help_text="admin_key(name)")

    class Meta:
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = _("tỉnh, thành phố")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def short_name(self) -> str:
        for prefix in ("Thành phố ", "Tỉnh "):
            if self.name.startswith(prefix):
                return self.name[len(prefix) :]
        return self.name


class Commune(models.Model):
    code = models.PositiveIntegerField(_("mã xã"), primary_key=True)
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="communes"
    )
    name = models.CharField(_("tên"), max_length=100)
    division_type = models.CharField(_("loại"), max_length=40)
    codename = models.CharField(max_length=100)
    key = models.CharField(max_length=100, db_index=True)

    class Meta:
        verbose_name = _("xã, phường, đặc khu")
        verbose_name_plural = _("xã, phường, đặc khu")
        ordering = ["province__name", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.province.name}"


class LegacyProvince(models.Model):
    code = models.PositiveSmallIntegerField(_("mã tỉnh cũ"), primary_key=True)
    name = models.CharField(_("tên"), max_length=100)
    key = models.CharField(max_length=100, db_index=True)
    successor = models.ForeignKey(
        Province, verbose_name=_("tỉnh mới"), on_delete=models.PROTECT, related_name="legacy_provinces"
    )

    class Meta:
        verbose_name = _("tỉnh cũ (trước 7/2025)")
        verbose_name_plural = _("tỉnh cũ (trước 7/2025)")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LegacyDistrict(models.Model):
    code = models.PositiveSmallIntegerField(_("mã huyện cũ"), primary_key=True)
    province = models.ForeignKey(LegacyProvince, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(_("tên"), max_length=100)
    key = models.CharField(max_length=100, db_index=True)

    class Meta:
        verbose_name = _("huyện cũ")
        verbose_name_plural = _("huyện cũ")

    def __str__(self) -> str:
        return f"{self.name}, {self.province.name}"


class LegacyWard(models.Model):
    code = models.PositiveIntegerField(_("mã xã cũ"), primary_key=True)
    district = models.ForeignKey(LegacyDistrict, on_delete=models.PROTECT, related_name="wards")
    province = models.ForeignKey(LegacyProvince, on_delete=models.PROTECT, related_name="wards")
    name = models.CharField(_("tên"), max_length=100)
    key = models.CharField(max_length=100, db_index=True)
    successors = models.ManyToManyField(Commune, through="WardSuccession", related_name="legacy_wards")

    class Meta:
        verbose_name = _("xã cũ")
        verbose_name_plural = _("xã cũ")

    def __str__(self) -> str:
        return f"{self.name}, {self.district.name}, {self.province.name}"


class WardSuccession(models.Model):
    """Official old→new mapping. A partly merged old ward was split over several new communes."""

    legacy_ward = models.ForeignKey(LegacyWard, on_delete=models.CASCADE)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE)
    partly = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["legacy_ward", "commune"], name="uniq_ward_succession")
        ]

    def __str__(self) -> str:
        return f"{self.legacy_ward_id} → {self.commune_id}"
