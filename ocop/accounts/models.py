from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
                    | models.Q(
                        role__in=["province", "council", "advisory", "inspector"], province__isnull=False
                    )
                    | models.Q(role="commune", commune__isnull=False)
                    | models.Q(role="producer", producer__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
