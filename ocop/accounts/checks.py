"""Deployment checks (`ocop check --deploy`) for the mail that accounts depend on: password reset links."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def mail_configured(app_configs, **kwargs):
    problems = []
    backend = settings.MAILERS.get("default", {}).get("BACKEND", "")
    if backend.endswith(("console.EmailBackend", "filebased.EmailBackend")):
        problems.append(
            Warning(
                "Thư điện tử đang được in ra nhật ký: liên kết đặt lại mật khẩu ai đọc được nhật ký "
                "cũng dùng được, và không ai nhận được thư.",
                hint="Đặt OCOP_EMAIL_URL=smtp+tls://tên:mật_khẩu@máy:587 hoặc OCOP_EMAIL_HOST… "
                "(docs/deployment.md, mục 2).",
                id="ocop.W001",
            )
        )
    if settings.DEFAULT_FROM_EMAIL.rstrip(">").endswith("@localhost"):
        problems.append(
            Warning(
                f"Địa chỉ gửi thư là {settings.DEFAULT_FROM_EMAIL}: máy chủ thư của người nhận sẽ coi "
                "là thư rác.",
                hint="Đặt OCOP_DEFAULT_FROM_EMAIL, ví dụ ocop@laichau.gov.vn.",
                id="ocop.W002",
            )
        )
    return problems
