"""One demo login per role, printed by `ocop demo`."""

from django.contrib.auth import get_user_model

from ocop.geo.models import Commune, Province
from ocop.registry.models import Producer

from .models import Profile, Role

DEMO_PASSWORD = "ocop-demo-2026"
DEMO_MAIL_DOMAIN = "ocop.example"  # a reserved name (RFC 2606): no mail can leave for it


def demo_users() -> list[tuple[str, str, str]]:
    """Create (or reset) the demo accounts; returns (username, role label, scope) per account."""
    lai_chau, son_la = Province.objects.get(pk=12), Province.objects.get(pk=14)
    commune = (
        Commune.objects.filter(province=lai_chau, name="Xã Bình Lư").first() or lai_chau.communes.first()
    )
    # The producer of the evaluation journey in the demo (Xã Bình Lư, Lai Châu, like the commune officer).
    producer = (
        Producer.objects.filter(name="Công ty TNHH Mắc ca Tam Đường").first() or Producer.objects.first()
    )
    spec = [
        ("quantri", "Quản trị", Role.NATIONAL, {}),
        ("laichau", "Văn phòng OCOP Lai Châu", Role.PROVINCE, {"province": lai_chau}),
        ("sonla", "Văn phòng OCOP Sơn La", Role.PROVINCE, {"province": son_la}),
        ("canboxa", "Cán bộ xã", Role.COMMUNE, {"commune": commune}),
        ("hoidong", "Chủ tịch hội đồng", Role.COUNCIL, {"province": lai_chau}),
        ("hoidong2", "Thành viên hội đồng", Role.COUNCIL, {"province": lai_chau}),
        ("hoidong3", "Thành viên hội đồng", Role.COUNCIL, {"province": lai_chau}),
        ("tuvan", "Tổ tư vấn", Role.ADVISORY, {"province": lai_chau}),
        ("thanhtra", "Thanh tra", Role.INSPECTOR, {"province": lai_chau}),
        ("chuthe", "Chủ thể", Role.PRODUCER, {"producer": producer}),
    ]
    User = get_user_model()
    out = []
    for username, first_name, role, scope in spec:
        user, _ = User.objects.get_or_create(username=username, defaults={"first_name": first_name})
        user.set_password(DEMO_PASSWORD)
        user.email = f"{username}@{DEMO_MAIL_DOMAIN}"  # "Quên mật khẩu?" can be tried
        user.is_staff = role == Role.NATIONAL
        user.is_superuser = role == Role.NATIONAL
        user.save()
        Profile.objects.update_or_create(
            user=user, defaults={"role": role, "province": None, "commune": None, "producer": None, **scope}
        )
        where = next((str(v) for v in scope.values()), "toàn quốc")
        out.append((username, Role(role).label, where))
    return out
