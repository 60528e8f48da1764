"""ocop reminders [--date YYYY-MM-DD] [--no-mail] [--enqueue] [--json]: the daily reminder job. Safe to run
any number of times a day: each reminder is created and mailed once."""

import json

from django.core.management.base import BaseCommand

from ocop.core.cli import cli_date
from ocop.monitoring import reminders
from ocop.monitoring.tasks import send_reminders


class Command(BaseCommand):
    help = "Nhắc việc hằng ngày: thời hạn đánh giá lại, hạn khắc phục, hạn chấm điểm, hạn xã rà soát."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày chạy (YYYY-MM-DD), mặc định hôm nay")
        parser.add_argument("--no-mail", action="store_true", help="Chỉ tạo nhắc việc trong ứng dụng")
        parser.add_argument("--enqueue", action="store_true", help="Đưa vào hàng đợi cho `ocop db_worker`")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        day = cli_date(opts["date"])
        if opts["enqueue"]:
            result = send_reminders.enqueue(day.isoformat() if day else None)
            self.stdout.write(f"Đã đưa vào hàng đợi: {result.id}")
            return
        result = reminders.run(day, mail=not opts["no_mail"])
        data = {"created": result.created, "emailed": result.emailed, "failed": result.failed}
        if opts["json"]:
            self.stdout.write(json.dumps(data))
        else:
            self.stdout.write(
                f"Nhắc việc mới: {result.created}; đã gửi thư: {result.emailed}; "
                f"gửi lỗi (thử lại lần sau): {result.failed}"
            )
