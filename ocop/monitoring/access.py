"""Who sees a province's watchlist: its OCOP office and inspectors, and the national level (any
province). Everyone else, and a province-scoped user asking for another province, is refused."""

from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.accounts.permissions import profile_of
from ocop.core.errors import NotFound, PermissionDenied
from ocop.geo.models import Province

WATCH_ROLES = {Role.NATIONAL, Role.PROVINCE, Role.INSPECTOR}


def watch_province(user, code: int | None) -> Province:
    """The province whose watchlist the user asked for (`code`), or their own when not given."""
    p = profile_of(user)
    if p is None or p.role not in WATCH_ROLES:
        raise PermissionDenied(
            "forbidden", _("Chỉ cơ quan OCOP cấp tỉnh, thanh tra và cấp trung ương xem danh sách kiểm tra.")
        )
    if p.role != Role.NATIONAL:
        if code is not None and code != p.province_id:
            raise NotFound("not_found", _("Không tìm thấy, hoặc tỉnh không thuộc phạm vi của bạn."))
        code = p.province_id
    if code is None:
        raise NotFound("province_required", _("Chọn tỉnh, thành phố để xem danh sách."))
    province = Province.objects.filter(pk=code).first()
    if province is None:
        raise NotFound("not_found", _("Không có tỉnh, thành phố mã %s.") % code)
    return province
