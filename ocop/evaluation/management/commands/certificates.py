"""ocop certificates revoke NUMBER --ground b --decision TEXT --date YYYY-MM-DD"""

from django.core.management.base import BaseCommand, CommandError

from ocop.core.cli import cli_date
from ocop.core.errors import OcopError
from ocop.evaluation import services
from ocop.evaluation.models import Certificate


class Command(BaseCommand):
    help = "Quản lý giấy chứng nhận OCOP (thu hồi)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["revoke"])
        parser.add_argument("number", help="Số giấy chứng nhận")
        parser.add_argument("--ground", required=True, help="Căn cứ: a, b, c, d, dd (đ), e")
        parser.add_argument("--decision", required=True, help="Số/nội dung quyết định thu hồi")
        parser.add_argument("--date", required=True, help="Ngày quyết định YYYY-MM-DD")

    def handle(self, action, number, ground, decision, date, **opts):
        day = cli_date(date)
        cert = Certificate.objects.filter(number=number).first()
        if cert is None:
            raise CommandError(f"Không có giấy chứng nhận số «{number}».", returncode=2)
        ground = {"đ": "dd"}.get(ground.strip().lower(), ground.strip().lower())
        try:
            services.certificate_revoke(
                actor=None, certificate=cert, ground=ground, decision=decision, date=day
            )
        except OcopError as e:
            raise CommandError(e.message, returncode=2) from None
        self.stdout.write(
            f"Đã thu hồi giấy chứng nhận {number} (căn cứ {ground}, {decision}, {day:%d/%m/%Y})."
        )
