"""Demo data: the real producers and products of the seed articles, then generated ones in the national mix
(≈75 % 3★, ≈23 % 4★, <1 % 5★; ≈1.9 products per producer), loaded through the same import service that
provinces use for their spreadsheets."""

import random
from collections.abc import Callable

from ocop.core.errors import OcopError
from ocop.geo.models import Commune, Province

from . import services
from .demo_seed_data import PRODUCERS, PRODUCTS
from .importing import ImportResult, import_rows
from .models import Producer, ProductSet

SCALES = {"small": 600, "national": 18000}

# (product set, name patterns): {place} is the commune's name without its prefix.
_PATTERNS: list[tuple[int, list[str]]] = [
    (1, ["Cam sành {place}", "Bưởi da xanh {place}", "Chuối tiêu hồng {place}", "Mận hậu {place}"]),
    (2, ["Gà đồi {place}", "Cá hồi {place}", "Trứng gà ri {place}"]),
    (3, ["Gạo nếp tan {place}", "Gạo Séng cù {place}", "Gạo ST25 {place}", "Gạo lứt {place}"]),
    (4, ["Mật ong bạc hà {place}", "Mật ong rừng {place}", "Mật ong hoa cà phê {place}"]),
    (6, ["Bánh chưng {place}", "Miến dong {place}", "Bún khô {place}", "Bánh đa {place}"]),
    (7, ["Măng khô {place}", "Mứt gừng {place}", "Hạt mắc ca sấy {place}", "Chuối sấy {place}"]),
    (8, ["Thịt trâu gác bếp {place}", "Lạp sườn {place}", "Ruốc cá hồi {place}", "Chả cá {place}"]),
    (9, ["Nước mắm {place}", "Tương bần {place}"]),
    (10, ["Hạt dổi {place}", "Mắc khén {place}", "Muối ớt {place}"]),
    (11, ["Chè Shan tuyết {place}", "Trà xanh {place}", "Chè búp {place}", "Hồng trà {place}"]),
    (12, ["Trà hoa vàng {place}", "Trà túi lọc actiso {place}", "Trà giảo cổ lam {place}"]),
    (13, ["Cà phê Arabica {place}", "Cà phê rang xay {place}"]),
    (14, ["Rượu ngô men lá {place}", "Rượu táo mèo {place}", "Rượu nếp {place}"]),
    (17, ["Nước cốt gừng {place}", "Nước chanh leo {place}"]),
    (18, ["Cao giảo cổ lam {place}", "Viên tam thất {place}"]),
    (19, ["Dầu gội thảo dược {place}", "Xà phòng thảo dược {place}"]),
    (20, ["Tinh dầu quế {place}", "Tinh dầu sả chanh {place}"]),
    (21, ["Thổ cẩm {place}", "Mây tre đan {place}", "Gốm {place}"]),
    (22, ["Khăn piêu {place}", "Váy thổ cẩm {place}"]),
    (26, ["Du lịch cộng đồng bản {place}", "Điểm du lịch sinh thái {place}"]),
]
_COOP_WORDS = [
    "Nông nghiệp",
    "Dịch vụ tổng hợp",
    "Nông sản sạch",
    "Chè",
    "Xanh",
    "Thảo dược",
    "Phát triển",
    "Hoa Ban",
    "Tây Bắc",
    "Sơn Thủy",
    "Thành Công",
    "Bình An",
]
_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Lò", "Quàng", "Vàng", "Giàng", "Lường", "Đinh", "Hà"]
_GIVEN = ["Văn Minh", "Thị Hoa", "Văn Dũng", "Thị Lan", "A Páo", "Thị Mai", "Văn Hùng", "Thị Thu", "A Dính"]
_TYPES = [("htx", 32), ("doanh_nghiep", 23), ("ho_kinh_doanh", 40), ("tht", 5)]
_TYPE_LABEL = {
    "htx": "Hợp tác xã",
    "doanh_nghiep": "Doanh nghiệp",
    "ho_kinh_doanh": "Hộ kinh doanh",
    "tht": "Tổ hợp tác",
}
HEADER = [
    "Tên sản phẩm",
    "Tên chủ thể",
    "Loại hình chủ thể",
    "Địa chỉ",
    "Bộ sản phẩm",
    "Số sao",
    "Số quyết định",
    "Ngày quyết định",
    "Năm",
    "Người đại diện",
    "Điện thoại",
]


