"""Upgrade advisor: from a self-assessment, the smallest set of criterion improvements that reaches the
next star, gates included. Pure Python (no Django).

Fewest criteria first: the criteria held back by a gate must change anyway, and can be raised to their
maximum at no extra count; then other criteria join in order of what they can still add (largest first),
which gives the fewest criteria for the points missing. Within that set, each criterion is raised only to
the smallest option that is needed, so the advice asks for no more than necessary.
"""

from dataclasses import dataclass

from .rubric import Criterion, Sheet
from .scoring import STAR_THRESHOLD, score


@dataclass
class Step:
    criterion: str
    name: str
    current: float
    target: float
    option: str
    reason: str  # "gate": a star minimum; "points": to reach the band

    def as_dict(self) -> dict:
        return {
            "criterion": self.criterion,
            "name": self.name,
            "from": self.current,
            "to": self.target,
            "option": self.option,
            "reason": self.reason,
        }


@dataclass
class Advice:
    current_star: int
    target_star: int | None
    total: float
    needed_total: float | None
    steps: list[Step]
    reachable: bool

    def as_dict(self) -> dict:
        return {
            "current_star": self.current_star,
            "target_star": self.target_star,
            "total": round(self.total, 2),
            "needed_total": self.needed_total,
            "reachable": self.reachable,
            "steps": [s.as_dict() for s in self.steps],
        }


def _options_above(c: Criterion, points: float) -> list[float]:
    return sorted({float(o.points) for o in c.options if float(o.points) > points})


def advise(sheet: Sheet, answers: dict) -> Advice:
    result = score(sheet, [answers])
    given = result.criterion_means
    current = result.star
    if current >= 5:
        return Advice(current, None, result.total, None, [], True)
    target = max(current + 1, 3)  # 1★ and 2★ are not recognised: the next useful star is 3★
    threshold = STAR_THRESHOLD[target]
    levels = dict(given)
    reasons: dict[str, str] = {}
    # 1. Every gate up to the target star must be met.
    for c in sheet.criteria:
        gate = c.gate(target)
        if gate is not None and levels[c.code] < gate:
            levels[c.code] = gate
            reasons[c.code] = "gate"
    total = sum(levels.values())
    # 2. Points: raise criteria already changing first (free), then the ones that add the most.
    deficit = threshold - total
    if deficit > 1e-9:
        headroom = {c.code: c.max - levels[c.code] for c in sheet.criteria if c.max > levels[c.code]}
        order = sorted(headroom, key=lambda k: (k not in reasons, -headroom[k], k))
        chosen = []
        for code in order:
            if deficit <= 1e-9:
                break
            chosen.append(code)
            deficit -= headroom[code]
        if deficit > 1e-9:
            return Advice(current, target, result.total, threshold, [], False)
        # Raise the chosen criteria only as far as needed, largest headroom first.
        deficit = threshold - total
        for code in chosen:
            if deficit <= 1e-9:
                break
            c = sheet.criterion(code)
            for pts in _options_above(c, levels[code]):
                if pts - levels[code] >= deficit - 1e-9 or pts == c.max:
                    deficit -= pts - levels[code]
                    levels[code] = pts
                    reasons.setdefault(code, "points")
                    break
    steps = []
    for c in sheet.criteria:
        if levels[c.code] > given[c.code]:
            opt = c.option_for(levels[c.code])
            steps.append(
                Step(c.code, c.name, given[c.code], levels[c.code], opt.label if opt else "", reasons[c.code])
            )
    return Advice(current, target, result.total, threshold, steps, True)
