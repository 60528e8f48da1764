"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from ocop.accounts.apiauth import api_auth
from ocop.core.errors import OcopError
from ocop.core.views import body_refusal

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
    elif exc.status_code == 400 and exc.__cause__ is not None:
        # The only 400 django-ninja raises: the body did not parse (its text says "Cannot parse request
        # body"; the parser's own error is the cause).
        body = {
            "code": "invalid_json",
            "message": _(
                "Nội dung gửi lên không phải JSON hợp lệ. Hãy gửi một đối tượng JSON, ví dụ "
                '{"name": "Chè Shan tuyết"}, với tiêu đề Content-Type: application/json.'
            ),
        }
    else:
        body = {"code": f"http_{exc.status_code}", "message": str(exc)}
    return api.create_response(request, body, status=exc.status_code)


def _body_refused(request, exc):
    """A body Django will not read (too big, too many fields or files, broken multipart): the same answer
    as handler400's, also when DEBUG would have django-ninja answer with a traceback."""
    return body_refusal(request, exc)


for _exc in (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
    api.add_exception_handler(_exc, _body_refused)


# Pydantic's error types (stable across its versions) in Vietnamese; its English text stays in "details".
_PROBLEMS = {
    "missing": lambda c: _("thiếu, cần nhập"),
    "int_parsing": lambda c: _("cần một số nguyên, ví dụ 12"),
    "int_type": lambda c: _("cần một số nguyên, ví dụ 12"),
    "int_from_float": lambda c: _("cần một số nguyên, không có phần thập phân"),
    "float_parsing": lambda c: _("cần một số, ví dụ 12.5"),
    "decimal_parsing": lambda c: _("cần một số, ví dụ 12.5"),
    "bool_parsing": lambda c: _("cần true hoặc false"),
    "date_parsing": lambda c: _("cần một ngày dạng YYYY-MM-DD, ví dụ 2026-03-15"),
    "date_from_datetime_parsing": lambda c: _("cần một ngày dạng YYYY-MM-DD, ví dụ 2026-03-15"),
    "datetime_parsing": lambda c: _("cần ngày giờ dạng ISO 8601, ví dụ 2026-03-15T08:30:00+07:00"),
    "string_type": lambda c: _("cần một chuỗi chữ"),
    "string_too_short": lambda c: _("cần ít nhất %(n)s ký tự") % {"n": c.get("min_length")},
    "string_too_long": lambda c: _("dài tối đa %(n)s ký tự") % {"n": c.get("max_length")},
    "too_long": lambda c: _("tối đa %(n)s phần tử") % {"n": c.get("max_length")},
    "greater_than_equal": lambda c: _("phải từ %(n)s trở lên") % {"n": c.get("ge")},
    "greater_than": lambda c: _("phải lớn hơn %(n)s") % {"n": c.get("gt")},
    "less_than_equal": lambda c: _("phải từ %(n)s trở xuống") % {"n": c.get("le")},
    "less_than": lambda c: _("phải nhỏ hơn %(n)s") % {"n": c.get("lt")},
    "literal_error": lambda c: _("phải là một trong: %(v)s") % {"v": c.get("expected")},
    "enum": lambda c: _("phải là một trong: %(v)s") % {"v": c.get("expected")},
    "list_type": lambda c: _("cần một danh sách"),
    "dict_type": lambda c: _("cần một đối tượng JSON {…}"),
    "model_type": lambda c: _("cần một đối tượng JSON {…}"),
    "model_attributes_type": lambda c: _("cần một đối tượng JSON {…}"),
    "value_error": lambda c: str(c.get("error", "")),  # our validators' own (Vietnamese) words
    "json_invalid": lambda c: _("nội dung JSON không đọc được"),
}


def _problem(err: dict) -> str:
    say = _PROBLEMS.get(err.get("type", ""))
    if say is None:  # a rarer type: said generally, Pydantic's words stay in "detail"
        return _("giá trị không hợp lệ (%s)") % err.get("type", "")
    return say(err.get("ctx") or {})


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    problems = []
    for err in exc.errors:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "payload", "query"))
        problems.append(
            {
                "field": loc,
                "message": _problem(err),
                "type": err.get("type", ""),
                "detail": err.get("msg", ""),
            }
        )
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
