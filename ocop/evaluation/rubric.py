"""Score sheets (Phiếu đánh giá) as versioned data. Pure Python: imports nothing from Django.

A rubric version (e.g. "26/2026") has one sheet per product set, stored as JSON under rubrics/<version>/:
parts (A/B/C with their maxima) → groups → leaf criteria → options (points, label, star minimum). The part
maxima are data, so older versions (QĐ 1048/2019 with 35/25/40) fit the same structure.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ocop.core.errors import OcopError, gettext_noop

RUBRICS_DIR = Path(__file__).resolve().parent / "rubrics"
CURRENT = "26/2026"
# Directory name of each version: "26/2026" → "qd26_2026".
_DIRS = {"26/2026": "qd26_2026"}


@dataclass(frozen=True)
class Option:
    points: float
    label: str
    min_star: int | None = None
    case: str | None = None


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    part: str
    group: str
    max: float
    options: tuple[Option, ...]
    heading: str | None = None
    requirement: str = ""
    stop: bool = False

    @property
    def allowed(self) -> tuple[float, ...]:
        """Points a member may give: one ticked option, or 0 for none ticked."""
        return tuple(sorted({0.0, *(float(o.points) for o in self.options)}))

    def gate(self, star: int) -> float | None:
        """The minimum points this criterion needs for `star` (cumulative markers), or None."""
        needed = [o.points for o in self.options if o.min_star is not None and o.min_star <= star]
        return float(max(needed)) if needed else None

    def option_for(self, points: float) -> Option | None:
        return next((o for o in self.options if float(o.points) == float(points)), None)


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    part: str
    max: float


@dataclass(frozen=True)
class Part:
    code: str
    name: str
    max: float


@dataclass(frozen=True)
class Sheet:
    rubric: str
    set: int
    name: str
    parts: tuple[Part, ...]
    groups: tuple[Group, ...]
    criteria: tuple[Criterion, ...]
    rejections: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    by_code: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def total_max(self) -> float:
        return sum(p.max for p in self.parts)

    def criterion(self, code: str) -> Criterion | None:
        return self.by_code.get(code)


def sheet_from_dict(data: dict) -> Sheet:
    parts, groups, criteria = [], [], []
    for p in data["parts"]:
        parts.append(Part(p["code"], p["name"], float(p["max"])))
        for g in p["groups"]:
            groups.append(Group(g["code"], g["name"], p["code"], float(g["max"])))
            for c in g["criteria"]:
                criteria.append(
                    Criterion(
                        code=str(c["code"]),
                        name=c["name"],
                        part=p["code"],
                        group=g["code"],
                        max=float(c["max"]),
                        options=tuple(
                            Option(float(o["points"]), o["label"], o.get("min_star"), o.get("case"))
                            for o in c["options"]
                        ),
                        heading=c.get("heading"),
                        requirement=c.get("requirement") or "",
                        stop=bool(c.get("stop")),
                    )
                )
    sheet = Sheet(
        rubric=data["rubric"],
        set=int(data["set"]),
        name=data["name"],
        parts=tuple(parts),
        groups=tuple(groups),
        criteria=tuple(criteria),
        rejections=tuple(data.get("rejections") or ()),
        notes=tuple(data.get("notes") or ()),
    )
    sheet.by_code.update({c.code: c for c in criteria})
    return sheet


def versions() -> list[str]:
    return list(_DIRS)


@cache
def load_sheet(set_number: int, rubric: str = CURRENT) -> Sheet:
    if rubric not in _DIRS:
        raise OcopError(
            "rubric_unknown",
            gettext_noop("Không có bộ tiêu chí «%(rubric)s». Có: %(versions)s."),
            field="rubric",
            params={"rubric": rubric, "versions": ", ".join(versions())},
        )
    path = RUBRICS_DIR / _DIRS[rubric] / f"set_{int(set_number):02d}.json"
    if not path.is_file():
        raise OcopError(
            "set_unknown",
            gettext_noop("Bộ sản phẩm số %(set)s không có trong bộ tiêu chí %(rubric)s (cần số 1–26)."),
            field="set",
            params={"set": set_number, "rubric": rubric},
        )
    return sheet_from_dict(json.loads(path.read_text(encoding="utf-8")))


def load_all(rubric: str = CURRENT) -> list[Sheet]:
    folder = RUBRICS_DIR / _DIRS[rubric]
    return [load_sheet(int(p.stem.split("_")[1]), rubric) for p in sorted(folder.glob("set_*.json"))]
