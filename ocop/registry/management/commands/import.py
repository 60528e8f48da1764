import shutil
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ocop.core.errors import OcopError
from ocop.core.export import write
from ocop.registry.importing import TEMPLATE_EXAMPLE, TEMPLATE_HEADERS, import_rows
from ocop.registry.tabular import open_table


class Command(BaseCommand):
    help = (
        "Nhập danh sách sản phẩm OCOP từ tệp .xlsx hoặc .csv (kiểm tra mọi dòng trước; lỗi thì không ghi gì)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx hoặc .csv; với --template: tệp mẫu sẽ ghi ra")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")
        parser.add_argument("--user", help="Nhập với quyền của tài khoản này (mặc định: quyền toàn quốc)")
        parser.add_argument("--template", action="store_true", help="Ghi tệp mẫu (.xlsx hoặc .csv) rồi thoát")

    def handle(self, file, dry_run=False, user=None, template=False, **opts):
        path = Path(file)
        if template:
            with path.open("wb") as out:
                write(
                    "csv" if path.suffix.lower() == ".csv" else "xlsx",
                    TEMPLATE_HEADERS,
                    [TEMPLATE_EXAMPLE],
                    out,
                )
            self.stdout.write(f"Đã ghi tệp mẫu {path}")
            return
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp «{file}».")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Không có tài khoản «{user}».")
        try:
            # Read row by row while checking (within the limits of registry.tabular); the bar's total is
            # what the file declares.
            table = open_table(path.name, path.read_bytes())
            show = self.stderr.isatty() or (table.estimate or 0) > 2000
            with tqdm(
                total=table.estimate,
                desc="Kiểm tra",
                unit="dòng",
                disable=not show,
                file=sys.stderr,
                ncols=min(shutil.get_terminal_size().columns, 100),
            ) as bar:
                result = import_rows(table, actor=actor, dry_run=dry_run, progress=bar.update)
        except OcopError as e:
            raise CommandError(e.message) from None
        if result.errors:
            for line in result.errors:
                self.stderr.write(line)
            if result.errors_more:
                self.stderr.write(result.more_errors())
            raise CommandError(
                f"{result.error_count} dòng lỗi trên {result.rows} dòng: không ghi gì. "
                "Hãy sửa các dòng trên rồi nhập lại."
            )
        prefix = "Kiểm tra xong (chưa ghi, --dry-run). " if dry_run else "Đã nhập. "
        self.stdout.write(prefix + result.summary())
