"""ocop stats [--province CODE] [--commune CODE] [--year YYYY] [--json]: the figures of the dashboard and
of GET /api/v1/stats. `--rebuild` rebuilds the catalogue rows and the recognition facts from the records."""

import json

from django.core.management.base import BaseCommand, CommandError

from ocop.catalogue import listings
from ocop.core.errors import OcopError
from ocop.registry.models import ProducerType
from ocop.reporting.stats import area_for, check_year, sector_names, summary


class Command(BaseCommand):
    help = (
        "Số liệu OCOP của cả nước, một tỉnh hoặc một xã: sản phẩm còn hiệu lực hôm nay, hoặc được công nhận "
        "trong một năm (--year), theo hạng sao, ngành, loại hình chủ thể; số chủ thể; số xã có sản phẩm."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", type=int, help="Mã tỉnh, thành phố (ví dụ 12)")
        parser.add_argument("--commune", type=int, help="Mã xã, phường")
        parser.add_argument("--year", type=int, help="Năm công nhận (ví dụ 2024)")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--rebuild", action="store_true", help="Dựng lại bảng số liệu từ hồ sơ gốc")

    def handle(self, *args, **opts):
        year = opts["year"]
        try:
            check_year(year)
            area = area_for(None, opts["province"], opts["commune"])
        except OcopError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        if opts["rebuild"]:
            rows = listings.refresh()
            self.stderr.write(f"Đã dựng lại số liệu của {rows} sản phẩm.")
        data = summary(area, year)
        if opts["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        when = f"công nhận trong năm {year}" if year else "còn hiệu lực hôm nay"
        self.stdout.write(f"{area.name}: {data['products']} sản phẩm OCOP {when}")
        self.stdout.write("  " + ", ".join(f"{n} sản phẩm {s} sao" for s, n in data["by_star"].items()))
        sectors = sector_names()
        for code, n in data["by_sector"].items():
            self.stdout.write(f"  Ngành {code}. {sectors.get(code, '')}: {n}")
        types = dict(ProducerType.choices)
        for code, n in data["by_producer_type"].items():
            self.stdout.write(f"  {types.get(code, code)}: {n}")
        self.stdout.write(f"  Chủ thể: {data['producers']}")
        self.stdout.write(f"  Xã, phường có sản phẩm: {data['communes_with_product']} / {data['communes']}")