def _place(commune: Commune) -> str:
    for prefix in ("Xã ", "Phường ", "Đặc khu "):
        if commune.name.startswith(prefix):
            return commune.name[len(prefix) :]
    return commune.name


def load_seed_producers() -> int:
    """The real producers and products of the seed articles (with legal representative flags)."""
    if Producer.objects.filter(name=PRODUCERS[0]["name"]).exists():
        return 0
    sets = {s.number: s for s in ProductSet.objects.filter(taxonomy__current=True)}
    made: dict[str, Producer] = {}
    for p in PRODUCERS:
        made[p["key"]] = services.producer_create(
            actor=None,
            name=p["name"],
            type=p["type"],
            commune=Commune.objects.get(pk=p["commune_code"]),
            address_detail=p.get("address_detail", ""),
            legal_rep=p.get("legal_rep", ""),
            rep_female=p.get("rep_female", False),
            rep_ethnic_minority=p.get("rep_ethnic_minority", False),
            phone=p.get("phone", ""),
        )
    for i, pr in enumerate(PRODUCTS):
        year = pr.get("year")
        services.product_create(
            actor=None,
            name=pr["name"],
            producer=made[pr["producer"]],
            product_set=sets[pr["set"]],
            star=pr.get("star"),
            year=year,
            description=pr.get("description", ""),
            decision_number=f"{1000 + i}/QĐ-UBND" if pr.get("star") else "",
        )
    return len(PRODUCTS)


def generated_rows(count: int, *, seed: int = 2026) -> list[list]:
    """Spreadsheet rows (header first) of generated products across all 34 provinces."""
    rng = random.Random(seed)
    provinces = list(Province.objects.order_by("code"))
    communes: dict[int, list[Commune]] = {}
    for c in Commune.objects.order_by("code"):
        communes.setdefault(c.province_id, []).append(c)
    # Hà Nội holds about a fifth of the country's OCOP products.
    weights = [19 if p.code == 1 else 81 / (len(provinces) - 1) for p in provinces]
    rows: list[list] = [HEADER]
    producer_pool: list[tuple] = []
    seen: set[tuple] = set()
    while len(rows) - 1 < count:
        # ≈1.9 products per producer: reuse an earlier producer about half the time.
        if producer_pool and rng.random() < 0.47:
            name, kind, address, commune = rng.choice(producer_pool)
        else:
            province = rng.choices(provinces, weights)[0]
            commune = rng.choice(communes[province.code])
            kind = rng.choices([t for t, _ in _TYPES], [w for _, w in _TYPES])[0]
            place = _place(commune)
            person = f"{rng.choice(_FAMILY)} {rng.choice(_GIVEN)}"
            name = {
                "htx": f"HTX {rng.choice(_COOP_WORDS)} {place}",
                "doanh_nghiep": f"Công ty TNHH {rng.choice(_COOP_WORDS)} {place}",
                "ho_kinh_doanh": f"Hộ kinh doanh {person}",
                "tht": f"Tổ hợp tác {rng.choice(_COOP_WORDS)} {place}",
            }[kind]
            address = f"{commune.name}, {province.name}"
            producer_pool.append((name, kind, address, commune))
        number, patterns = rng.choice(_PATTERNS)
        product = rng.choice(patterns).format(place=_place(commune))
        if (name, product) in seen:
            continue
        seen.add((name, product))
        r = rng.random()
        star = 5 if r < 0.008 else 4 if r < 0.238 else 3
        year = rng.choice([2021, 2022, 2023, 2024, 2025, 2026])
        day = f"{rng.randint(1, 28):02d}/{rng.randint(1, 10):02d}/{year}"
        rows.append(
            [
                product,
                name,
                _TYPE_LABEL[kind],
                address,
                number,
                star,
                f"{rng.randint(100, 4999)}/QĐ-UBND",
                day,
                year,
                f"{rng.choice(_FAMILY)} {rng.choice(_GIVEN)}",
                f"09{rng.randint(10000000, 99999999)}",
            ]
        )
    return rows


def load_demo(scale: str = "small", progress: Callable[[int], None] | None = None) -> ImportResult | None:
    load_seed_producers()
    if Producer.objects.count() > len(PRODUCERS) + 5:
        return None
    result = import_rows(generated_rows(SCALES[scale]), actor=None, progress=progress)
    if result.errors:
        raise OcopError("demo_rows_invalid", "\n".join(result.errors[:20]), details=result.errors)
    return result
