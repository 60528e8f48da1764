"""Regional scope, in one place. Every list goes through `scope_filter` (via QuerySet.visible_to) and
every write through `can_edit`. A user without a profile sees nothing that is not public."""

from django.db.models import Q

from ocop.core.errors import PermissionDenied

from .models import EDITOR_ROLES, PROVINCE_SCOPED, Role


def profile_of(user):
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return _SUPERUSER
    return getattr(user, "profile", None)


class _Superuser:
    role = Role.NATIONAL
    province_id = commune_id = producer_id = None


_SUPERUSER = _Superuser()


def scope_filter(user, *, province: str, commune: str, producer: str, council: str | None = None) -> Q | None:
    """Q object restricting rows to the user's region; None means no restriction (national).

    `province`, `commune` and `producer` are the lookup paths from the model to the province code,
    commune code and producer id (e.g. "commune__province_id", "commune_id", "producer_id"). `council`, for
    evaluation records, is the path to the users seated on the council: a council member then sees only
    what is assigned to them, not the whole province.
    """
    p = profile_of(user)
    if p is None:
        return Q(pk__in=[])
    if p.role == Role.NATIONAL:
        return None
    if council and p.role == Role.COUNCIL:
        return Q(**{council: user.pk})
    if p.role in PROVINCE_SCOPED:
        if p.province_id is None:  # a national council member: only what they are seated on (above)
            return Q(pk__in=[])
        return Q(**{province: p.province_id})
    if p.role == Role.COMMUNE:
        return Q(**{commune: p.commune_id})
    if p.role == Role.PRODUCER:
        return Q(**{producer: p.producer_id})
    return Q(pk__in=[])


def can_edit(user, obj) -> bool:
    """Whether the user may change a registry record (a producer or a product)."""
    p = profile_of(user)
    if p is None or p.role not in EDITOR_ROLES:
        return False
    return not outside_area(user, [obj])


def outside_area(user, objs) -> list:
    """The records among `objs` (saved producers or products, one model) that `user` may not change: the
    bulk form of `can_edit`, one query per 5,000 records, for imports. None is the system (CLI, demo)."""
    objs = list(objs)
    if user is None or not objs:
        return []
    p = profile_of(user)
    if p is None or p.role not in EDITOR_ROLES:
        return objs
    visible = type(objs[0]).objects.visible_to(user)
    pks = sorted({o.pk for o in objs})
    inside: set = set()
    for i in range(0, len(pks), 5000):
        inside.update(visible.filter(pk__in=pks[i : i + 5000]).values_list("pk", flat=True))
    return [o for o in objs if o.pk not in inside]


def can_create(user) -> bool:
    p = profile_of(user)
    return p is not None and p.role in EDITOR_ROLES


# Who may record or change a product's recognition (star, decision, evaluation year): the provincial office
# for its own province (the region is checked with the record itself) and the national level.
RECOGNITION_ROLES = {Role.NATIONAL, Role.PROVINCE}


def can_record_recognition(user) -> bool:
    """Whether the user may record a recognition; None is the system (CLI, demo loader)."""
    if user is None:
        return True
    p = profile_of(user)
    return p is not None and p.role in RECOGNITION_ROLES


def require_edit(user, obj) -> None:
    from django.utils.translation import gettext as _

    if user is not None and not can_edit(user, obj):  # None: the system (CLI, demo loader)
        raise PermissionDenied("forbidden", _("Bạn không có quyền sửa hồ sơ này."))


def require_role(user, province_id: int, roles: set) -> None:
    """The user holds one of `roles` and, below the national level, works in `province_id` (the write side
    of a province office's scope: campaigns, findings, sales points, fairs)."""
    from django.utils.translation import gettext as _

    p = profile_of(user)
    if p is None or p.role not in roles:
        raise PermissionDenied("forbidden", _("Bạn không có quyền thực hiện thao tác này."))
    if p.role != Role.NATIONAL and p.province_id != province_id:
        raise PermissionDenied("forbidden", _("Hồ sơ này không thuộc tỉnh của bạn."))


def acting_user(actor):
    """The acting user to store on a row (None for the system: demo, imports, scripts)."""
    return actor if getattr(actor, "pk", None) else None
