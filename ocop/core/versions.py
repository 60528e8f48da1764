"""The public data version (see PublicVersion): bump it when public data changes, compare it to cache.

Apps register the models whose rows public pages show with `watch(...)` in their AppConfig.ready(); saving
or deleting such a row bumps the version inside the same transaction, so a rollback leaves it unchanged.
Writes that bypass model signals (QuerySet.update, bulk_update of existing rows) call `bump()` themselves.
Creating a row does not bump: nothing public can show a row that did not exist (a new certificate or
activation is the exception, so those models are watched with `on_create=True`)."""

from django.db.models import F
from django.db.models.signals import post_delete, post_save


def bump() -> None:
    from .models import PublicVersion

    if not PublicVersion.objects.filter(pk=1).update(value=F("value") + 1):
        PublicVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def _on_save(sender, created=False, raw=False, **kwargs) -> None:
    if raw:  # fixtures
        return
    if created and sender not in _ON_CREATE:
        return
    bump()


def _on_delete(sender, **kwargs) -> None:
    bump()


_ON_CREATE: set[type] = set()


def watch(*models, on_create: bool = False) -> None:
    for model in models:
        if on_create:
            _ON_CREATE.add(model)
        post_save.connect(_on_save, sender=model, dispatch_uid=f"public-version-save-{model._meta.label}")
        post_delete.connect(
            _on_delete, sender=model, dispatch_uid=f"public-version-delete-{model._meta.label}"
        )
