"""The dashboard SVG charts: well-formed, to scale, inside their viewBox, escaped, Vietnamese numbers."""

import ast
import itertools
import math
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocop.reporting import charts
from ocop.reporting.charts import PALETTE, bars, columns, fmt, line, percentages, progress, share

NS = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert('x')</script> & \"quoted\""
GREEN, ORANGE = PALETTE[2], PALETTE[1]


def parse(svg: str) -> ET.Element:
    assert svg.startswith("<svg")
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("width") == "100%"
    assert root.get("font-family") == "system-ui,sans-serif"
    assert root.get("role") in ("img", "group") and root.get("aria-label")
    assert root.find(f"{NS}title") is not None
    return root


def view(root: ET.Element) -> tuple[float, float]:
    x, y, w, h = map(float, root.get("viewBox").split())
    assert (x, y) == (0, 0)
    return w, h


def rects(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{NS}rect"))


def texts(root: ET.Element) -> list[str]:
    """The text of every <text>, without the tooltip <title> some of them carry."""
    return [
        "".join(t.itertext()).removeprefix(t.findtext(f"{NS}title") or "") for t in root.iter(f"{NS}text")
    ]


def box(r: ET.Element) -> tuple[float, float, float, float]:
    return tuple(float(r.get(a)) for a in ("x", "y", "width", "height"))


def assert_inside(root: ET.Element) -> None:
    w, h = view(root)
    for r in rects(root):
        x, y, rw, rh = box(r)
        assert rw >= 0 and rh >= 0
        assert 0 <= x and x + rw <= w + 0.01 and 0 <= y and y + rh <= h + 0.01, ET.tostring(r)
    for t in root.iter(f"{NS}text"):
        assert 0 <= float(t.get("x")) <= w and 0 <= float(t.get("y")) <= h, ET.tostring(t)
    for c in root.iter(f"{NS}circle"):
        assert 0 <= float(c.get("cx")) <= w and 0 <= float(c.get("cy")) <= h


def test_pure_python_module():
    tree = ast.parse(Path(charts.__file__).read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported and all(m.split(".")[0] in sys.stdlib_module_names for m in imported), imported
    assert ast.get_docstring(tree)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (12345, "12.345"),
        (1234.5, "1.234,5"),
        (0, "0"),
        (7, "7"),
        (-1234567, "-1.234.567"),
        (2.0, "2"),
        (1_000_000.0, "1.000.000"),
        (0.04, "0"),
        (-0.04, "0"),
        (-12.25, "-12,3"),
        (9.25, "9,3"),
        (1e300, "1" + ".000" * 100),
        (Decimal("1234.50"), "1.234,5"),
        (float("nan"), "–"),
    ],
)
def test_fmt(n, expected):
    assert fmt(n) == expected


def test_fmt_digits():
    assert fmt(3.14159, 2) == "3,14"
    assert fmt(0.25, 0) == "0"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 1, 1], [34, 33, 33]),
        ([0, 0], [0, 0]),
        ([], []),
        ([5], [100]),
        ([1, 2], [33, 67]),
        ([2, 1, 1], [50, 25, 25]),
        ([10, 0, -3, None], [100, 0, 0, 0]),
        ([1, 1, 1, 1, 1, 1], [17, 17, 17, 17, 16, 16]),
        ([0.5, 0.25, 0.25], [50, 25, 25]),
    ],
)
def test_percentages(values, expected):
    assert percentages(values) == expected


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30))
def test_percentages_sum_to_100_within_one_of_the_exact_share(values):
    got = percentages(values)
    total = sum(values)
    if not total:
        assert got == [0] * len(values)
        return
    assert sum(got) == 100
    for v, p in zip(values, got, strict=True):
        assert math.floor(100 * v / total) <= p <= math.floor(100 * v / total) + 1


def test_bars_widths_proportional_and_values_written():
    root = parse(bars([("Lai Châu", 10), ("Sơn La", 5), ("Điện Biên", 0)], title="Sản phẩm", unit="sp"))
    widths = [box(r)[2] for r in rects(root)]
    assert len(widths) == 3
    assert widths[0] > 100
    assert widths[0] / widths[1] == pytest.approx(2, abs=0.01)
    assert widths[2] == 0
    assert texts(root) == ["Lai Châu", "10 sp", "Sơn La", "5 sp", "Điện Biên", "0 sp"]
    assert root.get("aria-label") == "Sản phẩm: Lai Châu 10 sp; Sơn La 5 sp; Điện Biên 0 sp"
    assert root.get("role") == "img"
    assert_inside(root)


