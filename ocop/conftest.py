"""Named personas shared by every test: a Lai Châu officer, a Sơn La officer, a commune officer, a council
member, an inspector, a producer and an outsider."""

import os

import pytest
from _pytest.mark.expression import Expression
from django.contrib.auth import get_user_model
from django.test import override_settings

from ocop.accounts.models import Profile, Role
from ocop.geo.models import Commune
from ocop.registry import services
from ocop.registry.models import ProductSet
from ocop.testing import PASSWORD, ensure_reference_data, launch_chromium
from ocop.traceability import cards

LAI_CHAU, SON_LA, DIEN_BIEN = 12, 14, 11


def pytest_xdist_auto_num_workers(config):
    """`-n auto` (pyproject.toml): the whole suite in two processes on a machine with two cores or more;
    named files or tests in this process, as a worker takes seconds to start. PYTEST_XDIST_AUTO_NUM_WORKERS
    or `-n N` on the command line decide otherwise."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    if config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return 0
    # One process when the browser journeys run (each starts Chromium and a live server), and when the
    # hostile cases run: schemathesis' cases of one test share one test id, and xdist would run only one.
    selects = Expression.compile(config.option.markexpr or "not browser").evaluate
    if any(selects(lambda name, _m=mark, **kw: name == _m) for mark in ("browser", "hostile")):
        return 0
    return min(2, os.cpu_count() or 1)


# For the whole session, module- and session-scoped fixtures included (a demo world's ten logins cost a
# second each with the default PBKDF2): MD5 hashing, scans written at once (the write-behind buffer has its
# own test), rate limits off (all test clients are 127.0.0.1; the limits have their own tests).
FAST = override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    LANGUAGE_CODE="vi",
    OCOP_SCAN_LOG_DELAY=0,
    OCOP_RATE_LIMITS="off",
)


@pytest.fixture(scope="session", autouse=True)
def _fast_session():
    with FAST:
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test's database is flushed after it, reference data included. pytest-django runs
    such tests last, but an xdist worker runs a file's tests together: load the data again for the tests
    that follow in this process."""
    result = yield
    marker = item.get_closest_marker("django_db")
    flushed = marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    if flushed or {"transactional_db", "live_server"} & set(item.fixturenames):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            ensure_reference_data()
    return result


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A reused test database may have been flushed by a live-server test: reload the reference data."""
    with django_db_blocker.unblock():
        ensure_reference_data()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _fast(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OCOP_PRIVATE_ROOT = tmp_path / "private"
    settings.LANGUAGE_CODE = "vi"  # the change also drops a language an earlier test activated in this thread
    cards.clear()  # a rolled-back test may reuse a batch id and the data version of the one before


def _user(username, role=None, **scope):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if role:
        Profile.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def lai_chau_commune(db):
    return Commune.objects.get(province_id=LAI_CHAU, name="Xã Bình Lư")


@pytest.fixture
def son_la_commune(db):
    return Commune.objects.filter(province_id=SON_LA).order_by("code").first()


@pytest.fixture
def product_set(db):
    return ProductSet.objects.get(taxonomy__current=True, number=11)


@pytest.fixture
def lai_chau_producer(lai_chau_commune):
    return services.producer_create(
        actor=None, name="HTX Chè Tam Đường", type="htx", commune=lai_chau_commune, tax_code="6200123456"
    )


@pytest.fixture
def son_la_producer(son_la_commune):
    return services.producer_create(actor=None, name="HTX Chè Mộc Châu", type="htx", commune=son_la_commune)


@pytest.fixture
def lai_chau_product(lai_chau_producer, product_set):
    return services.product_create(
        actor=None,
        name="Chè Shan tuyết Tam Đường",
        producer=lai_chau_producer,
        product_set=product_set,
        star=4,
        year=2024,
    )


@pytest.fixture
def son_la_product(son_la_producer, product_set):
    return services.product_create(
        actor=None,
        name="Chè ô long Mộc Châu",
        producer=son_la_producer,
        product_set=product_set,
        star=3,
        year=2023,
    )


@pytest.fixture
def national(db):
    return _user("quantri", Role.NATIONAL)


@pytest.fixture
def lai_chau_officer(db):
    return _user("laichau", Role.PROVINCE, province_id=LAI_CHAU)


@pytest.fixture
def son_la_officer(db):
    return _user("sonla", Role.PROVINCE, province_id=SON_LA)


@pytest.fixture
def commune_officer(lai_chau_commune):
    return _user("canboxa", Role.COMMUNE, commune=lai_chau_commune)


@pytest.fixture
def council_member(db):
    return _user("hoidong", Role.COUNCIL, province_id=LAI_CHAU)


@pytest.fixture
def inspector(db):
    return _user("thanhtra", Role.INSPECTOR, province_id=LAI_CHAU)


@pytest.fixture
def producer_user(lai_chau_producer):
    return _user("chuthe", Role.PRODUCER, producer=lai_chau_producer)


@pytest.fixture
def outsider(db):
    return _user("nguoingoai")


@pytest.fixture
def committed(transactional_db):
    """Rows committed for real, seen by the threads of a race test on their own connections (PostgreSQL). A
    transactional test before this one emptied every table at its end: the reference data comes back first."""
    ensure_reference_data()
