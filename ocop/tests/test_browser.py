"""Browser journeys in Debian's Chromium, driven by Playwright (marker: browser; `.ci/run` runs them).

Screenshots go to test-artifacts/ so that people can see what the pages look like."""

import os
from pathlib import Path

import pytest

from ocop.accounts.models import Profile, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
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


@pytest.fixture(scope="module")
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("OCOP_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable}: apt-get install -y chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def demo_data(db):
    from django.contrib.auth import get_user_model

    from ocop.registry.demo import load_seed_producers

    load_seed_producers()
    user = get_user_model().objects.create_user("dienbien", password="mat-khau-thu-nghiem")
    Profile.objects.create(user=user, role=Role.PROVINCE, province_id=11)
    return user


def _login(page, base, username):
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "mat-khau-thu-nghiem")
    page.click("button.primary")


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 860}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_officer_finds_product_by_typing_without_diacritics(browser, live_server, demo_data, viewport):
    ARTIFACTS.mkdir(exist_ok=True)
    tag = "desktop" if viewport["width"] > 600 else "phone"
    page = browser.new_page(viewport=viewport, locale="vi-VN")
    _login(page, live_server.url, "dienbien")
    page.wait_for_url("**/quan-ly/san-pham/")
    assert page.locator("h1").first.inner_text().startswith("Sản phẩm OCOP")
    page.fill("input[name=q]", "mat ong")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    names = page.locator("table.list a.strong").all_inner_texts()
    assert "Mật ong hoa ban" in names
    assert all(("Mật ong" in n or "mật" in n.lower()) for n in names)
    page.screenshot(path=str(ARTIFACTS / f"product-list-{tag}.png"), full_page=True)
    page.click("text=Mật ong hoa ban")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Mật ong hoa ban")
    body = page.locator("main").inner_text()
    assert "HTX Ong mật Điện Biên" in body and "Tỉnh Điện Biên" in body
    page.screenshot(path=str(ARTIFACTS / f"product-page-{tag}.png"), full_page=True)
    page.close()


def test_officer_edit_with_bad_input_gets_vietnamese_message(browser, live_server, demo_data):
    from ocop.registry.models import Product

    product = Product.objects.get(name="Mật ong hoa ban")
    page = browser.new_page(locale="vi-VN")
    _login(page, live_server.url, "dienbien")
    page.goto(f"{live_server.url}/quan-ly/san-pham/{product.public_id}/sua/")
    page.fill("input[name=gtin]", "8934588012227")
    page.click("button.primary")
    assert "không hợp lệ" in page.locator(".err, .flash.error").first.inner_text()
    page.fill("input[name=gtin]", "8934588012228")
    page.click("button.primary")
    page.wait_for_url(f"**/san-pham/{product.public_id}/")
    assert "8934588012228" in page.locator("main").inner_text()
    assert "Lịch sử thay đổi" in page.locator("main").inner_text()
    page.close()
