"""The 26 score sheets of QĐ 26/2026 as data: structure and sums (the text was checked by hand, see notes)."""

import pytest

from ocop.evaluation.rubric import load_all, load_sheet

SHEETS = load_all()


def test_all_26_sets_are_there():
    assert [s.set for s in SHEETS] == list(range(1, 27))


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: f"set{s.set}")
def test_sheet_sums_and_options_are_consistent(sheet):
    assert {p.code: p.max for p in sheet.parts} == {"A": 40, "B": 25, "C": 35}
    assert sheet.total_max == 100
    codes = [c.code for c in sheet.criteria]
    assert len(codes) == len(set(codes)), "criterion codes are unique"
    for p in sheet.parts:
        groups = [g for g in sheet.groups if g.part == p.code]
        assert sum(g.max for g in groups) == pytest.approx(p.max), p.code
        for g in groups:
            crits = [c for c in sheet.criteria if c.part == p.code and c.group == g.code]
            assert crits, f"group {g.code} has criteria"
            assert sum(c.max for c in crits) == pytest.approx(g.max), f"group {g.code}"
    for c in sheet.criteria:
        points = [o.points for o in c.options]
        assert c.options and max(points) == c.max > 0, c.code
        assert all(p >= 0 for p in points)
        assert all(o.min_star in (None, 3, 4, 5) for o in c.options), c.code
        # A higher star's minimum is never below a lower star's on the same criterion.
        assert all((c.gate(s) or 0) <= (c.gate(s + 1) or 0) for s in (3, 4)), c.code
    # The best answers reach 5 stars; ticking nothing is 1 star.
    from ocop.evaluation.scoring import score

    best = score(sheet, [{c.code: c.max for c in sheet.criteria}])
    assert best.total == pytest.approx(100) and best.star == 5
    assert score(sheet, [{c.code: 0 for c in sheet.criteria}]).star == 1


def test_known_gates_of_set_1():
    """OCOP.md: packaging 2.2 ≥ 2 for 3★; labelling 2.3 = 3 for 4★; distribution 4.1 = 5 for 5★."""
    s = load_sheet(1)
    assert s.criterion("2.2").gate(3) == 2
    assert s.criterion("2.3").gate(4) == 3
    assert s.criterion("4.1").gate(5) == 5
