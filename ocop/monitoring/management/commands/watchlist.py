"""ocop watchlist --province CODE [--json]: the province's inspection watchlist (same as the web page
/quan-ly/giam-sat/ and GET /api/v1/monitoring/watchlist)."""

import json

from django.core.management.base import BaseCommand, CommandError

from ocop.geo.models import Province
from ocop.monitoring.watchlist import as_json, watchlist


class Command(BaseCommand):
    help = "Danh sách ưu tiên kiểm tra của một tỉnh: chủ thể xếp theo dấu hiệu trong dữ liệu, kèm lý do."

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, type=int, help="Mã tỉnh, thành phố (ví dụ 12)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        province = Province.objects.filter(pk=opts["province"]).first()
        if province is None:
            raise CommandError(
                f"Không có tỉnh, thành phố mã {opts['province']} (34 tỉnh, thành phố từ 7/2025).",
                returncode=2,
            )
        lines = watchlist(province.pk)
        if opts["json"]:
            data = {"province": {"code": province.pk, "name": province.name}, "producers": as_json(lines)}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{province.name}: {len(lines)} chủ thể có dấu hiệu")
        for line in lines:
            self.stdout.write(f"{line.rank:>3}. [{line.score}] {line.producer.name}")
            for r in line.reasons:
                self.stdout.write(f"       +{r.weight} {r.product.name}: {r.text}")
