"""Browser journeys in Debian's Chromium, driven by Playwright (marker: browser; `.ci/run` runs them).

Screenshots go to test-artifacts/ so that people can see what the pages look like."""

import pytest

from ocop.accounts.models import Profile, Role
from ocop.testing import BROWSER_DB, ensure_reference_data, login, shot

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.fixture
def demo_data(db):
    from django.contrib.auth import get_user_model

    from ocop.registry.demo import load_seed_producers

    ensure_reference_data()
    load_seed_producers()
    user = get_user_model().objects.create_user("dienbien", password="mat-khau-thu-nghiem")
    Profile.objects.create(user=user, role=Role.PROVINCE, province_id=11)
    return user


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 860}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_officer_finds_product_by_typing_without_diacritics(browser, live_server, demo_data, viewport):
    tag = "desktop" if viewport["width"] > 600 else "phone"
    page = browser.new_page(viewport=viewport, locale="vi-VN")
    login(page, live_server.url, "dienbien")
    page.wait_for_url("**/quan-ly/san-pham/")
    assert page.locator("h1").first.inner_text().startswith("Sản phẩm OCOP")
    page.fill("input[name=q]", "mat ong")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=mat+ong*")
    names = page.locator("table.list a.strong").all_inner_texts()
    assert "Mật ong hoa ban" in names
    assert all(("Mật ong" in n or "mật" in n.lower()) for n in names)
    shot(page, f"product-list-{tag}")
    page.click("text=Mật ong hoa ban")
    page.wait_for_url("**/quan-ly/san-pham/*/")
    assert page.locator("h1").inner_text().startswith("Mật ong hoa ban")
    body = page.locator("main").inner_text()
    assert "HTX Ong mật Điện Biên" in body and "Tỉnh Điện Biên" in body
    shot(page, f"product-page-{tag}")
    page.close()


def test_officer_edit_with_bad_input_gets_vietnamese_message(browser, live_server, demo_data):
    from ocop.registry.models import Product

    product = Product.objects.get(name="Mật ong hoa ban")
    page = browser.new_page(locale="vi-VN")
    login(page, live_server.url, "dienbien")
    page.goto(f"{live_server.url}/quan-ly/san-pham/{product.public_id}/sua/")
    page.fill("input[name=gtin]", "8934588012227")
    page.click("button.primary")
    assert "không hợp lệ" in page.locator(".field.invalid .err").first.inner_text()
    shot(page, "product-edit-bad-gtin")
    page.fill("input[name=gtin]", "8934588012228")
    page.click("button.primary")
    page.wait_for_url(f"**/san-pham/{product.public_id}/")
    assert "8934588012228" in page.locator("main").inner_text()
    assert "Lịch sử thay đổi" in page.locator("main").inner_text()
    page.close()
