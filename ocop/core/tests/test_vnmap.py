import ast
import gzip
import math
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocop.core import vnmap
from ocop.core.vnmap import Point, render

SVG = "{http://www.w3.org/2000/svg}"
HA_NOI = Point(21.03, 105.85, "Hà Nội")
HCMC = Point(10.78, 106.70, "TP Hồ Chí Minh")
DIEN_BIEN = Point(21.39, 103.02, "Điện Biên Phủ", kind="main")


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def size(root: ET.Element) -> tuple[float, float]:
    x, y, w, h = map(float, root.get("viewBox").split())
    assert (x, y) == (0, 0)
    assert (float(root.get("width")), float(root.get("height"))) == (w, h)
    return w, h


def points(root: ET.Element) -> dict[str, dict]:
    """label → {"cx", "cy", "r", "class", "href"} for every drawn point."""
    found = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "pts":
            continue
        for child in g:
            href = child.get("href") if child.tag == f"{SVG}a" else None
            circle = child.find(f"{SVG}circle") if href is not None else child
            assert circle.tag == f"{SVG}circle"
            title = child.find(f"{SVG}title") if href is not None else circle.find(f"{SVG}title")
            found[title.text] = {
                "cx": float(circle.get("cx")),
                "cy": float(circle.get("cy")),
                "r": float(circle.get("r")),
                "class": circle.get("class"),
                "href": href,
            }
    return found


def island_labels(root: ET.Element) -> list[str]:
    return [t.text for g in root.iter(f"{SVG}g") if g.get("class") == "isl-lbl" for t in g]


def test_module_imports_only_the_standard_library():
    tree = ast.parse(Path(vnmap.__file__).read_text(encoding="utf-8"))
    modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert modules, "no imports found: the check is broken"
    assert {m.split(".")[0] for m in modules} <= sys.stdlib_module_names


def test_outline_data_is_vietnam():
    mainland = max(vnmap.OUTLINE, key=len)
    lons = [lon for lon, _ in mainland]
    lats = [lat for _, lat in mainland]
    # Mainland extremes: Apa Chải ~102.14°E, Mũi Đôi ~109.46°E, Mũi Cà Mau ~8.6°N, Lũng Cú ~23.39°N.
    assert 102.0 < min(lons) < 102.3 and 109.3 < max(lons) < 109.6
    assert 8.4 < min(lats) < 8.7 and 23.2 < max(lats) < 23.5
    # Phú Quốc is one of the rings.
    assert any(103.8 < lon < 104.1 and 10.0 < lat < 10.5 for ring in vnmap.OUTLINE for lon, lat in ring)
    assert len(vnmap._OUTLINE) < 40 and sum(map(len, vnmap._OUTLINE)) < 12_000


def test_country_map_structure_and_orientation():
    root = parse(render([HA_NOI, HCMC, DIEN_BIEN], title="Điểm bán"))
    w, h = size(root)
    assert w == 320 and 300 < h < 450
    assert root.get("role") == "img" and root.get("aria-label") == "Điểm bán"
    assert root.get("class") == "vnmap"
    assert root[0].tag == f"{SVG}title" and root[0].text == "Điểm bán"
    lands = [p for p in root.iter(f"{SVG}path") if p.get("class") == "land"]
    assert len(lands) == 1 and len(lands[0].get("d")) > 1000
    assert lands[0].get("fill") and lands[0].get("stroke")
    assert not [e for e in root.iter() if "style" in e.attrib]
    pts = points(root)
    hn, hcm, db = pts["Hà Nội"], pts["TP Hồ Chí Minh"], pts["Điện Biên Phủ"]
    # North is up (smaller y), west is left (smaller x).
    assert hn["cy"] < hcm["cy"] - 100 and hn["cx"] < hcm["cx"]
    assert db["cx"] < hn["cx"] - 30 and abs(db["cy"] - hn["cy"]) < 15
    assert hn["class"] == "pt" and db["class"] == "pt pt-main" and db["r"] > hn["r"]
    for p in pts.values():
        assert 0 <= p["cx"] <= w and 0 <= p["cy"] <= h


def test_archipelagos_are_drawn_and_labelled_in_country_view():
    root = parse(render([]))
    w, h = size(root)
    assert island_labels(root) == ["Quần đảo Hoàng Sa", "Quần đảo Trường Sa"]
    marks = [p for p in root.iter(f"{SVG}path") if p.get("class") == "isl"]
    assert len(marks) == 1
    # The marks are "M<x> <y>h0" dots.
    marks_xy = [tuple(map(float, seg[1:].split())) for seg in marks[0].get("d").split("h0") if seg]
    # Islands east of the mainland (x > the coast at Mũi Đôi), in two clusters: Hoàng Sa north of Trường Sa.
    land = render([Point(12.6, 109.46, "Mũi Đôi")])
    coast_x = points(parse(land))["Mũi Đôi"]["cx"]
    east = [(x, y) for x, y in marks_xy if x > coast_x + 20]
    assert len(east) >= 20
    north = [y for _, y in east if y < h * 0.55]
    south = [y for _, y in east if y > h * 0.65]
    assert len(north) >= 5 and len(south) >= 10
    assert all(0 <= x <= w and 0 <= y <= h for x, y in marks_xy)


def test_island_labels_can_be_translated_but_not_removed():
    root = parse(render([], island_labels={"hoang_sa": "Hoang Sa Archipelago (Viet Nam)", "truong_sa": ""}))
    assert island_labels(root) == ["Hoang Sa Archipelago (Viet Nam)", "Quần đảo Trường Sa"]


