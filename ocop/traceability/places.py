"""Coarse place of a scan: the province whose former or present provincial seat is nearest. Pure Python.

Seats of the 63 provinces before the 2025 merger, each under the code of the province it belongs to now,
so a scan in Pleiku and one in Quy Nhơn both count as Gia Lai. Good enough to tell provinces apart for
copied-stamp detection; not a boundary lookup.
"""

import math

# (new province code, former seat, latitude, longitude)
SEATS = [
    (1, "Hà Nội", 21.028, 105.854),
    (1, "Hà Đông", 20.972, 105.778),
    (4, "Cao Bằng", 22.666, 106.258),
    (8, "Tuyên Quang", 21.823, 105.214),
    (8, "Hà Giang", 22.823, 104.984),
    (11, "Điện Biên Phủ", 21.386, 103.023),
    (12, "Lai Châu", 22.396, 103.458),
    (14, "Sơn La", 21.327, 103.914),
    (15, "Lào Cai", 22.485, 103.971),
    (15, "Yên Bái", 21.722, 104.911),
    (19, "Thái Nguyên", 21.594, 105.848),
    (19, "Bắc Kạn", 22.147, 105.835),
    (20, "Lạng Sơn", 21.853, 106.761),
    (22, "Hạ Long", 20.951, 107.080),
    (24, "Bắc Ninh", 21.186, 106.076),
    (24, "Bắc Giang", 21.273, 106.195),
    (25, "Việt Trì", 21.322, 105.402),
    (25, "Vĩnh Yên", 21.310, 105.597),
    (25, "Hòa Bình", 20.817, 105.338),
    (31, "Hải Phòng", 20.845, 106.688),
    (31, "Hải Dương", 20.937, 106.314),
    (33, "Hưng Yên", 20.646, 106.051),
    (33, "Thái Bình", 20.447, 106.342),
    (37, "Ninh Bình", 20.251, 105.975),
    (37, "Phủ Lý", 20.541, 105.914),
    (37, "Nam Định", 20.420, 106.168),
    (38, "Thanh Hóa", 19.807, 105.776),
    (40, "Vinh", 18.679, 105.681),
    (42, "Hà Tĩnh", 18.343, 105.906),
    (44, "Đông Hà", 16.816, 107.100),
    (44, "Đồng Hới", 17.468, 106.622),
    (46, "Huế", 16.463, 107.590),
    (48, "Đà Nẵng", 16.054, 108.202),
    (48, "Tam Kỳ", 15.573, 108.474),
    (51, "Quảng Ngãi", 15.120, 108.792),
    (51, "Kon Tum", 14.350, 108.000),
    (52, "Pleiku", 13.983, 108.000),
    (52, "Quy Nhơn", 13.776, 109.224),
    (56, "Nha Trang", 12.238, 109.197),
    (56, "Phan Rang", 11.565, 108.988),
    (66, "Buôn Ma Thuột", 12.667, 108.038),
    (66, "Tuy Hòa", 13.096, 109.301),
    (68, "Đà Lạt", 11.940, 108.458),
    (68, "Gia Nghĩa", 12.004, 107.691),
    (68, "Phan Thiết", 10.928, 108.102),
    (75, "Biên Hòa", 10.957, 106.843),
    (75, "Đồng Xoài", 11.535, 106.883),
    (79, "Thành phố Hồ Chí Minh", 10.776, 106.700),
    (79, "Thủ Dầu Một", 10.980, 106.652),
    (79, "Bà Rịa", 10.496, 107.168),
    (80, "Tây Ninh", 11.310, 106.098),
    (80, "Tân An", 10.535, 106.413),
    (82, "Cao Lãnh", 10.460, 105.633),
    (82, "Mỹ Tho", 10.360, 106.360),
    (86, "Vĩnh Long", 10.254, 105.972),
    (86, "Bến Tre", 10.243, 106.376),
    (86, "Trà Vinh", 9.935, 106.345),
    (91, "Long Xuyên", 10.386, 105.435),
    (91, "Rạch Giá", 10.012, 105.081),
    (92, "Cần Thơ", 10.045, 105.747),
    (92, "Vị Thanh", 9.784, 105.470),
    (92, "Sóc Trăng", 9.603, 105.980),
    (96, "Cà Mau", 9.177, 105.150),
    (96, "Bạc Liêu", 9.294, 105.727),
]

# Mainland Việt Nam and its islands, generously.
LAT_RANGE = (8.0, 23.5)
LON_RANGE = (102.0, 117.5)


def coarse(lat: float, lon: float) -> tuple[float, float] | None:
    """Round to 0.1° (about 11 km); None when the point is not a number or outside Việt Nam."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        return None
    return round(lat, 1), round(lon, 1)


def province_at(lat: float, lon: float) -> int:
    """The code of the province with the nearest seat (equirectangular distance is enough here)."""
    k = math.cos(math.radians(lat))
    return min(SEATS, key=lambda s: (s[2] - lat) ** 2 + ((s[3] - lon) * k) ** 2)[0]