def test_bars_height_grows_with_rows():
    one = view(parse(bars([("a", 1)], title="t")))[1]
    ten = view(parse(bars([(str(i), i) for i in range(10)], title="t")))[1]
    assert ten - one == pytest.approx(9 * 22)


def test_bars_largest_value_fits_even_with_a_smaller_max_value():
    root = parse(bars([("Hà Nội", 123456789.5), ("b", 3)], title="t", unit="triệu đồng", max_value=10))
    assert_inside(root)
    assert "123.456.789,5 triệu đồng" in texts(root)


def test_bars_max_value_fixes_the_scale():
    alone = box(rects(parse(bars([("a", 5)], title="t")))[0])[2]
    half = box(rects(parse(bars([("a", 5)], title="t", max_value=10)))[0])[2]
    assert half / alone == pytest.approx(0.5, abs=0.01)


def test_bars_long_labels_truncated_with_full_text_as_tooltip():
    long = "Hợp tác xã nông nghiệp dịch vụ tổng hợp Mường Thanh"
    root = parse(bars([(long, 3)], title="t"))
    label = next(root.iter(f"{NS}text"))
    shown = texts(root)[0]
    assert shown.endswith("…") and len(shown) <= 28 and long.startswith(shown[:-1])
    assert label.findtext(f"{NS}title") == long


def test_bars_links_keep_safe_hrefs_only():
    svg = bars([("a", 1), ("b", 2), ("c", 3)], title="t", href=["/tinh/12/", "javascript:alert(1)"])
    root = parse(svg)
    links = list(root.iter(f"{NS}a"))
    assert [a.get("href") for a in links] == ["/tinh/12/"]
    assert "javascript" not in svg
    assert root.get("role") == "group"


def test_bars_negative_and_junk_values_count_as_zero():
    root = parse(bars([("a", -5), ("b", float("nan")), ("c", None), ("d", 2)], title="t"))
    assert [box(r)[2] for r in rects(root)][:3] == [0, 0, 0]
    assert_inside(root)


@pytest.mark.parametrize(
    "svg",
    [
        bars([], title="Xếp hạng"),
        columns([], [("a", [], GREEN)], title="Xếp hạng"),
        columns(["2024"], [], title="Xếp hạng"),
        share([], title="Xếp hạng"),
        line(["2024"], [("a", [None], GREEN)], title="Xếp hạng"),
        line([], [], title="Xếp hạng"),
    ],
)
def test_empty_data_gives_the_empty_message(svg):
    root = parse(svg)
    assert texts(root) == ["Chưa có số liệu"]
    assert not rects(root)


def test_empty_message_can_be_given():
    assert texts(parse(bars([], title="t", empty="Không có <dữ liệu>"))) == ["Không có <dữ liệu>"]


def test_every_text_is_escaped():
    svgs = [
        bars([(EVIL, 1)], title=EVIL, unit=EVIL, href=[f'/x?"{EVIL}'], empty=EVIL),
        bars([], title=EVIL, empty=EVIL),
        columns([EVIL, "2025"], [(EVIL, [1, 2], GREEN), ("b", [3, 4], f'red" onload="{EVIL}')], title=EVIL),
        columns([EVIL], [(EVIL, [1], GREEN), ("b", [3], ORANGE)], title=EVIL, stacked=False),
        progress(3, 4, label=EVIL, forecast=5, unit=EVIL, forecast_label=EVIL),
        share([(EVIL, 3, GREEN), ("b\x00\x1f", 1, ORANGE)], title=EVIL),
        line([EVIL, "b"], [(EVIL, [1, 2], GREEN)], title=EVIL, unit=EVIL),
    ]
    for svg in svgs:
        root = parse(svg)
        assert "<script" not in svg and 'onload="' not in svg
        assert "&lt;script&gt;" in svg
        assert any("<script>" in t for t in [*texts(root), root.get("aria-label")])
        title = root.findtext(f"{NS}title")
        assert "<script>" in title


