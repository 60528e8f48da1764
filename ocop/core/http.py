from django.http import Http404, HttpResponse

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
