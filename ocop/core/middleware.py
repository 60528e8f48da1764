from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the user picked another language (the language cookie set by the switch).

    Many Vietnamese phones are set to English: the browser's Accept-Language is deliberately ignored."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if lang not in self.languages:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response


class RejectNulMiddleware:
    """Refuse a NUL character in the path, the query string or a form or JSON body (400), before any view.

    PostgreSQL cannot store or even compare text containing NUL: a lookup such as /san-pham/%00/ raised
    psycopg's DataError, a 500 on every page with an identifier in its path. No person types one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            message = _("Địa chỉ hoặc dữ liệu gửi lên chứa ký tự NUL (\\0). Hãy bỏ ký tự đó rồi gửi lại.")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "nul_character", "message": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(request) -> bool:
    if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.GET.items()):
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    kind = request.content_type
    if kind == "application/x-www-form-urlencoded":
        # The body first, so that it stays readable for the API after the form is parsed.
        return b"%00" in request.body or _form_has_nul(request)
    if kind == "multipart/form-data" and not request.path.startswith("/api/"):
        return _form_has_nul(request)  # the CSRF check parses these forms before any view anyway
    if kind == "application/json":
        return b"\\u0000" in request.body
    return False


def _form_has_nul(request) -> bool:
    return any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.POST.lists())
