"""ocop daily [--date YYYY-MM-DD] [--no-mail] [--json]: every job a server runs once a day, for cron or a
systemd timer (docs/deployment.md). Each job is safe to run again the same day."""

import json

from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.utils import timezone

from ocop.core.cli import cli_date
from ocop.monitoring import reminders
from ocop.registry.import_jobs import import_jobs_expire
from ocop.traceability.partitions import ensure_partitions


class Command(BaseCommand):
    help = (
        "Việc hằng ngày: tạo trước các phân vùng nhật ký quét tem theo tháng (PostgreSQL), nhắc việc, "
        "xoá phiên đăng nhập đã hết hạn, xoá tệp nhập danh sách chờ xác nhận quá 24 giờ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày chạy (YYYY-MM-DD), mặc định hôm nay")
        parser.add_argument(
            "--no-mail", action="store_true", help="Nhắc việc chỉ trong ứng dụng, không gửi thư"
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        day = cli_date(opts["date"]) or timezone.localdate()
        partitions = ensure_partitions(day)
        sent = reminders.run(day, mail=not opts["no_mail"])
        sessions, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        import_files = import_jobs_expire()
        data = {
            "date": day.isoformat(),
            "partitions_created": partitions,
            "reminders_created": sent.created,
            "reminders_emailed": sent.emailed,
            "reminders_failed": sent.failed,
            "sessions_removed": sessions,
            "import_files_removed": import_files,
        }
        if opts["json"]:
            self.stdout.write(json.dumps(data))
            return
        self.stdout.write(
            f"Ngày {day:%d/%m/%Y}: {len(partitions)} phân vùng nhật ký quét tem mới; "
            f"nhắc việc mới {sent.created}, đã gửi thư {sent.emailed}, gửi lỗi {sent.failed}; "
            f"xoá {sessions} phiên đăng nhập hết hạn, {import_files} tệp nhập danh sách quá 24 giờ."
        )
