"""Helpers shared by the test suites (imported by conftest and test modules only).

Reference data (administrative units, product classification) is loaded by migrations. Live-server tests
must commit their data, so their tables are flushed afterwards; they run with ``BROWSER_DB``, which keeps
the administrative-unit tables out of the flush, and ``ensure_reference_data`` reloads the rest."""

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PASSWORD = "mat-khau-thu-nghiem"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

BROWSER_DB = pytest.mark.django_db(
    transaction=True, available_apps=[a for a in settings.INSTALLED_APPS if a != "ocop.geo"]
)


def ensure_reference_data() -> None:
    """Reload what migrations load, if a flushed test database lost it (idempotent, fast when present)."""
    from ocop.geo.loader import load as geo_load
    from ocop.registry.services import taxonomy_load

    geo_load()
    taxonomy_load()


@contextmanager
def shared_world(django_db_blocker, tmp_path_factory):
    """For a module- or session-scoped fixture whose tests only read what it builds: the data is written
    once inside a transaction that is rolled back at the end, and each test (``db``) runs in a savepoint of
    it, so a test's own writes are still undone. Files go to a temporary directory."""
    from django.db import transaction
    from django.test import override_settings

    files = tmp_path_factory.mktemp("world")
    roots = override_settings(MEDIA_ROOT=files / "media", OCOP_PRIVATE_ROOT=files / "private")
    with roots, django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def launch_chromium(playwright):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    executable = os.environ.get("OCOP_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable}: apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def login(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_load_state()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def meet_after(monkeypatch, module, name: str) -> None:
    """Race tests: `module.name` (a check a service runs before it writes) waits, up to 2 s, until two
    threads have passed it, so two requests both pass their checks before either writes — unless the
    service's lock makes the second wait for the first."""
    barrier = threading.Barrier(2, timeout=2)
    check = getattr(module, name)

    def checked_together(*args, **kwargs):
        result = check(*args, **kwargs)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass  # the other request waits on the lock: go on alone
        return result

    monkeypatch.setattr(module, name, checked_together)


def run_at_once(*targets) -> None:
    """Race tests: each target in its own thread (its own database connection, closed after); wait for
    all."""
    from django.db import connection

    def run(target):
        try:
            target()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
