from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import history as display


class AuditEntry(models.Model):
    """Who changed what, when, with the values before and after. Written only by core.audit."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("hành động"), max_length=60)
    object_type = models.CharField(_("loại đối tượng"), max_length=60)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    object_repr = models.CharField(_("đối tượng"), max_length=300)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        return display.action_label(self.action)

    def change_rows(self):
        """One row per changed key, with labels and values as a person reads them (core.history)."""
        return display.change_rows(self)


class PublicVersion(models.Model):
    """One row whose value grows whenever data shown on public pages changes (a product, its producer,
    certificate, lots, story, photos, links, stamp activations). App servers keep what those pages show in
    memory and compare against this value: one indexed read per request instead of a dozen queries, and a
    change made through any server is seen by all of them on their next request."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("phiên bản dữ liệu công khai")

    def __str__(self) -> str:
        return str(self.value)
