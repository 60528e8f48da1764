"""Stamps from the command line (the same services as the web pages and the API).

ocop stamps issue --product CODE --count N --json
ocop stamps activate --batch ID --lot LOT --produced YYYY-MM-DD [--expires YYYY-MM-DD]
                     [--from K --to M] --json
ocop stamps export --batch ID --format urls [--limit N]
ocop stamps labels --batch ID --out FILE.pdf [--limit N] [--layout a4-24]
ocop stamps keys [--json]                  the stamp keys (ids only) and how many batches each issued
ocop stamps rotate-key [--retire-current]  a new key: prints the OCOP_STAMP_KEYS value to set
ocop stamps retire-key --key ID            prints the OCOP_STAMP_KEYS_RETIRED value to set, and who is hit

Keys live in the environment, never in the database: the two key commands only print what to set (the
secrets on standard output, nowhere else). See docs/security.md, "Stamp keys".
"""

import json
import secrets
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Sum
from tqdm import tqdm

from ocop.core.cli import cli_date
from ocop.core.errors import OcopError
from ocop.evaluation.models import Certificate
from ocop.registry.models import Product
from ocop.traceability import labels, services, stampkeys
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
        p = sub.add_parser("keys", help="Các khóa tem (chỉ mã khóa) và số đợt tem mỗi khóa đã phát hành")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("rotate-key", help="Tạo khóa tem mới; in giá trị OCOP_STAMP_KEYS cần đặt")
        p.add_argument(
            "--retire-current",
            action="store_true",
            help="Ngừng dùng luôn khóa hiện tại (khi khóa bị lộ): in cả OCOP_STAMP_KEYS_RETIRED",
        )
        p = sub.add_parser(
            "retire-key", help="Ngừng dùng một khóa; in giá trị OCOP_STAMP_KEYS_RETIRED cần đặt"
        )
        p.add_argument("--key", required=True)

    def handle(self, action, **opts):
        try:
            return getattr(self, f"_{action.replace('-', '_')}")(**opts)
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

    def _key_usage(self) -> dict[str, dict]:
        rows = StampBatch.objects.values("key_id").annotate(batches=Count("id"), stamps=Sum("count"))
        return {r["key_id"]: {"batches": r["batches"], "stamps": r["stamps"] or 0} for r in rows}

    def _keys(self, json, **opts):
        ring, usage = services.keyring(), self._key_usage()
        rows = [
            {
                "id": k.id,
                "status": "current" if k is ring.current else "retired" if k.retired else "verifying",
                **usage.get(k.id, {"batches": 0, "stamps": 0}),
            }
            for k in ring.keys
        ]
        rows += [{"id": k, "status": "missing", **u} for k, u in sorted(usage.items()) if not ring.get(k)]
        if json:
            return self._json({"keys": rows})
        label = {
            "current": "đang phát hành",
            "verifying": "chỉ kiểm tra",
            "retired": "đã ngừng dùng (tem báo «Cần lưu ý»)",
            "missing": "KHÔNG CÒN TRONG CẤU HÌNH (tem báo giả)",
        }
        for r in rows:
            self.stdout.write(f"{r['id']}: {label[r['status']]} · {r['batches']} đợt, {r['stamps']} tem")

    def _rotate_key(self, retire_current, **opts):
        ring = services.keyring()
        keys = list(ring.keys)
        new_id = stampkeys.next_id({k.id for k in keys} | set(self._key_usage()))
        if len(keys) >= stampkeys.MAX_KEYS:
            raise CommandError(
                f"Đã có {len(keys)} khóa (tối đa {stampkeys.MAX_KEYS}): bỏ khóa cũ nhất đã ngừng dùng, "
                "không còn tem lưu thông, khỏi OCOP_STAMP_KEYS trước "
                "(«ocop stamps keys» cho biết số đợt mỗi khóa).",
                returncode=2,
            )
        old = [(k.id, self._secret(k.id)) for k in keys]
        if any("," in secret for _id, secret in old):
            raise CommandError(
                "Một khóa hiện có chứa dấu phẩy nên không ghép được vào OCOP_STAMP_KEYS; "
                "viết giá trị bằng tay.",
                returncode=2,
            )
        value = ",".join(f"{k}:{secret}" for k, secret in [(new_id, secrets.token_urlsafe(48)), *old])
        retired = [k.id for k in keys if k.retired] + ([ring.current.id] if retire_current else [])
        self.stdout.write(f"OCOP_STAMP_KEYS={value}")
        if retired:
            self.stdout.write(f"OCOP_STAMP_KEYS_RETIRED={','.join(retired)}")
        self.stderr.write(
            f"Khóa mới «{new_id}» sẽ phát hành mọi đợt tem mới; các khóa cũ vẫn kiểm tra tem đã in. Đặt "
            f"{'hai biến' if retired else 'biến'} trên cho mọi máy chủ ứng dụng (tệp môi trường, quyền 600), "
            "khởi động lại, rồi xóa kết quả lệnh này khỏi màn hình và lịch sử."
            + (" Sau đó chạy «ocop reminders» để báo chủ thể dán tem mới." if retire_current else "")
        )

    def _secret(self, key_id: str) -> str:
        from django.conf import settings

        if not settings.OCOP_STAMP_KEYS.strip():
            return settings.OCOP_STAMP_KEY
        return dict(stampkeys.parse_keys(settings.OCOP_STAMP_KEYS))[key_id]

    def _retire_key(self, key, **opts):
        ring = services.keyring()
        k = ring.get(key.strip())
        if k is None:
            raise CommandError(
                f"Không có khóa «{key}» trong cấu hình («ocop stamps keys» liệt kê các khóa).", returncode=2
            )
        if k is ring.current:
            raise CommandError(
                f"«{k.id}» là khóa đang phát hành: tạo khóa mới trước bằng «ocop stamps rotate-key» "
                "(hoặc «ocop stamps rotate-key --retire-current» để đổi và ngừng dùng cùng lúc).",
                returncode=2,
            )
        retired = [x.id for x in ring.keys if x.retired or x is k]
        batches = StampBatch.objects.filter(key_id=k.id)
        producers = batches.values("product__producer").distinct().count()
        self.stdout.write(f"OCOP_STAMP_KEYS_RETIRED={','.join(retired)}")
        self.stderr.write(
            f"Khóa «{k.id}» đã phát hành {batches.count()} đợt tem của {producers} chủ thể: khi biến trên "
            "có hiệu lực, tem của các đợt này báo «Cần lưu ý» và không kích hoạt thêm được. Đặt biến cho "
            "mọi máy chủ ứng dụng, khởi động lại, rồi chạy «ocop reminders» (hoặc chờ «ocop daily») để báo "
            "chủ thể dán tem mới."
        )

    def _json(self, data: dict) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))
