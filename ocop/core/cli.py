"""Helpers shared by the `ocop` commands."""

import datetime
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, OperationalError
from django.utils.translation import gettext as _

from ocop.core.errors import OcopError


def cli_date(text: str | None, name: str = "Ngày") -> datetime.date | None:
    """A YYYY-MM-DD option (None when not given); anything else stops the command with exit code 2."""
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{name} «{text}» không hợp lệ: cần dạng YYYY-MM-DD.", returncode=2) from None


def run(argv: list[str]) -> None:
    """Run one `ocop` command. A database error or an OcopError that a command did not turn into its own
    message ends it with one Vietnamese line on stderr and exit status 1, not a traceback (`--traceback`
    still shows one, for whoever debugs)."""
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except (DatabaseError, OcopError) as exc:
        if "--traceback" in argv:
            raise
        sys.stderr.write(failure_message(exc) + "\n")
        sys.exit(1)
    except ImproperlyConfigured as exc:  # a setting the environment got wrong: its message names it
        if "--traceback" in argv:
            raise
        sys.stderr.write(f"{exc}\n")
        sys.exit(1)


def failure_message(exc: Exception) -> str:
    if isinstance(exc, OcopError):
        return _("Lỗi: %(message)s") % {"message": exc.message}
    if isinstance(exc, IntegrityError):
        return _(
            "Lỗi: dữ liệu trùng với dữ liệu đã có hoặc trái ràng buộc của cơ sở dữ liệu (ví dụ một mã số đã "
            "được dùng, có thể bởi một lệnh khác chạy cùng lúc). Thao tác bị lỗi không được ghi. Hãy kiểm "
            "tra dữ liệu rồi chạy lại (thêm --traceback để xem chi tiết kỹ thuật)."
        )
    detail = str(exc).lower()
    if any(s in detail for s in ("no such table", "no such column", "does not exist")):
        # SQLite's OperationalError, PostgreSQL's ProgrammingError: the schema is behind the code.
        return _(
            "Lỗi: cơ sở dữ liệu chưa có bảng hoặc cột mà lệnh cần (chưa chạy «ocop migrate» sau khi cài "
            "hoặc cập nhật?). Hãy chạy «ocop migrate» rồi chạy lại lệnh."
        )
    if isinstance(exc, OperationalError):
        return _(
            "Lỗi: không làm việc được với cơ sở dữ liệu (đang bận, bị khóa hoặc mất kết nối). Thao tác bị "
            "lỗi không được ghi. Hãy thử lại sau ít phút (thêm --traceback để xem chi tiết kỹ thuật)."
        )
    return _(
        "Lỗi cơ sở dữ liệu: thao tác bị lỗi không được ghi. Hãy thử lại; nếu vẫn lỗi, chạy lại với "
        "--traceback và gửi chi tiết cho người quản trị hệ thống."
    )