def test_columns_stacked_heights_sum_to_the_total():
    root = parse(
        columns(
            ["2023", "2024", "2025"],
            [
                ("3 sao", [10, 20, 0], "#f2c94c"),
                ("4 sao", [30, 20, 7], "#e0a526"),
                ("5 sao", [0, 5], "#b7791f"),
            ],
            title="Sản phẩm theo năm",
        )
    )
    bars_ = [r for r in rects(root) if r.find(f"{NS}title") is not None]
    by_year: dict[str, list[tuple[float, float, float, float]]] = {}
    for r in bars_:
        by_year.setdefault(r.findtext(f"{NS}title").split(", ")[1].split(":")[0], []).append(box(r))
    assert sorted(by_year) == ["2023", "2024", "2025"]
    assert len(by_year["2023"]) == 2 and len(by_year["2025"]) == 1  # zero segments not drawn
    px_per_unit = by_year["2023"][0][3] / 10
    for year, total in (("2023", 40), ("2024", 45), ("2025", 7)):
        segments = by_year[year]
        assert sum(s[3] for s in segments) == pytest.approx(total * px_per_unit, abs=0.15)
        for below, above in itertools.pairwise(segments):  # stacked: each starts where the previous ends
            assert above[1] + above[3] == pytest.approx(below[1])
    shown = texts(root)
    assert {"40", "45", "7"} <= set(shown)
    assert {"3 sao", "4 sao", "5 sao", "2023", "2024", "2025"} <= set(shown)
    assert_inside(root)


def test_columns_gridlines_are_round_and_cover_the_tallest_column():
    root = parse(columns(["2024", "2025"], [("a", [12345, 800], GREEN)], title="t"))
    shown = texts(root)
    assert shown[:4] == ["0", "5.000", "10.000", "15.000"]
    assert_inside(root)


@pytest.mark.parametrize("hi", [1, 3, 7, 10, 11, 26, 99, 100, 101, 12345, 0.7, 0.07, 1.1, 5e9])
def test_ticks_nice_and_three_to_five(hi):
    ticks, _ = charts._ticks(0, hi)
    steps = {round(b - a, 12) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 9) in (1, 2, 5)
    assert ticks[0] == 0 and ticks[-1] >= hi and 3 <= len(ticks) - 1 <= 5


def test_columns_side_by_side():
    root = parse(
        columns(["2024", "2025"], [("a", [10, 20], GREEN), ("b", [5, 0], ORANGE)], title="t", stacked=False)
    )
    boxes = [box(r) for r in rects(root) if r.find(f"{NS}title") is not None]
    assert len(boxes) == 3
    assert boxes[1][3] / boxes[0][3] == pytest.approx(0.5, abs=0.01)
    assert boxes[2][3] / boxes[0][3] == pytest.approx(2, abs=0.01)
    assert boxes[0][0] + boxes[0][2] <= boxes[1][0]  # side by side, not overlapping
    assert boxes[0][1] + boxes[0][3] == pytest.approx(boxes[1][1] + boxes[1][3])  # same baseline
    assert_inside(root)


def test_columns_many_categories_labels_thinned_and_inside():
    cats = [f"Tháng {m}/2025" for m in range(1, 13)]
    root = parse(columns(cats, [("a", list(range(12)), GREEN)], title="t"))
    assert 1 < sum(t.startswith("Tháng") for t in texts(root)) < 12
    assert_inside(root)


def test_progress_text_and_geometry():
    root = parse(progress(45, 60, label="Sản phẩm 3 sao năm 2025", unit="sp"))
    assert "45 / 60 sp (75 %)" in texts(root)
    track, value = rects(root)
    assert box(value)[2] / box(track)[2] == pytest.approx(0.75, abs=0.01)
    target_x = float(next(root.iter(f"{NS}path")).get("d")[1:].split()[0])
    assert target_x == pytest.approx(box(track)[0] + box(track)[2])
    assert root.get("aria-label") == "Sản phẩm 3 sao năm 2025: 45 / 60 sp (75 %)"
    assert_inside(root)


