"""Helpers shared by the test suites (imported by conftest and test modules only).

Reference data (administrative units, product classification) is loaded by migrations. Live-server tests
must commit their data, so their tables are flushed afterwards; they run with ``BROWSER_DB``, which keeps
the administrative-unit tables out of the flush, and ``ensure_reference_data`` reloads the rest."""

import os
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
