"""`ocop migrate` makes the table of a database cache (OCOP_CACHE_URL=db): no createcachetable by hand."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from ocop.core import apps

pytestmark = pytest.mark.django_db

TABLE = "ocop_cache_migrate_test"
DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


@pytest.fixture
def db_cache(settings):
    settings.CACHES = {"default": {"BACKEND": DATABASE_CACHE, "LOCATION": TABLE}}
    assert TABLE not in connection.introspection.table_names()


def test_migrate_creates_the_cache_table_quietly_and_keeps_it(db_cache, capsys):
    call_command("migrate", verbosity=0)
    assert TABLE in connection.introspection.table_names()
    caches["default"].set("k", 41)
    assert caches["default"].get("k") == 41
    # a second migrate (the next upgrade) leaves the table and its rows alone, and says nothing about it
    call_command("migrate", verbosity=1)
    assert caches["default"].get("k") == 41
    out = capsys.readouterr()
    assert "cache" not in (out.out + out.err).lower()


def test_only_for_the_default_database(db_cache):
    apps.create_cache_tables(sender=None, using="other")  # no such connection: it must not even look
    assert TABLE not in connection.introspection.table_names()
    apps.create_cache_tables(sender=None, using="default")
    assert TABLE in connection.introspection.table_names()


def test_nothing_to_do_without_a_database_cache(monkeypatch):
    called = []
    monkeypatch.setattr(apps, "call_command", lambda *a, **k: called.append(a))
    apps.create_cache_tables(sender=None, using="default")  # the tests' cache is local memory
    assert called == []
