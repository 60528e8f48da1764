"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from ocop.accounts.apiauth import api_auth
from ocop.core.errors import OcopError

api = NinjaAPI(
    title="OCOP API",
    version="1",
    description="API của nền tảng OCOP: danh mục địa giới, chủ thể, sản phẩm.",
    auth=api_auth,  # Authorization: Bearer <API key>, else the session with its CSRF check
    urls_namespace="api",
)


@api.exception_handler(OcopError)
def _ocop_error(request, exc: OcopError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(
        request,
        {"code": "not_found", "message": _("Không tìm thấy, hoặc hồ sơ không thuộc địa bàn của bạn.")},
        status=404,
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(
        request, {"code": "unauthenticated", "message": _("Cần đăng nhập.")}, status=401
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    """Errors django-ninja raises itself, in the project's shape (it would answer {"detail": …})."""
    if exc.status_code == 403 and "CSRF" in str(exc):
        body = {
            "code": "csrf_failed",
            "message": _(
                "Thiếu mã chống giả mạo (CSRF) của phiên đăng nhập: gửi kèm tiêu đề X-CSRFToken bằng giá trị "
                "cookie csrftoken, hoặc dùng khóa API (Authorization: Bearer …)."
            ),
        }
    else:
        body = {"code": f"http_{exc.status_code}", "message": str(exc)}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    problems = []
    for err in exc.errors:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "payload", "query"))
        problems.append({"field": loc, "message": err.get("msg", "")})
    message = _("Dữ liệu gửi lên không hợp lệ: %s") % "; ".join(
        f"{p['field']}: {p['message']}" for p in problems
    )
    return api.create_response(
        request, {"code": "invalid_input", "message": message, "details": problems}, status=422
    )


api.add_router("/geo/", "ocop.geo.api.router")
api.add_router("/", "ocop.registry.api.router")
api.add_router("/", "ocop.evaluation.api.router")
api.add_router("/", "ocop.traceability.api.router")
api.add_router("/", "ocop.monitoring.api.router")
api.add_router("/", "ocop.catalogue.api.router")
api.add_router("/", "ocop.reporting.api.router")
