"""Effectiveness score of a sales point (điểm giới thiệu và bán sản phẩm OCOP), checked twice a year.
Five parts scored 0–4 by the checker, weighted to 100. Pure logic: no Django imports."""

from dataclasses import dataclass


def gettext_noop(text: str) -> str:
    """Marks a string for makemessages; it is translated where it is shown."""
    return text


@dataclass(frozen=True)
class Part:
    key: str
    text: str
    weight: int  # points at the top level (4)


PARTS: tuple[Part, ...] = (
    Part("identity", gettext_noop("Nhận diện OCOP: biển hiệu, khu trưng bày riêng, thông tin sản phẩm"), 20),
    Part("range", gettext_noop("Số sản phẩm OCOP đang bày bán, còn hạn, có tem truy xuất"), 25),
    Part("records", gettext_noop("Sổ sách nhập, bán hàng; hóa đơn, chứng từ nguồn gốc"), 15),
    Part("sales", gettext_noop("Doanh số sản phẩm OCOP so với kỳ kiểm tra trước"), 25),
    Part("promotion", gettext_noop("Quảng bá, bán trực tuyến, giới thiệu sản phẩm của địa phương"), 15),
)
LEVELS = 4
EFFECTIVE_FROM = 60  # at least this score: hiệu quả; below 40: kém hiệu quả, cần củng cố
WEAK_BELOW = 40


def score(levels: dict[str, int]) -> int:
    """0–100 from the checker's level (0–4) for every part; raises ValueError naming what is wrong."""
    missing = [p.key for p in PARTS if p.key not in levels]
    unknown = [k for k in levels if k not in {p.key for p in PARTS}]
    bad = [k for k, v in levels.items() if not isinstance(v, int) or not 0 <= v <= LEVELS]
    if missing or unknown or bad:
        raise ValueError({"missing": missing, "unknown": unknown, "out_of_range": bad})
    return round(sum(p.weight * levels[p.key] for p in PARTS) / LEVELS)


def rating(value: int) -> str:
    """effective / average / weak."""
    if value >= EFFECTIVE_FROM:
        return "effective"
    return "average" if value >= WEAK_BELOW else "weak"


def half_of(month: int) -> int:
    """1 for January–June, 2 for July–December: sales points are checked once in each half."""
    return 1 if month <= 6 else 2
