"""The suite's fast settings reach fixtures of every scope, not only function-scoped ones: a shared world
built once per module (ocop.testing.shared_world) hashes its logins' passwords with MD5 too."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from ocop.testing import PASSWORD, shared_world


@pytest.fixture(scope="module")
def module_user(django_db_setup, django_db_blocker, tmp_path_factory):
    with shared_world(django_db_blocker, tmp_path_factory):
        yield get_user_model().objects.create_user(username="theomodule", password=PASSWORD)


def test_module_scoped_fixtures_hash_passwords_fast(db, module_user):
    assert module_user.password.startswith("md5$")
    assert settings.OCOP_RATE_LIMITS == "off" and settings.OCOP_SCAN_LOG_DELAY == 0
