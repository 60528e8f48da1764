"""Audit trail: one entry per change that matters, with before/after values of the fields that changed."""

import datetime
import decimal

from django.db import models

from .models import AuditEntry


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """The audited values of a model instance: concrete fields, foreign keys as their text."""
    names = fields or [
        f.name
        for f in obj._meta.concrete_fields
        if f.name not in {"id", "created_at", "updated_at"} and not f.name.endswith("_folded")
    ]
    return {name: _plain(getattr(obj, name)) for name in names}


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def diff(before: dict, after: dict) -> dict:
    """Fields whose value changed; empty values (None, "", []) count as equal, so a new record lists only
    what was filled in."""
    return {
        k: [before.get(k), v]
        for k, v in after.items()
        if before.get(k) != v and not (_empty(before.get(k)) and _empty(v))
    }


def audit_object_id(obj: models.Model) -> str:
    return str(getattr(obj, "public_id", None) or obj.pk)


def audit_entry(
    obj: models.Model,
    *,
    actor,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    save: bool = True,
) -> AuditEntry:
    """Record one change. With save=False the entry is returned unsaved (for bulk imports)."""
    return audit_event(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=audit_object_id(obj),
        object_repr=str(obj),
        before=before,
        after=after,
        note=note,
        save=save,
    )


def audit_event(
    *,
    actor,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    save: bool = True,
) -> AuditEntry:
    """Record one change to something that is not a row (a backup archive, a restore): the caller names
    it. Values go in as before/after, like audit_entry, because the history pages read `changes` as
    {field: [before, after]}."""
    plain = lambda d: {k: _plain(v) for k, v in (d or {}).items()}  # noqa: E731
    changes = diff(plain(before), plain(after)) if after is not None else {}
    entry = AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(object_repr)[:300],
        changes=changes,
        note=note[:300],
    )
    if save:
        entry.save()
    return entry


def history(obj: models.Model):
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=audit_object_id(obj)
    ).select_related("actor")
