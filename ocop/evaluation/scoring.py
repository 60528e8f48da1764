"""The scoring engine: members' answers → validation → part and total per member → council mean → band →
final star after the cumulative star gates → unmet gates → certifiable. Pure Python (no Django).

Answers map a criterion code to the points of the ticked option (0 = none ticked). Comparisons use the
unrounded means; rounding to 2 decimals is only for display (`as_dict`).
"""

import math
from dataclasses import dataclass, field

from ocop.core.errors import OcopError, gettext_noop

from .rubric import Sheet

# Half-open bands on the council mean: [90, 100] 5★, [70, 90) 4★, [50, 70) 3★, [30, 50) 2★, [0, 30) 1★.
BANDS = ((90.0, 5), (70.0, 4), (50.0, 3), (30.0, 2))
CERTIFIABLE_MIN_STAR = 3
STAR_THRESHOLD = {5: 90.0, 4: 70.0, 3: 50.0, 2: 30.0, 1: 0.0}


@dataclass(frozen=True)
class CouncilRules:
    """Provincial rules, settings rather than constants."""

    max_spread: float = 10.0  # members' totals further apart are flagged for re-discussion
    quorum: float = 0.75  # share of members who must score, the chair included


@dataclass
class MemberScore:
    parts: dict[str, float]
    total: float


@dataclass
class Unmet:
    criterion: str
    star: int
    required: float
    given: float


@dataclass
class Result:
    rubric: str
    set: int
    members: int
    parts: dict[str, float]
    total: float
    band: int
    star: int
    certifiable: bool
    unmet: list[Unmet] = field(default_factory=list)
    member_totals: list[float] = field(default_factory=list)
    spread: float = 0.0
    spread_exceeded: bool = False
    stopped: list[str] = field(default_factory=list)
    criterion_means: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The CLI and API contract (numbers rounded to 2 decimals for display only)."""
        return {
            "rubric": self.rubric,
            "set": self.set,
            "members": self.members,
            "parts": {k: _r(v) for k, v in self.parts.items()},
            "total": _r(self.total),
            "band": self.band,
            "star": self.star,
            "certifiable": self.certifiable,
            "unmet": [
                {"criterion": u.criterion, "star": u.star, "required": _r(u.required), "given": _r(u.given)}
                for u in self.unmet
            ],
        }


def _r(x: float) -> float | int:
    v = round(x + 0.0, 2)
    return int(v) if v == int(v) else v


class AnswerError(OcopError):
    """A member's answers do not fit the sheet (CLI exit status 2, API 422). Carries a stable code and
    params; the message is translated where it is read (ocop/core/errors.py)."""

    status = 422


# Each message twice: alone (a self-assessment) and naming the council member (whole sentences translate).
_MESSAGES = {
    "answers_invalid": (
        gettext_noop("Phiếu trả lời phải là một đối tượng {mã tiêu chí: điểm}."),
        gettext_noop("Thành viên %(member)s: phiếu trả lời phải là một đối tượng {mã tiêu chí: điểm}."),
    ),
    "criterion_unknown": (
        gettext_noop("Tiêu chí «%(criterion)s» không có trong phiếu bộ sản phẩm số %(set)s (%(rubric)s)."),
        gettext_noop(
            "Thành viên %(member)s: tiêu chí «%(criterion)s» không có trong phiếu bộ sản phẩm số %(set)s "
            "(%(rubric)s)."
        ),
    ),
    "criterion_missing": (
        gettext_noop(
            "Thiếu tiêu chí «%(criterion)s» (%(name)s); điểm được phép: %(allowed)s (0 = không chọn ý nào)."
        ),
        gettext_noop(
            "Thành viên %(member)s: thiếu tiêu chí «%(criterion)s» (%(name)s); điểm được phép: %(allowed)s "
            "(0 = không chọn ý nào)."
        ),
    ),
    "points_invalid": (
        gettext_noop(
            "Tiêu chí «%(criterion)s» (%(name)s): %(given)s điểm không phải một lựa chọn; điểm được phép: "
            "%(allowed)s."
        ),
        gettext_noop(
            "Thành viên %(member)s: tiêu chí «%(criterion)s» (%(name)s): %(given)s điểm không phải một lựa "
            "chọn; điểm được phép: %(allowed)s."
        ),
    ),
}


def _answer_error(code: str, member: int | None, params: dict, **kw) -> AnswerError:
    alone, of_member = _MESSAGES[code]
    if member is None:
        return AnswerError(code, alone, params=params, **kw)
    return AnswerError(code, of_member, params={**params, "member": member}, **kw)


def _fmt(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x).replace(".", ",")


def validate(sheet: Sheet, answers: dict, *, member: int | None = None) -> dict[str, float]:
    """Check one member's answers against the sheet: every criterion present, each value one of the
    criterion's option points (or 0), nothing unknown. Returns the answers as floats."""
    if not isinstance(answers, dict):
        raise _answer_error("answers_invalid", member, {})
    unknown = sorted(k for k in answers if sheet.criterion(str(k)) is None)
    if unknown:
        raise _answer_error(
            "criterion_unknown",
            member,
            {"criterion": str(unknown[0]), "set": sheet.set, "rubric": sheet.rubric},
            field=str(unknown[0]),
            details={"unknown": unknown},
        )
    out: dict[str, float] = {}
    for c in sheet.criteria:
        allowed = ", ".join(_fmt(a) for a in c.allowed)
        if c.code not in answers:
            raise _answer_error(
                "criterion_missing",
                member,
                {"criterion": c.code, "name": c.name, "allowed": allowed},
                field=c.code,
                details={"criterion": c.code, "allowed": list(c.allowed)},
            )
        value = answers[c.code]
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if not ok or float(value) not in c.allowed:
            raise _answer_error(
                "points_invalid",
                member,
                {"criterion": c.code, "name": c.name, "given": repr(value), "allowed": allowed},
                field=c.code,
                details={"criterion": c.code, "given": value, "allowed": list(c.allowed)},
            )
        out[c.code] = float(value)
    return out


