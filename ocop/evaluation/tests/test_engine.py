import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocop.core.errors import OcopError
from ocop.evaluation.advisor import advise
from ocop.evaluation.scoring import CouncilRules, band_of, quorum_met, score

from .sheets import crit, hundred, make

SHEET = hundred()


def full(sheet, pick=max):
    return {c.code: pick(c.allowed) for c in sheet.criteria}


def answers_strategy(sheet):
    return st.fixed_dictionaries({c.code: st.sampled_from(c.allowed) for c in sheet.criteria})


@pytest.mark.parametrize(
    ("total", "band"),
    [(100, 5), (90, 5), (89.99, 4), (70, 4), (69.999, 3), (50, 3), (49.99, 2), (30, 2), (29.99, 1), (0, 1)],
)
def test_bands_are_half_open(total, band):
    assert band_of(total) == band


def test_perfect_sheet_is_five_stars():
    r = score(SHEET, [full(SHEET)])
    assert (r.total, r.band, r.star, r.certifiable, r.unmet) == (100, 5, 5, True, [])
    assert r.parts == {"A": 40, "B": 25, "C": 35}


def test_gate_lowers_the_star_and_is_listed():
    a = full(SHEET)
    a["2.2"] = 1  # below the 4★ minimum of 3
    r = score(SHEET, [a])
    assert r.total == 96 and r.band == 5 and r.star == 3 and r.certifiable
    assert [(u.criterion, u.star, u.required, u.given) for u in r.unmet] == [("2.2", 4, 3, 1)]
    assert r.as_dict()["unmet"] == [{"criterion": "2.2", "star": 4, "required": 3, "given": 1}]


def test_three_star_gate_unmet_makes_it_not_certifiable():
    a = full(SHEET)
    a["2.1"] = 1
    r = score(SHEET, [a])
    assert r.star == 2 and not r.certifiable


def test_council_mean_compares_unrounded():
    # Three members: totals 70, 70, 69 → mean 69.67 → 3★ band, not 4★.
    base = {c.code: 0.0 for c in SHEET.criteria}
    one = dict(base, **{f"1.{i}": 4 for i in range(1, 11)}, **{"2.1": 2, "2.2": 3, "2.5": 9})
    one.update({"3.1": 5, "3.2": 1, "3.3": 5, "3.4": 5})
    assert sum(one.values()) == 70
    two = dict(one, **{"3.2": 0})
    r = score(SHEET, [one, one, two])
    assert r.band == 3 and r.as_dict()["total"] == 69.67
    assert r.criterion_means["3.2"] == pytest.approx(2 / 3)


def test_spread_flag_uses_rules():
    low = full(SHEET)
    low["2.5"] = 0  # 91
    assert score(SHEET, [full(SHEET), low]).spread_exceeded is False
    assert score(SHEET, [full(SHEET), low], CouncilRules(max_spread=5)).spread_exceeded is True


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({**{c.code: 0 for c in SHEET.criteria}, "2.2": 2}, "points_invalid"),
        ({**{c.code: 0 for c in SHEET.criteria}, "9.9": 1}, "criterion_unknown"),
        ({c.code: 0 for c in SHEET.criteria if c.code != "3.7"}, "criterion_missing"),
        ({**{c.code: 0 for c in SHEET.criteria}, "2.4": True}, "points_invalid"),
        ({**{c.code: 0 for c in SHEET.criteria}, "2.4": "1"}, "points_invalid"),
        ({**{c.code: 0 for c in SHEET.criteria}, "2.4": float("nan")}, "points_invalid"),
        ([], "answers_invalid"),
    ],
)
def test_bad_answers_name_the_criterion_and_allowed_points(answers, code):
    with pytest.raises(OcopError) as e:
        score(SHEET, [answers])
    assert e.value.code == code
    if code == "points_invalid" and isinstance(answers, dict) and answers.get("2.2") == 2:
        assert "«2.2»" in e.value.message and "0, 1, 3, 5" in e.value.message


def test_stop_criterion_at_zero_is_not_certifiable():
    sheet = make({"A": [crit("1", [(50, None)]), crit("2", [(1, None), (50, None)], stop=True)]})
    assert score(sheet, [{"1": 50, "2": 50}]).certifiable
    r = score(sheet, [{"1": 50, "2": 0}])
    assert r.stopped == ["2"] and not r.certifiable


def test_older_rubric_part_maxima_are_data():
    sheet = make(
        {"A": [crit("1", [(35, None)])], "B": [crit("2", [(25, None)])], "C": [crit("3", [(40, None)])]},
        rubric="1048/2019",
    )
    assert [p.max for p in sheet.parts] == [35, 25, 40]
    assert score(sheet, [{"1": 35, "2": 25, "3": 40}]).star == 5


def test_quorum_needs_the_chair_and_three_quarters():
    assert quorum_met(6, 8, chair_scored=True)
    assert not quorum_met(5, 8, chair_scored=True)
    assert not quorum_met(8, 8, chair_scored=False)
    assert quorum_met(2, 2, chair_scored=True, rules=CouncilRules(quorum=1.0))


@settings(max_examples=200, deadline=None)
@given(st.lists(answers_strategy(SHEET), min_size=1, max_size=7))
def test_engine_invariants(members):
    r = score(SHEET, members)
    assert 0 <= r.total <= 100
    assert r.total == pytest.approx(sum(r.parts.values()))
    assert all(0 <= r.parts[p.code] <= p.max for p in SHEET.parts)
    assert r.star <= r.band
    assert r.certifiable == (r.star >= 3)
    assert min(r.member_totals) <= r.total <= max(r.member_totals)
    # Every gate up to the final star is met; and the star just above (if within the band) is blocked.
    for c in SHEET.criteria:
        g = c.gate(r.star)
        assert r.star < 3 or g is None or r.criterion_means[c.code] >= g
    if r.star < r.band:
        assert any(u.star == r.star + 1 for u in r.unmet) or r.star < 2
    # Order of members does not matter.
    assert score(SHEET, list(reversed(members))).star == r.star


@settings(max_examples=200, deadline=None)
@given(answers_strategy(SHEET))
def test_advice_reaches_the_next_star(answers):
    advice = advise(SHEET, answers)
    if advice.target_star is None:
        assert advice.current_star == 5
        return
    assert advice.reachable  # on this sheet every star is reachable
    improved = dict(answers, **{s.criterion: s.target for s in advice.steps})
    assert score(SHEET, [improved]).star >= advice.target_star
    assert all(s.target > s.current for s in advice.steps)


def _brute_min_count(sheet, answers, target):
    codes = [c.code for c in sheet.criteria]
    for k in range(len(codes) + 1):
        for combo in itertools.combinations(codes, k):
            trial = dict(answers, **{c: sheet.criterion(c).max for c in combo})
            if score(sheet, [trial]).star >= target:
                return k
    return None


SMALL = make(
    {
        "A": [crit("1", [(10, None), (30, None)]), crit("2", [(5, 3), (20, None)])],
        "B": [crit("3", [(10, None), (25, 4)])],
        "C": [crit("4", [(10, None), (25, 5)])],
    }
)


@settings(max_examples=150, deadline=None)
@given(answers_strategy(SMALL))
def test_advice_uses_the_fewest_criteria(answers):
    advice = advise(SMALL, answers)
    if advice.target_star is None or not advice.reachable:
        return
    assert len(advice.steps) == _brute_min_count(SMALL, answers, advice.target_star)
