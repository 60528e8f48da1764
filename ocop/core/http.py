import unicodedata
from urllib.parse import unquote

from django.http import Http404, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

from .export import write

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_response(
    fmt: str, filename: str, headers: list[str], rows, *, title: str = "Dữ liệu"
) -> HttpResponse:
    """A downloadable XLSX or CSV of any table (cells escaped against formula injection)."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    response = HttpResponse(content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    write(fmt, headers, rows, response, title=title)
    return response


def form_error(form, exc) -> None:
    """Show a service's OcopError on the form: on its field when the form has one, else above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def same_site_path(url: str | None, default: str) -> str:
    """`url` when it is a path of this site ("/t/…"), else `default`: for links and redirects built from
    what a client sent. Browsers read a backslash as a slash ("/\\evil.example" opens //evil.example) and
    drop tabs and newlines, so a path holding either — as written or percent-encoded — is refused too."""
    if not url or not url.startswith("/") or url.startswith("//"):
        return default
    for text in (url, unquote(url)):
        if text.startswith("//") or "\\" in text or any(unicodedata.category(c)[0] == "C" for c in text):
            return default
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return default
    return url