def test_user_text_is_escaped():
    label = "<script>alert(\"x\")</script> & 'q' \x00\x1b"
    href = '/p?a=1&b="2"<x>'
    svg = render(
        [Point(21.0, 105.8, label, href=href, kind='x" onload="alert(1)')],
        title='T"<b>&',
        css_class='vnmap" onload="alert(1)',
    )
    assert "<script>" not in svg and 'onload="' not in svg and "<b>" not in svg
    root = parse(svg)
    assert root.get("aria-label") == 'T"<b>&' and root[0].text == 'T"<b>&'
    assert root.get("class") == 'vnmap" onload="alert(1)'
    (pt,) = points(root).values()
    assert pt["href"] == href
    assert pt["class"] == "pt"  # a kind that is not a plain CSS identifier is dropped
    assert root.get("role") == "group"  # interactive children: not role="img"
    assert [t.text for t in root.iter(f"{SVG}title")][1] == "<script>alert(\"x\")</script> & 'q' "


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:x", "data:text/html,x"]
)
def test_dangerous_hrefs_are_not_linked(href):
    root = parse(render([Point(21.0, 105.8, "x", href=href)]))
    assert not list(root.iter(f"{SVG}a"))
    assert points(root)["x"]["href"] is None
    assert root.get("role") == "img"


def test_invalid_points_are_skipped():
    bad = [
        Point(math.nan, 105.0, "nan"),
        Point(21.0, math.inf, "inf"),
        Point(48.85, 2.35, "Paris"),
        Point(7.0, 105.0, "south of the box"),
        Point(16.0, 119.0, "east of the box"),
        Point(None, 105.0, "none"),  # type: ignore[arg-type]
        Point("abc", 105.0, "text"),  # type: ignore[arg-type]
        object(),
    ]
    svg = render([*bad, HA_NOI, Point("10.78", "106.70", "from strings")], fit="points")  # type: ignore[arg-type]
    assert set(points(parse(svg))) == {"Hà Nội", "from strings"}
    assert set(points(parse(render(bad)))) == set()


def test_fit_points_zooms_around_a_single_point():
    country = parse(render([DIEN_BIEN]))
    zoom = parse(render([DIEN_BIEN], fit="points"))
    w, h = size(zoom)
    pt = points(zoom)["Điện Biên Phủ"]
    assert abs(pt["cx"] - w / 2) <= 1 and abs(pt["cy"] - h / 2) <= 1
    assert island_labels(zoom) == [] and island_labels(country)
    assert len([p for p in zoom.iter(f"{SVG}path") if p.get("class") == "land"]) == 1
    # Two points 0.2° of longitude apart: 0.2° is much wider in the zoomed frame than in the country one,
    # and the zoomed frame still spans about MIN_SPAN_DEG.
    near = [DIEN_BIEN, Point(21.39, 103.22, "east")]
    zoomed, whole = points(parse(render(near, fit="points"))), points(parse(render(near)))
    dx_zoom = zoomed["east"]["cx"] - zoomed["Điện Biên Phủ"]["cx"]
    dx_country = whole["east"]["cx"] - whole["Điện Biên Phủ"]["cx"]
    assert dx_country > 0
    assert dx_zoom > 5 * dx_country
    span_km = 0.2 * 111.32 * math.cos(math.radians(21.39)) * w / dx_zoom
    assert 1.4 * 111.32 < span_km < 2.5 * 111.32


def test_fit_points_frames_a_province_with_padding():
    pts = [Point(20.84, 106.69, "Hải Phòng"), Point(20.73, 107.05, "Cát Bà"), Point(20.95, 107.07, "Hạ Long")]
    root = parse(render(pts, fit="points", width=480, pad_km=30))
    w, h = size(root)
    assert w == 480 and 0.6 * w <= h <= 1.6 * w
    drawn = points(root)
    assert set(drawn) == {"Hải Phòng", "Cát Bà", "Hạ Long"}
    # 30 km of padding: no point touches the frame.
    for p in drawn.values():
        assert 40 < p["cx"] < w - 40 and 40 < p["cy"] < h - 40
    # Few points on a large map: labels are drawn as text too.
    assert {t.text for g in root.iter(f"{SVG}g") if g.get("class") == "lbls" for t in g} == set(drawn)
    small = parse(render(pts, fit="points", width=240))
    assert not [g for g in small.iter(f"{SVG}g") if g.get("class") == "lbls"]


def test_fit_points_without_valid_points_falls_back_to_country():
    assert render([Point(math.nan, 0, "x")], fit="points") == render([])


def test_explicit_height_and_bad_arguments():
    root = parse(render([HA_NOI], width=300, height=200))
    assert size(root) == (300, 200)
    with pytest.raises(ValueError):
        render([], fit="world")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        render([], width=0)


def test_sizes_stay_small():
    import random

    rng = random.Random(7)
    many = [
        Point(rng.uniform(9, 22.5), rng.uniform(103, 109), f"Điểm bán {i}", kind="sale") for i in range(200)
    ]
    empty = render([])
    assert len(empty.encode()) < 7_000
    assert len(render([DIEN_BIEN], fit="points").encode()) < 2_000
    svg = render(many)
    assert len(points(parse(svg))) == 200
    assert len(svg.encode()) < 25_000
    linked = render([Point(p.lat, p.lon, p.label, href=f"/diem-ban/{i}/") for i, p in enumerate(many)])
    assert len(gzip.compress(linked.encode())) < 8_000


@given(st.text(max_size=60), st.text(max_size=60))
def test_any_text_gives_well_formed_xml(label, href):
    root = parse(render([Point(16.0, 107.0, label, href=href)], title=label))
    assert len(list(root.iter(f"{SVG}circle"))) == 1
