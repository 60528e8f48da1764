"""How the history pages show an audit entry: the action by name, each key by its field's label, each value
as a person reads it (choice labels, Có/Không, dd/mm/yyyy), in the page's language.

Entries keep raw values (choice keys, ISO dates) so they stay right when a label is reworded or the page is
read in English; everything here runs when the page is shown, never when the entry is written."""

import datetime
import decimal
import functools
import re
from typing import Any, NamedTuple

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Labels by the verb after the dot, shared by every kind of record ("producer.update", "product.update").
ACTION_VERBS = {
    "create": _("Tạo mới"),
    "update": _("Sửa"),
    "import": _("Nhập từ tệp"),
    "import_update": _("Cập nhật từ tệp"),
    "transfer": _("Chuyển sang tỉnh khác"),
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

# Whole action names, looked up first: a verb with no shared label, or one whose shared label is wrong for
# this record ("stamps.issue" is not "Cấp giấy chứng nhận", "alert.close" is not "Khóa đợt").
ACTIONS = {
    "outcome.save": _("Báo cáo kết quả sản xuất, kinh doanh"),
    "inspection.record": _("Ghi nhận kết quả kiểm tra"),
    "product.photo_add": _("Thêm ảnh"),
    "product.photo_delete": _("Xoá ảnh"),
    "product.link_save": _("Lưu gian hàng thương mại điện tử"),
    "product.link_delete": _("Xoá gian hàng thương mại điện tử"),
    "stamps.issue": _("Phát hành tem"),
    "stamps.activate": _("Kích hoạt tem cho lô"),
    "lot.event": _("Thêm sự kiện truy xuất"),
    "alert.close": _("Xử lý cảnh báo tem"),
    "fair.save": _("Lưu thông tin hội chợ"),
    "fair.products": _("Cập nhật sản phẩm tham gia"),
    "target.save": _("Lưu chỉ tiêu"),
    "target.delete": _("Xoá chỉ tiêu"),
    "backup.create": _("Sao lưu dữ liệu"),
    "backup.restore": _("Khôi phục dữ liệu từ bản sao lưu"),
    "accounts.lockout": _("Tạm khóa đăng nhập"),
    "accounts.password_change": _("Đổi mật khẩu"),
    "accounts.password_reset": _("Đặt lại mật khẩu"),
    "accounts.recovery_code_use": _("Đăng nhập bằng mã khôi phục"),
    "accounts.recovery_codes_regenerate": _("Tạo mã khôi phục mới"),
    "accounts.token_create": _("Tạo khóa API"),
    "accounts.token_revoke": _("Thu hồi khóa API"),
    "accounts.two_factor_enable": _("Bật xác thực hai lớp"),
    "accounts.two_factor_disable": _("Tắt xác thực hai lớp"),
}

# The model whose fields an action's values are, when it is neither the record the entry is filed under
# nor named by the action's first word ("outcome.save" finds reporting.Outcome by itself).
ACTION_MODELS = {
    "dossier.evidence": "evaluation.evidence",
    "dossier.sheet": "evaluation.scoresheet",
    "round.council": "evaluation.seat",
    "product.photo_add": "registry.photo",
    "product.photo_delete": "registry.photo",
    "product.link_save": "registry.ecommercelink",
    "product.link_delete": "registry.ecommercelink",
    "lot.event": "traceability.traceevent",
    "stamps.activate": "traceability.activation",
    "alert.close": "traceability.scanalert",
    "campaign.plan": "monitoring.inspection",
    "sales_point.check": "monitoring.salespointcheck",
}

# Keys an action names differently from the field they fill.
ACTION_KEYS = {
    "certificate.revoke": {
        "ground": "revocation_ground",
        "decision": "revocation_decision",
        "date": "revoked_on",
    },
}

# Keys that are no model field (or a field without a label), and the keys inside stored dicts.
KEY_LABELS = {
    # Mẫu 03, the commune's report (evaluation.forms.ScreenForm).
    "raw_materials": _("Nguồn nguyên liệu địa phương"),
    "labour": _("Sử dụng lao động địa phương"),
    "idea": _("Nguồn gốc ý tưởng sản phẩm"),
    "identity": _("Bản sắc, văn hóa địa phương"),
    "member": _("thành viên hội đồng"),
    "members": _("thành viên hội đồng"),
    "total": _("tổng điểm"),
    "type": _("loại tệp"),
    "photo": _("ảnh"),
    "lot": _("lô sản xuất"),
    "certificate": _("giấy chứng nhận"),
    "note": _("ghi chú"),
}

DICT_SUMMARY_OVER = 6  # a dict with more changed keys (32 self-assessment answers) is shown as a count

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")


class Change(NamedTuple):
    label: str
    before: Any  # None: nothing before (or nothing to show)
    after: Any
    items: list  # for a dict value: one Change per key that changed; empty otherwise


def action_label(action: str) -> str:
    label = ACTIONS.get(action) or ACTION_VERBS.get(action.rpartition(".")[2])
    return str(label) if label else action


@functools.cache
def _model_named(name: str) -> type[models.Model] | None:
    found = [m for m in apps.get_models() if m._meta.model_name == name]
    return found[0] if len(found) == 1 else None


def _models(object_type: str, action: str) -> list[type[models.Model]]:
    """Where to look a key up, most specific first."""
    out = []
    if action in ACTION_MODELS:
        out.append(apps.get_model(ACTION_MODELS[action]))
    out.append(_model_named(action.partition(".")[0].replace("_", "")))
    try:
        out.append(apps.get_model(object_type))
    except (LookupError, ValueError):
        pass
    return [m for i, m in enumerate(out) if m is not None and m not in out[:i]]


def _field(candidates: list, name: str):
    """(field, has a label of its own) from the first model that has the name; an explicit label wins."""
    first = None
    for model in candidates:
        try:
            f = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not hasattr(f, "verbose_name"):  # a reverse relation
            continue
        if str(f.verbose_name) != f.name.replace("_", " "):  # Django's default when none is given
            return f, True
        first = first or f
    return first, False


def _label(candidates: list, name: str):
    field, labelled = _field(candidates, name)
    if labelled:
        return str(field.verbose_name), field
    if name in KEY_LABELS:
        return str(KEY_LABELS[name]), field
    return name.replace("_", " "), field


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _when(value: str, field) -> str | None:
    """An ISO date or date-time as dd/mm/yyyy (HH:MM, local time); None if it is not one. A key that is
    no model field is read as a date only if it looks like one; a text field's value is left as typed."""
    if field is not None and not isinstance(field, models.DateField):
        return None
    if isinstance(field, models.DateTimeField) or _DATETIME.fullmatch(value):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "d/m/Y H:i")
    if isinstance(field, models.DateField) or _DATE.fullmatch(value):
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "d/m/Y")
        except ValueError:
            return None
    return None


