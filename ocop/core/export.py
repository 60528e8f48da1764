"""One writer for every export: XLSX or CSV from a header and a row generator.

Cells that start with = + - @ (or a tab/CR) are prefixed with an apostrophe so that a spreadsheet never
runs them as formulas (CSV/formula injection)."""

import csv
import datetime
import io
from collections.abc import Iterable

from django.utils.functional import Promise

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
SHEET_CHARS = 31  # Excel's longest sheet name
_SHEET_BAD = str.maketrans({c: " " for c in "[]:*?/\\"})  # characters Excel refuses in a sheet name


def sheet_title(name: str) -> str:
    """A name Excel accepts for a sheet: without []:*?/\\, at most 31 characters, never empty."""
    return " ".join(str(name).translate(_SHEET_BAD).split())[:SHEET_CHARS].strip("' ") or "Bảng"


def safe_cell(value):
    if isinstance(value, Promise):  # a translated label (a model's choices, gettext_lazy): its text
        value = str(value)
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else value


def write_csv(headers: list[str], rows: Iterable[Iterable], out: io.TextIOBase) -> None:
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def write_xlsx(headers: list[str], rows: Iterable[Iterable], out, *, title: str = "Dữ liệu") -> None:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(title))
    ws.freeze_panes = "A2"
    header_cells = []
    for h in headers:
        cell = openpyxl.cell.WriteOnlyCell(ws, value=safe_cell(h))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    wb.save(out)


def write(fmt: str, headers: list[str], rows: Iterable[Iterable], out, *, title: str = "Dữ liệu") -> None:
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        write_csv(headers, rows, text)
        text.flush()
        text.detach()
    else:
        write_xlsx(headers, rows, out, title=title)
