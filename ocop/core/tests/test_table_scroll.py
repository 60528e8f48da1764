"""Wide back-office tables scroll inside their box on a 360 px phone instead of widening the page: each sits
in a `.scroll` wrapper (app.css: overflow-x:auto). The pages a tester found widening, and two more found by
measuring every back-office page at 360 px in the demo."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
WRAPPED = [
    "traceability/alert_list.html",  # /quan-ly/tem/canh-bao/
    "traceability/lot_list.html",  # /quan-ly/tem/lo/
    "reporting/outcomes.html",  # /quan-ly/thong-ke/ket-qua/<chủ thể>/
    "reporting/targets.html",  # /quan-ly/thong-ke/chi-tieu/
    "monitoring/finding_list.html",  # /quan-ly/giam-sat/phat-hien/
    "monitoring/sales_point_list.html",  # /quan-ly/giam-sat/diem-ban/
    "monitoring/campaign_detail.html",  # /quan-ly/giam-sat/dot/<id>/
    "evaluation/round_list.html",  # /quan-ly/danh-gia/dot/
    "evaluation/round_detail.html",  # /quan-ly/danh-gia/dot/<id>/
]


def test_the_scroll_wrapper_scrolls():
    css = (Path(__file__).resolve().parents[1] / "static" / "ocop" / "app.css").read_text(encoding="utf-8")
    assert re.search(r"\.scroll\{[^}]*overflow-x:auto", css)


@pytest.mark.parametrize("name", WRAPPED)
def test_every_list_table_is_inside_a_scroll_wrapper(name):
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    tables = re.findall(r"(.{0,20})<table\b", text)
    assert tables, name
    assert all(before.endswith('<div class="scroll">') for before in tables), name
    assert text.count('<div class="scroll"><table') == text.count("</table></div>")