def test_progress_over_target_is_clipped_to_the_scale():
    root = parse(progress(150, 100, label="Vượt chỉ tiêu"))
    assert "150 / 100 (150 %)" in texts(root)
    track, value = rects(root)
    assert box(value)[2] == box(track)[2]
    target_x = float(next(root.iter(f"{NS}path")).get("d")[1:].split()[0])
    assert target_x - box(track)[0] == pytest.approx(box(track)[2] * 100 / 150, abs=0.1)
    assert_inside(root)


def test_progress_zero_target_and_zero_everything():
    root = parse(progress(5, 0, label="Không chỉ tiêu"))
    assert "5 / 0" in texts(root) and "%" not in "".join(texts(root))
    assert root.find(f"{NS}path") is None  # no target line
    assert_inside(root)
    root = parse(progress(0, 0, label="Trống", forecast=0))
    assert all(box(r)[2] == 0 for r in rects(root)[1:])
    assert_inside(root)


def test_progress_forecast_bar():
    root = parse(progress(30, 100, label="Chỉ tiêu", forecast=120, unit="sp"))
    track, ahead, value = rects(root)
    assert ahead.get("fill-opacity") == ".35"
    assert box(ahead)[2] == box(track)[2]  # the forecast sets the scale
    assert box(value)[2] / box(ahead)[2] == pytest.approx(30 / 120, abs=0.01)
    assert "Dự báo: 120 sp (120 %)" in texts(root)
    assert_inside(root)


def test_share_segments_and_legend():
    root = parse(share([("Có sản phẩm OCOP", 2, GREEN), ("Chưa có", 1, "#ccc")], title="Xã"))
    track, with_, without, *swatches = rects(root)
    assert box(with_)[2] + box(without)[2] == pytest.approx(box(track)[2])
    assert box(with_)[2] / box(without)[2] == pytest.approx(2, abs=0.01)
    assert len(swatches) == 2
    assert texts(root) == ["Có sản phẩm OCOP: 2 (67 %)", "Chưa có: 1 (33 %)"]
    assert_inside(root)


def test_share_all_zero_and_thirds():
    root = parse(share([("a", 0, GREEN), ("b", 0, ORANGE)], title="t"))
    assert texts(root) == ["a: 0 (0 %)", "b: 0 (0 %)"]
    assert len(rects(root)) == 3  # track and two swatches, no segment
    shown = texts(parse(share([("a", 1, GREEN), ("b", 1, ORANGE), ("c", 1, "#999")], title="t")))
    assert shown == ["a: 1 (34 %)", "b: 1 (33 %)", "c: 1 (33 %)"]


def test_line_gaps_dots_and_last_values():
    root = parse(
        line(
            ["2021", "2022", "2023", "2024", "2025"],
            [("Doanh thu", [1.5, None, 2, 3.25, 4], GREEN), ("Khác", [5, 4, None, None, None], ORANGE)],
            title="Doanh thu",
            unit="tỷ",
        )
    )
    paths = [p for p in root.iter(f"{NS}path") if p.get("fill") == "none"]
    assert [p.get("d").count("M") for p in paths] == [2, 1]  # the gap starts a new sub-path
    assert len(list(root.iter(f"{NS}circle"))) == 6
    shown = texts(root)
    assert "4 tỷ" in shown and "4 tỷ" in shown and shown.count("4 tỷ") == 2
    assert "3,2 tỷ" not in shown  # only the last value is written
    assert root.get("aria-label") == "Doanh thu: Doanh thu 4 tỷ; Khác 4 tỷ"
    assert_inside(root)


def test_line_higher_value_is_higher_and_negative_values_fit():
    root = parse(line(["a", "b", "c"], [("s", [-20, 0, 35], GREEN)], title="Tăng trưởng", unit="%"))
    ys = [float(c.get("cy")) for c in root.iter(f"{NS}circle")]
    assert ys[0] > ys[1] > ys[2]
    assert (ys[0] - ys[1]) / (ys[1] - ys[2]) == pytest.approx(20 / 35, abs=0.01)
    assert "-20" in texts(root)
    assert_inside(root)


def test_compact_for_a_national_ranking():
    provinces = [(f"Tỉnh số {i}", i * 37) for i in range(34)]
    svg = bars(provinces, title="Sản phẩm OCOP theo tỉnh", href=[f"/tinh/{i}/" for i in range(34)])
    assert len(svg.encode()) < 12_000
    assert_inside(parse(svg))
