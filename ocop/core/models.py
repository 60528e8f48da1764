from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        verb = self.action.rpartition(".")[2]
        return str(ACTION_VERBS.get(verb, self.action))

    def change_rows(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) with the model's translated field names."""
        try:
            model = apps.get_model(self.object_type)
        except (LookupError, ValueError):
            model = None
        rows = []
        for name, (before, after) in self.changes.items():
            label = name
            if model is not None:
                try:
                    label = str(model._meta.get_field(name).verbose_name)
                except Exception:
                    label = name
            if isinstance(after, dict) and len(after) > 6:
                changed = sum(1 for k, v in after.items() if (before or {}).get(k) != v)
                before, after = None, _("%(n)s mục thay đổi") % {"n": changed}
            rows.append((label, before, after))
        return rows


ACTION_VERBS = {
    "create": _("Tạo mới"),
    "update": _("Sửa"),
    "import": _("Nhập từ tệp"),
    "import_update": _("Cập nhật từ tệp"),
    "self_assessment": _("Tự đánh giá"),
    "submit": _("Nộp hồ sơ"),
    "resubmit": _("Gửi lại minh chứng"),
    "forward": _("Xã chuyển lên tỉnh"),
    "return": _("Xã trả lại"),
    "intake": _("Tỉnh tiếp nhận"),
    "request_evidence": _("Yêu cầu bổ sung minh chứng"),
    "evidence": _("Thêm minh chứng"),
    "assign": _("Đưa vào đợt đánh giá"),
    "sheet": _("Thành viên nộp phiếu chấm"),
    "scored": _("Khóa kết quả"),
    "recognised": _("Công nhận"),
    "not_recognised": _("Không công nhận"),
    "forward_central": _("Chuyển Trung ương"),
    "issue": _("Cấp giấy chứng nhận"),
    "record": _("Ghi nhận giấy chứng nhận"),
    "revoke": _("Thu hồi"),
    "council": _("Lập hội đồng"),
    "close": _("Khóa đợt"),
    "plan": _("Thêm chủ thể vào đợt kiểm tra"),
    "found": _("Ghi nhận phát hiện"),
    "respond": _("Chủ thể báo cáo khắc phục"),
    "followup": _("Kiểm tra lại"),
    "escalate": _("Đề nghị thu hồi"),
    "check": _("Kiểm tra điểm bán"),
}


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
