"""ocop restore FILE.tar [--yes]: check the archive, then put back the database and the files."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ocop.core import backup
from ocop.core.errors import OcopError


class Command(BaseCommand):
    help = (
        "Khôi phục từ tệp sao lưu: kiểm tra toàn bộ tệp trước, rồi thay cơ sở dữ liệu và các tệp. "
        "Dừng máy chủ web và tiến trình nền trước khi chạy."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp sao lưu .tar do «ocop backup» tạo")
        parser.add_argument("--yes", action="store_true", help="Không hỏi lại (bắt buộc khi chạy tự động)")

    def handle(self, file, yes=False, **opts):
        try:
            result = backup.backup_restore(
                path=file, confirm=None if yes else self._confirm, actor=None, progress=opts["verbosity"] > 0
            )
        except OcopError as e:
            raise CommandError(e.message, returncode=2) from None
        self._report(result)

    def _confirm(self, manifest: dict) -> bool:
        when = backup.created_at(manifest)
        if not sys.stdin.isatty():
            raise OcopError(
                "backup_restore_unconfirmed",
                _(
                    "Tệp sao lưu ngày %(when)s hợp lệ, nhưng khôi phục sẽ thay toàn bộ dữ liệu hiện có: "
                    "chạy lại với --yes để xác nhận."
                )
                % {"when": when},
            )
        question = _(
            "Khôi phục bản sao lưu ngày %(when)s (phiên bản %(version)s) sẽ thay TOÀN BỘ dữ liệu và tệp "
            "hiện có. Gõ «co» để tiếp tục: "
        ) % {"when": when, "version": manifest.get("version", "?")}
        self.stdout.write(question, ending="")
        self.stdout.flush()
        return sys.stdin.readline().strip().lower() in {"co", "có", "yes", "y"}

    def _report(self, result: backup.RestoreResult) -> None:
        manifest = result.manifest
        lines = [
            _(
                "Đã khôi phục bản sao lưu ngày %(when)s (phiên bản %(version)s, %(vendor)s) "
                "trong %(s).1f giây."
            )
            % {
                "when": backup.created_at(manifest),
                "version": manifest.get("version", "?"),
                "vendor": manifest["database"]["vendor"],
                "s": result.seconds,
            },
            _("Tệp công khai: %(media)s tệp; tệp riêng: %(private)s tệp.")
            % {"media": result.files["media"], "private": result.files["private"]},
            "",
        ]
        # Translated outside the f-string: makemessages does not look inside f-strings.
        table, archived, restored = _("Bảng"), _("Bản sao lưu"), _("Sau khôi phục")
        lines.append(f"{table:<26} {archived:>12} {restored:>14}")
        expected = manifest["counts"]
        wrong = set(result.mismatched())
        shown = [k for k in backup.MAIN_TABLES if k in expected] + sorted(wrong - set(backup.MAIN_TABLES))
        for label in shown:
            mark = "≠" if label in wrong else "="
            lines.append(f"{label:<26} {expected[label]:>12,} {result.counts.get(label, 0):>14,} {mark}")
        if wrong:
            lines.append(_("CẢNH BÁO: %(n)s bảng có số dòng khác bản sao lưu.") % {"n": len(wrong)})
        else:
            lines.append(_("Cả %(n)s bảng khớp số dòng với bản sao lưu.") % {"n": len(expected)})
        if result.pending_migrations:
            lines.append(
                _("Mã nguồn có %(n)s migration mới hơn bản sao lưu: chạy «ocop migrate».")
                % {"n": len(result.pending_migrations)}
            )
        self.stdout.write("\n".join(lines))
        if wrong:
            raise CommandError(_("Số dòng sau khôi phục không khớp bản sao lưu."), returncode=1)
