"""The whole evaluation journey in Chromium, by clicking, on the demo data of Lai Châu:
producer registers and self-assesses → commune forwards → province takes in and assigns to the round →
three members score → the round is closed → the Chairman's decision → the public certificate page."""

import pytest

from ocop.testing import BROWSER_DB, ensure_reference_data, login, shot

pytestmark = [pytest.mark.browser, BROWSER_DB]
PASSWORD = "ocop-demo-2026"


@pytest.fixture
def demo(db):
    from ocop.accounts.demo import demo_users
    from ocop.evaluation import demo as evaluation_demo
    from ocop.registry.demo import load_seed_producers

    ensure_reference_data()
    load_seed_producers()
    demo_users()
    evaluation_demo.load()


def _as(browser, base, username, viewport=None):
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 900}, locale="vi-VN")
    login(page, base, username, PASSWORD)
    return page


def _tick_all(page, which="last"):
    """Tick one option per criterion: the best (last) or the first listed option."""
    index = "last" if which == "last" else "first"
    page.eval_on_selector_all(
        "fieldset.crit",
        f"(sets) => sets.forEach(f => {{ const r = f.querySelectorAll('input[type=radio]'); "
        f"r[{'r.length - 1' if index == 'last' else '1'}].checked = true; }})",
    )


FOUR_STARS = """(sets) => {
  // Best option everywhere, then "none" on criteria without a star minimum until 12+ points are gone:
  // about 88 points with every gate met, i.e. 4 stars.
  let removed = 0;
  sets.forEach(f => { const r = f.querySelectorAll('input[type=radio]'); r[r.length - 1].checked = true; });
  sets.forEach(f => {
    const labels = [...f.querySelectorAll('label.opt')].map(l => l.textContent);
    if (removed >= 12 || labels.some(t => t.includes('*'))) return;
    const m = labels[labels.length - 1].match(/— ([0-9]+(?:,[0-9]+)?) đ/);
    f.querySelectorAll('input[type=radio]')[0].checked = true;
    removed += parseFloat(m[1].replace(',', '.'));
  });
}"""


def _flash(page):
    return page.locator(".flash").first.inner_text()


def test_evaluation_journey_by_clicking(browser, live_server, demo):
    from ocop.evaluation.models import Certificate, Dossier

    base = live_server.url
    # 1. The producer registers the product and self-assesses on a phone.
    page = _as(browser, base, "chuthe", {"width": 390, "height": 844})
    page.goto(f"{base}/quan-ly/san-pham/?q=nhan mac ca")
    page.click("text=Nhân mắc ca rang muối Tam Đường")
    page.click("text=Đăng ký đánh giá")
    page.wait_for_url("**/tu-danh-gia/")
    _tick_all(page, "first")
    page.click("text=Lưu phiếu")
    page.wait_for_url("**/ho-so/*/")
    assert "cần cải thiện ít nhất" in page.locator("main").inner_text()
    shot(page, "evaluation-1-self-assessment-advice-phone")
    page.click("text=Tự chấm điểm (Mẫu 02)")
    _tick_all(page, "last")
    page.click("text=Lưu phiếu")
    page.wait_for_url("**/ho-so/*/")
    page.click("text=Nộp hồ sơ cho UBND xã")
    assert "chờ xã rà soát" in _flash(page)
    dossier = Dossier.objects.get(product__name="Nhân mắc ca rang muối Tam Đường")
    url = f"{base}/quan-ly/danh-gia/ho-so/{dossier.public_id}/"
    page.close()

    # 2. The commune officer finds it in the queue; forwarding without the report is refused.
    page = _as(browser, base, "canboxa")
    page.goto(f"{base}/quan-ly/danh-gia/viec-can-lam/")
    page.click(f"text={dossier.public_id}")
    page.click("text=Chuyển lên tỉnh")
    assert "4 nội dung" in _flash(page)
    page.fill("textarea[name=raw_materials]", "Mắc ca trồng tại xã Bình Lư")
    page.fill("textarea[name=labour]", "25 lao động địa phương")
    page.fill("textarea[name=idea]", "Ý tưởng của công ty từ năm 2019")
    page.fill("textarea[name=identity]", "Vùng mắc ca Tam Đường")
    shot(page, "evaluation-2-commune-screening")
    page.click("text=Chuyển lên tỉnh")
    assert "Xã đã chuyển lên tỉnh" in _flash(page)
    page.close()

    # 3. The provincial office takes it in and puts it in the round.
    page = _as(browser, base, "laichau")
    page.goto(url)
    page.click("text=Tiếp nhận hồ sơ")
    page.click("text=Đưa vào đợt đánh giá")
    assert "Trong đợt đánh giá" in _flash(page)
    page.close()

    # 4. Each member scores every dossier of the round in their queue (the demo round holds another one).
    for member in ("hoidong", "hoidong2", "hoidong3"):
        page = _as(browser, base, member)
        page.goto(f"{base}/quan-ly/danh-gia/viec-can-lam/")
        assert dossier.public_id in page.locator("main").inner_text()
        while page.locator("table.list a.strong").count():
            page.locator("table.list a.strong").first.click()
            page.wait_for_url("**/cham/")
            page.eval_on_selector_all("fieldset.crit", FOUR_STARS)
            if member == "hoidong2":
                shot(page, "evaluation-3-member-score-sheet")
            page.click("text=Lưu phiếu")
            assert "Đã nộp phiếu chấm" in _flash(page)
        page.close()

    # 5. The office closes the round, sees mean and spread, and records the Chairman's decision.
    page = _as(browser, base, "laichau")
    page.goto(url)
    page.click("dd a[href*='/dot/']")
    page.click("text=Khóa kết quả đợt")
    assert "Đã cập nhật đợt đánh giá" in _flash(page)
    shot(page, "evaluation-4-round-results")
    page.goto(url)
    page.fill("input[name=number]", "2468/QĐ-UBND")
    page.click("text=Ghi quyết định")
    assert "Đã công nhận" in _flash(page)
    shot(page, "evaluation-5-decision")
    page.close()

    # 6. Anyone opens the certificate page on a phone.
    cert = Certificate.objects.get(dossier=dossier)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{base}/chung-nhan/{cert.number}/")
    assert "Còn hiệu lực" in page.locator("main").inner_text()
    shot(page, "evaluation-6-certificate-phone")
    page.close()
