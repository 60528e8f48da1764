"""The post-certification inspection checklist (hậu kiểm): QĐ 26/2026 Điều 9 khoản 3 (criteria still met;
use of the OCOP mark, information and promotion) broken down into the problems the field reports name.
Each item suggests the revocation ground of Điều 8 khoản 1 that a confirmed, unremedied breach points to.
Pure data: no Django imports."""

from dataclasses import dataclass


def gettext_noop(text: str) -> str:
    """Marks a string for makemessages (xgettext knows the name); it is translated where it is shown."""
    return text


@dataclass(frozen=True)
class Item:
    key: str
    text: str  # Vietnamese, translated when shown
    basis: str  # where the duty comes from
    ground: str  # suggested revocation ground (Điều 8 khoản 1): a, b, c, d, dd, e


ITEMS: tuple[Item, ...] = (
    Item(
        "criteria_kept",
        gettext_noop("Sản phẩm duy trì các tiêu chí theo hồ sơ đã được đánh giá, phân hạng"),
        "Đ9.3.a",
        "b",
    ),
    Item("stamped", gettext_noop("Sản phẩm lưu thông có dán tem truy xuất nguồn gốc"), "Đ9.3.b", "c"),
    Item(
        "lot_activated",
        gettext_noop("Tem gắn với lô sản xuất đã kích hoạt, có ngày sản xuất, hạn dùng"),
        "Đ9.3.b",
        "c",
    ),
    Item("packaging_registered", gettext_noop("Tem, nhãn OCOP dán đúng bao bì đã đăng ký"), "Đ9.3.b", "d"),
    Item("standard_published", gettext_noop("Đã công bố tiêu chuẩn sản phẩm, chất lượng"), "Đ9.3.a", "c"),
    Item("process_posted", gettext_noop("Tuân thủ và niêm yết quy trình sản xuất tại cơ sở"), "Đ9.3.a", "b"),
    Item(
        "scope_clear",
        gettext_noop("Phạm vi sản phẩm được công nhận rõ ràng (quy cách, khối lượng, bao bì)"),
        "Đ9.3.a",
        "b",
    ),
    Item(
        "food_safety",
        gettext_noop("Thực hiện tự kiểm soát an toàn thực phẩm, lưu mẫu, kiểm nghiệm định kỳ"),
        "Đ9.3.a",
        "c",
    ),
    Item(
        "mark_in_force",
        gettext_noop("Chỉ dùng nhãn hiệu OCOP khi giấy chứng nhận còn hiệu lực và đúng hạng sao"),
        "Đ9.3.b",
        "d",
    ),
    Item(
        "promotion",
        gettext_noop("Có hoạt động xúc tiến thương mại, quảng bá đúng thông tin sau công nhận"),
        "Đ9.3.b",
        "b",
    ),
    Item("still_produced", gettext_noop("Chủ thể còn sản xuất sản phẩm OCOP"), "Đ8.1.đ", "dd"),
)
BY_KEY = {item.key: item for item in ITEMS}
ANSWERS = ("ok", "issue", "na")  # đạt / không đạt / không áp dụng


def check_answers(answers: dict) -> list[str]:
    """The problems in a submitted checklist (unknown items, unknown answers), as item keys or values."""
    return [k for k, v in answers.items() if k not in BY_KEY or v not in ANSWERS]
