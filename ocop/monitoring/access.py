"""Who sees inspection material. A province's watchlist, campaigns and visits: its OCOP office and
inspectors, and the national level (any province); everyone else, and a province-scoped user asking for
another province, is refused. Findings and their photos: the same, plus the producer inspected (its own)
and the commune officer (the commune's producers, whom the commune helps to fix them: QĐ 26/2026 Điều 10
khoản 4 điểm c). Council and advisory-team accounts see none of it: inspection is no part of their work
(Điều 9 khoản 4 gives it to the provincial office and the ministry)."""

from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.accounts.permissions import profile_of
from ocop.core.errors import NotFound, PermissionDenied
from ocop.geo.models import Province

WATCH_ROLES = {Role.NATIONAL, Role.PROVINCE, Role.INSPECTOR}
FINDING_ROLES = WATCH_ROLES | {Role.COMMUNE, Role.PRODUCER}


def sees_findings(user) -> bool:
    """Whether the user's role may see findings at all (which ones: Finding.objects.visible_to)."""
    p = profile_of(user)
    return p is not None and p.role in FINDING_ROLES


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
