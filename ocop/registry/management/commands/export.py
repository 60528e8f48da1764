import sys

from django.core.management.base import BaseCommand

from ocop.core.export import write
from ocop.registry.exports import PRODUCER_HEADERS, PRODUCT_HEADERS, producer_rows, product_rows
from ocop.registry.models import Producer, Product


class Command(BaseCommand):
    help = "Xuất danh sách sản phẩm hoặc chủ thể ra .xlsx hoặc .csv."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["products", "producers"])
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--province", type=int, help="Mã tỉnh (địa giới mới)")
        parser.add_argument("--out", help="Tệp ghi ra (mặc định: stdout)")

    def handle(self, what, format, province=None, out=None, **opts):
        if what == "products":
            qs, headers, rows = Product.objects.all(), PRODUCT_HEADERS, product_rows
        else:
            qs, headers, rows = Producer.objects.all(), PRODUCER_HEADERS, producer_rows
        if province:
            qs = qs.filter(commune__province_id=province)
        if out:
            with open(out, "wb") as f:
                write(format, headers, rows(qs), f)
        else:
            write(format, headers, rows(qs), sys.stdout.buffer)
