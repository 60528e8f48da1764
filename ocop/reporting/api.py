"""GET /api/v1/stats: the same figures as the dashboard and `ocop stats`, inside the caller's area."""

from django.utils.translation import gettext as _
from ninja import Router, Schema

from ocop.core.errors import OcopError

from .stats import area_for, summary

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
    if year is not None and not 2000 <= year <= 2100:
        raise OcopError(
            "year_invalid", _("Năm «%s» không hợp lệ: cần 4 chữ số, ví dụ 2024.") % year, field="year"
        )
    return summary(area_for(request.user, province, commune), year)
