"""Small synthetic sheets for engine tests (the real ones are tested in test_rubric_data)."""

from ocop.evaluation.rubric import sheet_from_dict


def crit(code, options, stop=False):
    """options: list of (points, min_star)."""
    return {
        "code": code,
        "name": f"Tiêu chí {code}",
        "max": max(p for p, _ in options),
        "options": [{"points": p, "label": f"Mức {p}", "min_star": s} for p, s in options],
        "stop": stop,
    }


def make(parts: dict[str, list[dict]], part_max: dict[str, float] | None = None, set_number=1, rubric="test"):
    out = []
    for code, criteria in parts.items():
        total = sum(c["max"] for c in criteria)
        out.append(
            {
                "code": code,
                "name": f"Phần {code}",
                "max": (part_max or {}).get(code, total),
                "groups": [{"code": code + "1", "name": "Nhóm", "max": total, "criteria": criteria}],
            }
        )
    return sheet_from_dict({"rubric": rubric, "set": set_number, "name": "Thử", "parts": out})


def hundred():
    """A 100-point sheet (A 40 / B 25 / C 35) with gates like set 1's packaging, label and distribution."""
    a = [crit(f"1.{i}", [(1, None), (2, None), (4, None)]) for i in range(1, 11)]  # 40
    b = [
        crit("2.1", [(1, None), (2, 3), (3, None), (5, None)]),  # 2 points needed for 3★
        crit("2.2", [(1, None), (3, 4), (5, None)]),  # 3 points needed for 4★
        crit("2.3", [(2, None), (5, 5)]),  # 5 points needed for 5★
        crit("2.4", [(0, None), (1, None)]),
        crit("2.5", [(3, None), (9, None)]),
    ]  # 25
    c = [crit(f"3.{i}", [(1, None), (3, None), (5, None)]) for i in range(1, 8)]  # 35
    return make({"A": a, "B": b, "C": c})
