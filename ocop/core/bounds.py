"""What services do to every text a person typed, whichever door it came through (form, API, CLI, import):
tidy it (textclean: NFC, no invisible characters, trimmed) and hold it to the model field's max_length.

A TextField's max_length is enforced by Django's forms only, not by the database nor by a service, so the
services call these helpers; the model stays the one place that says how long a field may be, and the API
schemas repeat it (ocop/tests/test_schema_bounds.py checks they agree).
"""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from .errors import OcopError
from .textclean import clean_line, clean_text, phone_ok


def max_length(model: type[models.Model], name: str) -> int | None:
    return model._meta.get_field(name).max_length


def clean(
    model: type[models.Model],
    name: str,
    value: Any,
    *,
    required: str | None = None,
    field: str | None = None,
) -> str:
    """The value of model.name tidied (several lines for a TextField, one line otherwise). Refused above the
    field's max_length (code too_long), and, when `required` is a message, when nothing visible is left
    (code name_required for a name, else value_required)."""
    f = model._meta.get_field(name)
    text = bounded(
        value,
        limit=f.max_length,
        label=str(f.verbose_name),
        field=field or name,
        multiline=isinstance(f, models.TextField),
    )
    if required is not None and not text:
        code = "name_required" if name == "name" else "value_required"
        raise OcopError(code, required, field=field or name)
    return text


def bounded(value: Any, *, limit: int | None, label: str, field: str, multiline: bool = True) -> str:
    """Tidy a text that has no model field of its own (a JSON item, a note kept in the audit entry) and
    refuse it above `limit` characters."""
    text = clean_text(value) if multiline else clean_line(value)
    if limit and len(text) > limit:
        raise OcopError(
            "too_long",
            _("«%(label)s» dài %(n)s ký tự, tối đa %(max)s ký tự: hãy rút gọn.")
            % {"label": label[:1].upper() + label[1:], "n": f"{len(text):,}".replace(",", "."), "max": limit},
            field=field,
        )
    return text


def clean_fields(model: type[models.Model], data: dict[str, Any]) -> None:
    """clean() every str value of data whose key is a text field of the model, in place."""
    for name, value in data.items():
        if not isinstance(value, str):
            continue
        try:
            f = model._meta.get_field(name)
        except FieldDoesNotExist:  # not a field: the caller's own argument
            continue
        if isinstance(f, models.CharField | models.TextField):
            data[name] = clean(model, name, value)


PHONE_MAX = 30  # registry.Producer.phone and monitoring.SalesPoint.phone


def phone_problem(value: str) -> str | None:
    """The Vietnamese reason a phone field is refused, or None (textclean.phone_ok: digits with spaces, dots,
    dashes; several numbers separated by ',' ';' or '/'; at most PHONE_MAX characters in all)."""
    text = clean_line(value)
    if len(text) > PHONE_MAX:
        return _("Số điện thoại dài %(n)s ký tự, tối đa %(max)s: hãy ghi ít số hơn") % {
            "n": len(text),
            "max": PHONE_MAX,
        }
    if phone_ok(text):
        return None
    return _(
        "Số điện thoại «%(v)s» không hợp lệ: chỉ gồm chữ số (8–12 số, ví dụ 0912 345 678 hoặc +84 912 345 "
        "678), có thể có dấu cách, dấu chấm, gạch ngang; nhiều số cách nhau bằng dấu phẩy"
    ) % {"v": text}


def check_phone(value: str, *, field: str = "phone") -> None:
    """Refuse (code phone_invalid) what phone_problem refuses."""
    problem = phone_problem(value)
    if problem:
        raise OcopError("phone_invalid", problem, field=field)
