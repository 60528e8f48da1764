"""Stamps from the command line (the same services as the web pages and the API).

ocop stamps issue --product CODE --count N --json
ocop stamps activate --batch ID --lot LOT --produced YYYY-MM-DD [--expires YYYY-MM-DD]
                     [--from K --to M] --json
ocop stamps export --batch ID --format urls [--limit N]
ocop stamps labels --batch ID --out FILE.pdf [--limit N] [--layout a4-24]
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ocop.core.cli import cli_date
from ocop.core.errors import OcopError
from ocop.evaluation.models import Certificate
from ocop.registry.models import Product
from ocop.traceability import labels, services
from ocop.traceability.models import StampBatch


class Command(BaseCommand):
    help = "Tem OCOP: phát hành, kích hoạt theo lô, xuất danh sách URL, in nhãn PDF."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("issue", help="Phát hành một đợt tem cho sản phẩm")
        p.add_argument("--product", required=True, help="Mã số sản phẩm OCOP (hoặc mã hệ thống)")
        p.add_argument("--count", required=True, type=int)
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("activate", help="Kích hoạt một dải tem cho lô sản xuất")
        p.add_argument("--batch", required=True)
        p.add_argument("--lot", required=True)
        p.add_argument("--produced", required=True, help="Ngày sản xuất YYYY-MM-DD")
        p.add_argument("--expires", help="Hạn sử dụng YYYY-MM-DD")
        p.add_argument("--from", dest="first", type=int, help="Từ tem số (mặc định 1)")
        p.add_argument("--to", dest="last", type=int, help="Đến tem số (mặc định tem cuối)")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("export", help="Danh sách URL, mỗi dòng một tem (cho nhà in)")
        p.add_argument("--batch", required=True)
        p.add_argument("--format", choices=["urls"], default="urls")
        p.add_argument("--limit", type=int)
        p = sub.add_parser("labels", help="Tờ nhãn PDF khổ A4")
        p.add_argument("--batch", required=True)
        p.add_argument("--out", required=True)
        p.add_argument("--limit", type=int)
        p.add_argument("--layout", choices=sorted(labels.LAYOUTS), default="a4-24")

    def handle(self, action, **opts):
        try:
            return getattr(self, f"_{action}")(**opts)
        except OcopError as e:
            raise CommandError(e.message, returncode=2) from None

    def _batch(self, public_id: str) -> StampBatch:
        batch = (
            StampBatch.objects.select_related("product").filter(public_id=public_id.strip().upper()).first()
        )
        if batch is None:
            raise CommandError(f"Không có đợt tem «{public_id}».", returncode=2)
        return batch

    def _issue(self, product, count, json, **opts):
        found = (
            Product.objects.filter(code=product).first() or Product.objects.filter(public_id=product).first()
        )
        if found is None:
            raise CommandError(f"Không có sản phẩm mã «{product}».", returncode=2)
        batch = services.stamps_issue(actor=None, product=found, count=count)
        first, last = services.batch_serial(batch, 1), services.batch_serial(batch, batch.count)
        if json:
            self._json({"batch": batch.public_id, "count": batch.count, "first": first, "last": last})
        else:
            self.stdout.write(
                f"Đợt tem {batch.public_id}: {batch.count} tem cho «{found.name}» ({first} … {last})."
            )

    def _activate(self, batch, lot, produced, expires, first, last, json, **opts):
        b = self._batch(batch)
        a = services.stamps_activate(
            actor=None,
            batch=b,
            lot_code=lot,
            produced=cli_date(produced, "Ngày sản xuất"),
            expires=cli_date(expires, "Hạn sử dụng"),
            first=first,
            last=last,
        )
        data = {
            "batch": b.public_id,
            "lot": a.lot.code,
            "from": a.first,
            "to": a.last,
            "count": a.last - a.first + 1,
            "produced": a.lot.produced.isoformat(),
            "expires": a.lot.expires.isoformat() if a.lot.expires else None,
        }
        if json:
            self._json(data)
        else:
            self.stdout.write(
                f"Đã kích hoạt tem số {a.first}–{a.last} của đợt {b.public_id} cho lô {a.lot.code}."
            )

    def _export(self, batch, limit, **opts):
        out = sys.stdout
        for url in services.batch_urls(self._batch(batch), limit):
            out.write(url + "\n")

    def _labels(self, batch, out, limit, layout, **opts):
        b = self._batch(batch)
        total = b.count if limit is None else max(0, min(limit, b.count))
        cert = Certificate.objects.speaking_for(b.product)
        with tqdm(total=total, unit=" nhãn", disable=None, file=sys.stderr) as bar:
            n = labels.render(
                out,
                services.batch_stamps(b, limit),
                total=total,
                product_name=b.product.name,
                star=cert.star if cert else b.product.star,
                layout=labels.LAYOUTS[layout],
                progress=bar.update,
            )
        self.stderr.write(f"Đã ghi {n} nhãn vào {out}.")

    def _json(self, data: dict) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))
