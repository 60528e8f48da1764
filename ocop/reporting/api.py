"""GET /api/v1/stats: the same figures as the dashboard and `ocop stats`, inside the caller's area."""

from ninja import Router, Schema

from .stats import area_for, check_year, summary

router = Router(tags=["Thống kê"])


class StatsOut(Schema):
    products: int
    by_star: dict[str, int]
    by_sector: dict[str, int]
    by_producer_type: dict[str, int]
    producers: int
    communes_with_product: int
    communes: int


@router.get(
    "/stats",
    response=StatsOut,
    summary="Số liệu OCOP của cả nước, một tỉnh hoặc một xã",
    description=(
        "Không có `year`: sản phẩm còn hiệu lực hôm nay. Có `year`: sản phẩm được công nhận trong năm đó "
        "(theo lần công nhận cuối cùng trong năm). Cơ quan cấp tỉnh chỉ xem tỉnh mình, cán bộ xã chỉ xem xã "
        "mình. `by_sector` theo mã ngành (QĐ 26/2026), `by_producer_type` theo mã loại hình chủ thể."
    ),
)
def stats(request, province: int | None = None, commune: int | None = None, year: int | None = None):
    check_year(year)
    return summary(area_for(request.user, province, commune), year)
