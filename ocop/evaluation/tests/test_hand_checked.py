"""Engine results worked out by hand from the legal text (qd-26-2026-qd-ttg.txt, Phụ lục II)."""

import pytest

from ocop.evaluation.rubric import load_sheet
from ocop.evaluation.scoring import score


def best(sheet, **override):
    a = {c.code: c.max for c in sheet.criteria}
    a.update({k.replace("_", "."): v for k, v in override.items()})
    return a


def test_rice_wine_labelling_without_traceability_code_stops_at_three_stars():
    # Set 14, 2.3 "Phong cách, ghi nhãn hàng hóa": 1 point *** (label per the rules), 2, 3 points ****
    # ("… và có mã truy xuất nguồn gốc điện tử"). One of three members gives 2: mean 2.67 < 3.
    s = load_sheet(14)
    assert [(o.points, o.min_star) for o in s.criterion("2.3").options] == [(1, 3), (2, None), (3, 4)]
    r = score(s, [best(s), best(s), best(s, **{"2_3": 2})])
    assert r.total == pytest.approx(100 - 1 / 3) and r.band == 5
    assert r.star == 3 and r.certifiable
    assert r.as_dict()["unmet"] == [{"criterion": "2.3", "star": 4, "required": 3, "given": 2.67}]


def test_rice_wine_without_modern_distribution_is_four_stars():
    # Set 14, 4.1 "Khu vực phân phối chính": 1; 2 ***; 3 ****; 5 ***** (international or modern channels,
    # e-commerce under contract). 98 points but 4.1 = 3: the 5★ minimum is missed.
    s = load_sheet(14)
    assert [(o.points, o.min_star) for o in s.criterion("4.1").options] == [(1, None), (2, 3), (3, 4), (5, 5)]
    r = score(s, [best(s, **{"4_1": 3})] * 3)
    assert (r.total, r.band, r.star) == (98, 5, 4)
    assert [(u.criterion, u.star, u.required, u.given) for u in r.unmet] == [("4.1", 5, 5, 3)]


def test_honey_packaging_below_three_star_minimum_is_not_certifiable():
    # Set 4, 2.2 "Đóng gói, bao bì sản phẩm": 0, 1, 2 ***, 3. With 98 points but packaging at 1 point
    # the product does not reach the 3★ minimum: 2★, not recognised.
    s = load_sheet(4)
    assert s.criterion("2.2").gate(3) == 2
    r = score(s, [best(s, **{"2_2": 1})])
    assert (r.total, r.band, r.star, r.certifiable) == (98, 5, 2, False)


def test_tea_three_level_sensory_and_impurity_stop():
    # Set 11: sensory criteria 6.1 "Ngoại hình" and 6.2 "Nước pha" are split into leaves 6.1.x / 6.2.x;
    # impurities (6.1.1 "Tạp chất") found → "không đánh giá các bước tiếp theo".
    s = load_sheet(11)
    leaf = s.criterion("6.1.1")
    assert leaf.heading and leaf.stop and leaf.name == "Tạp chất"
    assert s.criterion("6.1") is None  # a parent without options is not scored itself
    r = score(s, [best(s, **{"6_1_1": 0})])
    assert r.stopped == ["6.1.1"] and not r.certifiable


def test_tourism_alternative_cases_share_points():
    # Set 26 criterion 8 "Đáp ứng điều kiện kinh doanh dịch vụ": two situations (a tourism service or a
    # tourist site), each 1 or 3 points. A member ticks an option of either case.
    s = load_sheet(26)
    c = s.criterion("8")
    assert {o.case for o in c.options} and None not in {o.case for o in c.options}
    assert c.allowed == (0, 1, 3) and c.max == 3
    assert score(s, [best(s)]).star == 5
    assert score(s, [best(s, **{"8": 1})]).total == 98
