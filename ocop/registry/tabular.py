"""Reading the import's spreadsheets (.xlsx or .csv) as a stream of rows, within limits.

A 0.9 MB workbook can hold a million rows (the sheet's XML compresses a hundredfold), and reading it whole
took a web worker to 1.6 GB. So: the zip's declared sizes are checked before any parsing (Python's zipfile
never inflates a member past its declared size, so the declaration bounds the work), the rows are read one
at a time (openpyxl's read-only mode, csv.reader over a decoding stream), and a file with more data rows
than OCOP_IMPORT_MAX_ROWS is refused as soon as the reader passes the limit.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from ocop.core.errors import OcopError

XLSX = (".xlsx", ".xlsm")
CSV = (".csv", ".txt")


def max_rows() -> int:
    return settings.OCOP_IMPORT_MAX_ROWS


def grouped(number: int) -> str:
    """50.000 in Vietnamese, 50,000 in English (Django's Vietnamese formats set no grouping)."""
    return f"{number:,}".replace(",", get_format("THOUSAND_SEPARATOR"))


class Deferred(Exception):
    """More data rows than the caller wanted to handle in place (`defer_after`): run it in the background."""


class Table:
    """The rows of a file, header first, read on demand. Iterate once. `estimate` is the number of data rows
    the file declares (an .xlsx's dimension, a .csv's line count), for progress and for choosing to run in
    the background; it may be wrong and is never trusted for the limit."""

    def __init__(self, name: str, rows: Iterator, *, estimate: int | None, close=None):
        self.name = name
        self.estimate = estimate
        self.defer_after: int | None = None
        self._source = rows
        self._close = close

    def __iter__(self):
        limit, filled = max_rows(), 0
        try:
            for i, row in enumerate(self._source):
                if i == 0:
                    yield row
                    continue
                if any(v is not None and v != "" for v in row):
                    filled += 1
                    if filled > limit:
                        raise OcopError(
                            "file_too_many_rows",
                            _(
                                "Tệp «%(name)s» có hơn %(max)s dòng dữ liệu: mỗi lần nhập tối đa %(max)s "
                                "dòng. Hãy chia danh sách thành nhiều tệp rồi nhập lần lượt."
                            )
                            % {"name": self.name, "max": grouped(limit)},
                        )
                    if self.defer_after is not None and filled > self.defer_after:
                        raise Deferred
                yield row
        finally:
            self.close()

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None


def precheck(name: str, data: bytes) -> None:
    """What can be refused without parsing: the type (by the name's suffix) and, for a workbook, the sizes
    its zip declares. OcopError if refused."""
    suffix = Path(name).suffix.lower()
    if suffix in XLSX:
        check_xlsx_size(name, data)
    elif suffix not in CSV:
        raise OcopError(
            "file_type", _("Chỉ nhận tệp .xlsx hoặc .csv (tệp đã gửi: «%(name)s»).") % {"name": name}
        )


def open_table(name: str, data: bytes) -> Table:
    """The file's rows as a Table; OcopError (code and Vietnamese message) for a file that cannot be read or
    is over the limits."""
    precheck(name, data)
    if Path(name).suffix.lower() in XLSX:
        return _xlsx(name, data)
    return _csv(name, data)


def read_table(name: str, data: bytes) -> list[list]:
    """All rows of an .xlsx or .csv file as lists (the first row holds the headers), within the limits."""
    return [list(r) for r in open_table(name, data)]


def _unreadable_xlsx(name: str, e: Exception) -> OcopError:
    return OcopError(
        "file_unreadable",
        _("Không đọc được tệp Excel «%(name)s» (%(why)s). Hãy lưu lại dưới dạng .xlsx rồi thử lại.")
        % {"name": name, "why": type(e).__name__},
    )


def check_xlsx_size(name: str, data: bytes) -> None:
    """Refuse a workbook whose members declare more than OCOP_IMPORT_MAX_UNCOMPRESSED_MB in all, before
    anything is inflated or parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            declared = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as e:
        raise _unreadable_xlsx(name, e) from None
    limit = settings.OCOP_IMPORT_MAX_UNCOMPRESSED_MB
    if declared > limit * 1024 * 1024:
        raise OcopError(
            "file_too_large_uncompressed",
            _(
                "Tệp Excel «%(name)s» khi giải nén lớn %(mb)s MB, quá giới hạn %(max)s MB. Hãy xoá các "
                "trang tính, ảnh và định dạng không cần, hoặc chia danh sách thành nhiều tệp."
            )
            % {"name": name, "mb": grouped(declared // (1024 * 1024)), "max": grouped(limit)},
        )


def _xlsx(name: str, data: bytes) -> Table:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        declared = ws.max_row  # from the sheet's <dimension>, which some programs leave out or get wrong
        # Read what the sheet holds, not what its dimension claims (a wrong one cut rows off silently).
        ws.reset_dimensions()
    except Exception as e:  # openpyxl raises many types for a damaged file
        raise _unreadable_xlsx(name, e) from None

    def rows():
        try:
            yield from ws.iter_rows(values_only=True)
        except Exception as e:  # a damaged sheet is noticed only while it is read
            raise _unreadable_xlsx(name, e) from None

    return Table(name, rows(), estimate=max(declared - 1, 0) if declared else None, close=wb.close)


def _csv(name: str, data: bytes) -> Table:
    encoding_error = OcopError(
        "file_encoding",
        _("Tệp CSV «%(name)s» không phải mã UTF-8. Trong Excel hãy chọn «CSV UTF-8» khi lưu.")
        % {"name": name},
    )
    head = data[:16384]
    try:
        sample = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=len(data) <= len(head))
    except UnicodeDecodeError:
        raise encoding_error from None
    try:
        dialect = csv.Sniffer().sniff(sample[:4096], delimiters=",;\t")
    except csv.Error:  # one column, an empty file, quotes it cannot follow: plain commas
        dialect = csv.excel
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")

    def rows():
        try:
            yield from csv.reader(text, dialect)
        except UnicodeDecodeError:
            raise encoding_error from None
        except csv.Error as e:  # a cell over the csv module's limit (131,072 characters), a stray quote
            raise OcopError(
                "file_unreadable",
                _(
                    "Không đọc được tệp CSV «%(name)s» (%(why)s): có ô dài quá 131.072 ký tự hoặc dấu "
                    "ngoặc kép chưa đóng. Hãy sửa ô đó rồi thử lại."
                )
                % {"name": name, "why": e},
            ) from None

    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return Table(name, rows(), estimate=max(lines - 1, 0), close=text.close)
