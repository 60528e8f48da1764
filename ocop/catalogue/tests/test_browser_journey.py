"""The catalogue journey in Chromium on a phone-sized screen with JavaScript switched off: search "mat ong",
filter by Điện Biên and 4★, open the product, follow a sales point. Screenshots in test-artifacts/."""

import pytest

from ocop.testing import BROWSER_DB, ensure_reference_data, shot

pytestmark = [pytest.mark.browser, BROWSER_DB]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(db):
    from ocop.accounts.demo import demo_users
    from ocop.catalogue import demo as catalogue_demo
    from ocop.evaluation import demo as evaluation_demo
    from ocop.registry.demo import load_seed_producers

    ensure_reference_data()
    load_seed_producers()
    demo_users()
    evaluation_demo.load()
    assert catalogue_demo.load()


def test_search_filter_open_follow(browser, live_server, demo):
    base = live_server.url
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/")
    page.fill("input[name=q]", "mat ong")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ul.cards")
    assert page.locator("ul.cards li:has-text('Mật ong hoa ban')").count() == 1
    shot(page, "catalogue-1-search")

    page.click("details.filters summary")
    page.select_option("select[name=province]", label="Tỉnh Điện Biên")
    page.click("details.filters button:has-text('Áp dụng')")
    page.click(".chips a:has-text('4★')")
    cards = page.locator("ul.cards li")
    names = cards.all_inner_texts()
    assert names and all("Điện Biên" in n for n in names)
    assert any("Mật ong hoa ban" in n for n in names)
    assert "province=11" in page.url and "star=4" in page.url and "q=mat+ong" in page.url
    shot(page, "catalogue-2-filtered")

    page.click("ul.cards a:has-text('Mật ong hoa ban')")
    assert page.locator("h1").inner_text().startswith("Mật ong hoa ban")
    assert "còn hiệu lực" in page.locator(".status").inner_text()
    assert page.locator("svg.vnmap").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing wider than the phone
    shot(page, "catalogue-3-product")

    page.click("#mua a:has-text('Trung tâm giới thiệu sản phẩm OCOP tỉnh Điện Biên')")
    assert page.locator("h1").inner_text() == "Trung tâm giới thiệu sản phẩm OCOP tỉnh Điện Biên"
    assert page.locator("ul.cards li:has-text('Mật ong hoa ban')").count() == 1
    assert (
        page.locator("a:has-text('Mở bản đồ chỉ đường')")
        .get_attribute("href")
        .startswith("https://www.openstreetmap.org/")
    )
    shot(page, "catalogue-4-sales-point")
    context.close()
