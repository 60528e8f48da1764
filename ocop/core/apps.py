from django.apps import AppConfig
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


def create_cache_tables(sender=None, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """After `ocop migrate`: the table of a database cache (OCOP_CACHE_URL=db), as `ocop createcachetable`
    makes it. Only on the default database, silent, and nothing to do when the table is already there."""
    if using != DEFAULT_DB_ALIAS:
        return
    if any(isinstance(caches[alias], BaseDatabaseCache) for alias in settings.CACHES):
        call_command("createcachetable", database=DEFAULT_DB_ALIAS, verbosity=0)


class Config(AppConfig):
    name = "ocop.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models import fields
        from django.utils.translation import gettext, gettext_lazy

        from . import errors, throttle  # noqa: F401  (throttle registers its deployment check of the proxies)

        # Errors of the pure modules carry a msgid and its parameters: translated where they are read.
        errors.translate = gettext

        # Django 6.1's empty choice of every select (ModelChoiceField, a model field's choices) reads
        # "- Select an option -", a text its Vietnamese catalogue lacks. Django says to set it in ready();
        # lazy, so each request gets its language. (Forms defined before this runs keep Django's text.)
        fields.BLANK_CHOICE_LABEL = gettext_lazy("— Chọn —")
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="ocop.core.create_cache_tables")
