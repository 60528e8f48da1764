"""ocop products list [--province CODE] [--json]: products with their current certificate."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from ocop.evaluation.models import Certificate
from ocop.geo.models import Province
from ocop.registry.models import Product


class Command(BaseCommand):
    help = "Danh sách sản phẩm OCOP với giấy chứng nhận hiện hành."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list"])
        parser.add_argument("--province", type=int, help="Mã tỉnh")
        parser.add_argument("--json", action="store_true", help="In JSON (một mảng)")

    def handle(self, action, province=None, json=False, **opts):
        qs = Product.objects.select_related("producer", "commune__province").order_by("code", "id")
        if province is not None:
            if not Province.objects.filter(code=province).exists():
                raise CommandError(f"Không có tỉnh mã «{province}» (34 tỉnh, thành phố từ 1/7/2025).")
            qs = qs.filter(commune__province_id=province)
        qs = qs.prefetch_related(
            Prefetch(
                "certificates", queryset=Certificate.objects.order_by("-issued_on", "-id"), to_attr="certs"
            )
        )
        rows = []
        for p in qs.iterator(chunk_size=2000):
            cert = p.certs[0] if p.certs else None
            rows.append(
                {
                    "code": p.code,
                    "name": p.name,
                    "producer": p.producer.name,
                    "province": p.commune.province.name,
                    "star": p.star,
                    "certificate": None
                    if cert is None
                    else {
                        "number": cert.number,
                        "product_name": cert.product_name,  # as certified (the name may differ since)
                        "status": cert.status(),
                        "valid_until": cert.valid_until.isoformat(),
                    },
                }
            )
        if json:
            self.stdout.write(_dumps(rows))
            return
        for r in rows:
            c = r["certificate"]
            cert = f"{c['number']} ({c['status']}, đến {c['valid_until']})" if c else "—"
            self.stdout.write(
                f"{r['code'] or '—':<22} {r['star'] or '-'}★ {r['name']} · {r['producer']} · {cert}"
            )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