def show(value, field=None) -> str | None:
    """One stored value as text for the page; None when there is nothing to show."""
    if _empty(value):
        return None
    choices = getattr(field, "flatchoices", None)
    if choices and not isinstance(value, list | dict):
        labels = {str(k): v for k, v in choices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, str):
        if isinstance(field, models.DecimalField | models.FloatField):
            try:
                return formats.localize(decimal.Decimal(value))
            except decimal.InvalidOperation:
                return value
        return _when(value, field) or value
    if isinstance(value, int | float | decimal.Decimal):
        return formats.localize(value)
    if isinstance(value, list):
        return ", ".join(s for s in (show(v) for v in value) if s is not None) or None
    if isinstance(value, dict):
        parts = ((_label([], str(k))[0], show(v)) for k, v in value.items())
        return "; ".join(f"{capfirst(label)}: {v}" for label, v in parts if v is not None) or None
    return str(value)


_KEY_ORDER = {k: i for i, k in enumerate(KEY_LABELS)}


def _in_order(keys, field_of) -> list:
    """Keys in the order the model declares its fields (then KEY_LABELS', then as stored): PostgreSQL's
    jsonb keeps an object's keys sorted by length, which reads as no order at all."""

    def position(ik):
        i, k = ik
        f = field_of(k)
        if f is not None:
            return (0, f.creation_counter, i)
        return (1, _KEY_ORDER.get(k, len(_KEY_ORDER)), i)

    return [k for _i, k in sorted(enumerate(keys), key=position)]


def change_rows(entry) -> list[Change]:
    """(label, before, after, items) for each key of an entry's changes, with the models' translated
    labels; a dict value becomes one item per key that changed."""
    candidates = _models(entry.object_type, entry.action)
    changes = entry.changes or {}
    renamed = ACTION_KEYS.get(entry.action, {})
    rows = []
    for name in _in_order(changes, lambda k: _field(candidates, renamed.get(k, k))[0]):
        pair = changes[name]
        before, after = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        label, field = _label(candidates, renamed.get(name, name))
        if isinstance(before, dict) or isinstance(after, dict):
            b = before if isinstance(before, dict) else {}
            a = after if isinstance(after, dict) else {}
            keys = _in_order([*a, *(k for k in b if k not in a)], lambda k: None)
            changed = [
                k for k in keys if b.get(k) != a.get(k) and not (_empty(b.get(k)) and _empty(a.get(k)))
            ]
            if len(changed) > DICT_SUMMARY_OVER:
                summary = _("%(n)s mục thay đổi") % {"n": len(changed)}
                rows.append(Change(label, None, summary, []))
            else:
                items = [Change(_label([], k)[0], show(b.get(k)), show(a.get(k)), []) for k in changed]
                rows.append(Change(label, None, None, items))
            continue
        rows.append(Change(label, show(before, field), show(after, field), []))
    return rows
