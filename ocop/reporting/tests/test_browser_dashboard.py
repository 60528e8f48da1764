"""The provincial officer's journey of issue 7 in Chromium: open the dashboard, pick a year, download the
periodic report as XLSX and check it holds the numbers on the screen. Screenshots in test-artifacts/."""

import datetime
import io

import openpyxl
import pytest

from ocop.accounts.demo import DEMO_PASSWORD
from ocop.testing import BROWSER_DB, ensure_reference_data, login, shot

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.fixture
def demo(db):
    from ocop.accounts.demo import demo_users
    from ocop.evaluation import demo as evaluation_demo
    from ocop.registry.demo import load_seed_producers
    from ocop.reporting import demo as reporting_demo

    ensure_reference_data()
    load_seed_producers()
    demo_users()
    evaluation_demo.load()
    reporting_demo.load()


def _number(page, key: str) -> int:
    return int(page.locator(f"#stat-{key}").inner_text())


def test_officer_opens_dashboard_picks_a_year_and_downloads_the_report(browser, live_server, demo):
    from ocop.reporting.stats import area_for, summary

    base = live_server.url
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True
    )
    page = context.new_page()
    login(page, base, "laichau", DEMO_PASSWORD)
    page.click("header nav a:has-text('Thống kê')")
    assert page.locator("h1").inner_text() == "Thống kê OCOP — Tỉnh Lai Châu"
    now = summary(area_for(None, 12))
    assert _number(page, "products") == now["products"] > 0
    assert page.locator("svg").count() >= 6  # the charts are drawn on the server
    shot(page, "dashboard-1-province")

    years = page.locator("select#year option").all_inner_texts()
    year = datetime.date.today().year - 2
    assert f"Công nhận năm {year}" in years
    page.select_option("select#year", str(year))
    page.click("form.filters button:has-text('Xem')")
    assert f"year={year}" in page.url
    recognised = summary(area_for(None, 12), year)
    assert _number(page, "products") == recognised["products"]
    for star in "345":
        assert _number(page, f"star-{star}") == recognised["by_star"][star]
    shot(page, "dashboard-2-year")

    with page.expect_download() as info:
        page.click("a:has-text('Báo cáo định kỳ (XLSX)')")
    download = info.value
    assert download.suggested_filename == f"bao-cao-ocop-12-{year}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    cells = [
        c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None
    ]
    assert any("Lai Châu" in str(c) for c in cells)
    assert recognised["products"] in cells

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    small = phone.new_page()
    login(small, base, "laichau", DEMO_PASSWORD)
    small.goto(base + "/quan-ly/thong-ke/")
    assert small.evaluate("document.documentElement.scrollWidth") <= 420
    shot(small, "dashboard-3-phone")
    phone.close()
    context.close()