def member_score(sheet: Sheet, answers: dict[str, float]) -> MemberScore:
    parts = {p.code: 0.0 for p in sheet.parts}
    for c in sheet.criteria:
        parts[c.part] += answers[c.code]
    return MemberScore(parts=parts, total=sum(parts.values()))


def band_of(total: float) -> int:
    for threshold, star in BANDS:
        if total >= threshold:
            return star
    return 1


def unmet_gates(sheet: Sheet, means: dict[str, float], up_to: int) -> list[Unmet]:
    """Gates of stars 3..up_to that the criterion means do not reach."""
    out = []
    for star in range(CERTIFIABLE_MIN_STAR, up_to + 1):
        for c in sheet.criteria:
            # A gate belongs to the star of its marker; report it once, at that star.
            needed = [o.points for o in c.options if o.min_star == star]
            if needed and means[c.code] < max(needed):
                out.append(Unmet(c.code, star, float(max(needed)), means[c.code]))
    return out


def final_star(sheet: Sheet, means: dict[str, float], band: int) -> int:
    """The band, lowered until every gate up to that star is met (gates are cumulative)."""
    star = band
    while star >= CERTIFIABLE_MIN_STAR and any(
        (g := c.gate(star)) is not None and means[c.code] < g for c in sheet.criteria
    ):
        star -= 1
    return star


def score(sheet: Sheet, members_answers: list[dict], rules: CouncilRules | None = None) -> Result:
    """Score a council (or a single self-assessment) on one sheet."""
    rules = rules or CouncilRules()
    if not members_answers:
        raise AnswerError("answers_missing", gettext_noop("Cần ít nhất một phiếu trả lời."), params={})
    checked = [
        validate(sheet, a, member=i + 1 if len(members_answers) > 1 else None)
        for i, a in enumerate(members_answers)
    ]
    n = len(checked)
    scores = [member_score(sheet, a) for a in checked]
    means = {c.code: sum(a[c.code] for a in checked) / n for c in sheet.criteria}
    parts = {p.code: sum(s.parts[p.code] for s in scores) / n for p in sheet.parts}
    total = sum(s.total for s in scores) / n
    band = band_of(total)
    star = final_star(sheet, means, band)
    unmet = unmet_gates(sheet, means, band)
    stopped = [c.code for c in sheet.criteria if c.stop and means[c.code] == 0]
    totals = [s.total for s in scores]
    spread = max(totals) - min(totals)
    return Result(
        rubric=sheet.rubric,
        set=sheet.set,
        members=n,
        parts=parts,
        total=total,
        band=band,
        star=star,
        certifiable=star >= CERTIFIABLE_MIN_STAR and not stopped,
        unmet=unmet,
        member_totals=totals,
        spread=spread,
        spread_exceeded=spread > rules.max_spread,
        stopped=stopped,
        criterion_means=means,
    )


def quorum_met(scored: int, members: int, chair_scored: bool, rules: CouncilRules | None = None) -> bool:
    rules = rules or CouncilRules()
    return chair_scored and members > 0 and scored >= math.ceil(rules.quorum * members - 1e-9)
