"""Small views every part of the site shares."""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def language(request, code: str):
    """GET /ngon-ngu/en/?next=/t/…: the language switch of the public pages. A plain link, so those pages
    carry no form, no CSRF cookie and stay cacheable; choosing a language changes nothing but a cookie."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


# Refusals Django makes before (or after) any view of ours: in Vietnamese, in the site's page or the API's
# JSON shape {code, message}, never Django's English default pages.


def wants_json(request) -> bool:
    """The API and clients that ask for JSON only get {code, message}; people get a page."""
    if request.path_info.startswith("/api/"):
        return True
    accept = request.META.get("HTTP_ACCEPT", "")
    return "application/json" in accept and "text/html" not in accept


def refusal(
    request, *, status: int, code: str, title: str, message: str, link: tuple[str, str] | None = None
) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(
            {"code": code, "message": message}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    if link is None:
        link = ("/", _("Về trang chính"))
    if not hasattr(request, "user"):
        # Refused by a middleware before authentication ran (a body read early): the layout needs a user.
        from django.contrib.auth import get_user
        from django.contrib.auth.models import AnonymousUser
        from django.utils.functional import SimpleLazyObject

        if hasattr(request, "session"):
            request.user = SimpleLazyObject(lambda: get_user(request))
        else:
            request.user = AnonymousUser()
    context = {"title": title, "message": message, "link_url": link[0], "link_text": link[1], "code": code}
    return render(request, "refusal.html", context, status=status)


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form sent without the page's anti-forgery token (an old page, another
    tab logged out or in, cookies blocked, or another site posting on the user's behalf)."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE

    if reason == REASON_NO_CSRF_COOKIE:
        message = _(
            "Trình duyệt không gửi cookie của trang này nên biểu mẫu không được nhận. Hãy cho phép cookie "
            "cho trang này, tải lại trang rồi gửi lại."
        )
    else:
        message = _(
            "Biểu mẫu này đã hết hạn (trang mở quá lâu, hoặc bạn vừa đăng nhập, đăng xuất ở một thẻ khác) "
            "nên không được nhận, để không ai gửi thay bạn. Hãy tải lại trang rồi gửi lại."
        )
    if wants_json(request):
        message = _(
            "Thiếu mã chống giả mạo (CSRF) của phiên đăng nhập: gửi kèm tiêu đề X-CSRFToken bằng giá trị "
            "cookie csrftoken, hoặc dùng khóa API (Authorization: Bearer …)."
        )
    return refusal(
        request,
        status=403,
        code="csrf_failed",
        title=_("Biểu mẫu không được nhận"),
        message=message,
        # This page's own address (never "//host/…", which a browser would open as another site).
        link=("/" + request.get_full_path().lstrip("/"), _("Tải lại trang")),
    )


def _megabytes(size: int | None) -> str:
    return f"{(size or 0) / (1024 * 1024):g}"


def _body_refusals() -> list:
    """(exception class, status, code, message) for each body Django will not read."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.http.multipartparser import MultiPartParserError

    return [
        (
            RequestDataTooBig,
            413,
            "body_too_large",
            _(
                "Dữ liệu gửi lên quá lớn: tối đa %(mb)s MB (không kể tệp đính kèm). Hãy gửi ít dữ liệu hơn "
                "mỗi lần, hoặc đưa nội dung dài vào tệp đính kèm."
            )
            % {"mb": _megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)},
        ),
        (
            TooManyFieldsSent,
            413,
            "too_many_fields",
            _("Biểu mẫu gửi lên có quá nhiều trường: tối đa %(n)s. Hãy gửi ít mục hơn mỗi lần.")
            % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS},
        ),
        (
            TooManyFilesSent,
            413,
            "too_many_files",
            _("Gửi quá nhiều tệp một lần: tối đa %(n)s tệp. Hãy chia thành nhiều lần gửi.")
            % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FILES},
        ),
        (
            MultiPartParserError,
            400,
            "invalid_body",
            _(
                "Dữ liệu gửi lên bị hỏng hoặc không đầy đủ (có thể đường truyền bị ngắt giữa chừng). "
                "Hãy tải lại trang rồi gửi lại."
            ),
        ),
    ]


def body_refusal(request, exception) -> HttpResponse | None:
    """The answer to a body Django will not read (too big, too many fields or files, broken multipart),
    or None for another exception. Shared by handler400 and the API's exception handlers."""
    for kind, status, code, message in _body_refusals():
        if isinstance(exception, kind):
            title = _("Dữ liệu gửi lên không được nhận")
            return refusal(request, status=status, code=code, title=title, message=message)
    return None


def bad_request(request, exception=None) -> HttpResponse:
    """handler400: a body Django refuses, a session deleted while the request ran, or any other 400."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.exceptions import SessionInterrupted

    response = body_refusal(request, exception)
    if response is not None:
        return response
    if isinstance(exception, SessionInterrupted):
        # Logged out in another tab (or by an administrator) while this request ran: what it changed is
        # kept, but the session is gone. The page must not show the user as still logged in.
        request.user = AnonymousUser()
        return refusal(
            request,
            status=400,
            code="session_interrupted",
            title=_("Phiên đăng nhập đã kết thúc"),
            message=_(
                "Phiên đăng nhập của bạn đã kết thúc trong lúc yêu cầu đang được xử lý (có thể bạn vừa "
                "đăng xuất ở một thẻ khác). Hãy đăng nhập lại, rồi kiểm tra xem thao tác vừa rồi đã được "
                "lưu chưa trước khi làm lại."
            ),
            link=(reverse("accounts:login"), _("Đăng nhập lại")),
        )
    return refusal(
        request,
        status=400,
        code="bad_request",
        title=_("Yêu cầu không hợp lệ"),
        message=_("Yêu cầu gửi lên không hợp lệ. Hãy tải lại trang rồi thử lại."),
    )
