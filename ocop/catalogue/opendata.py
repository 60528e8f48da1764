"""Open data (the registry of recognised products, sales points) and the marketplace feed: one row
generator per dataset, written as CSV or JSON with the same keys."""

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.core.export import safe_cell

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.vi"

# (key, meaning) of the registry dataset; the open data page lists them.
PRODUCT_FIELDS = [
    ("id", _("mã công khai của sản phẩm trên nền tảng")),
    ("code", _("mã số sản phẩm (mã tỉnh - mã xã - số thứ tự - năm)")),
    ("name", _("tên sản phẩm")),
    ("star", _("hạng sao OCOP (3, 4, 5)")),
    ("status", _("tình trạng chứng nhận: valid, expiring, grace")),
    ("certificate", _("số giấy chứng nhận (trống với bản ghi nhập từ danh sách cũ)")),
    ("recognised_on", _("ngày quyết định công nhận (ISO 8601)")),
    ("valid_until", _("ngày hết hiệu lực (ISO 8601)")),
    ("product_set", _("số bộ sản phẩm theo QĐ 26/2026")),
    ("sector", _("mã ngành")),
    ("producer", _("tên chủ thể")),
    ("producer_type", _("loại hình chủ thể")),
    ("commune_code", _("mã xã, phường (danh mục hành chính 2025)")),
    ("commune", _("tên xã, phường")),
    ("province_code", _("mã tỉnh, thành phố")),
    ("province", _("tên tỉnh, thành phố")),
    ("gtin", _("mã GTIN, nếu có")),
    ("url", _("trang sản phẩm")),
]

SALES_POINT_FIELDS = [
    ("id", _("mã công khai của điểm bán")),
    ("name", _("tên điểm bán")),
    ("address", _("địa chỉ")),
    ("commune_code", _("mã xã, phường")),
    ("province_code", _("mã tỉnh, thành phố")),
    ("lat", _("vĩ độ (WGS 84)")),
    ("lon", _("kinh độ (WGS 84)")),
    ("operator", _("đơn vị vận hành")),
    ("products", _("số sản phẩm OCOP bày bán")),
    ("url", _("trang điểm bán")),
]

# Google Merchant Center / Meta (Facebook, Instagram) catalogue columns: TikTok Shop and most marketplaces'
# bulk tools map them directly; Shopee, Lazada, Tiki take them through their spreadsheet templates.
FEED_FIELDS = [
    "id",
    "title",
    "description",
    "availability",
    "condition",
    "price",
    "link",
    "image_link",
    "brand",
    "gtin",
    "product_type",
    "custom_label_0",
    "custom_label_1",
    "custom_label_2",
]


def product_rows(listings: Iterable, base: str, today) -> Iterator[dict]:
    from .selectors import status

    for item in listings:
        p = item.product
        yield {
            "id": item.public_id,
            "code": p.code or "",
            "name": item.name,
            "star": item.star,
            "status": status(item, today),
            "certificate": item.certificate_number,
            "recognised_on": item.recognised_on.isoformat() if item.recognised_on else "",
            "valid_until": item.valid_until.isoformat() if item.valid_until else "",
            "product_set": item.set_number,
            "sector": item.sector_code,
            "producer": item.producer_name,
            "producer_type": item.producer_type,
            "commune_code": item.commune_id,
            "commune": item.commune_name,
            "province_code": item.province_id,
            "province": item.province_name,
            "gtin": p.gtin,
            "url": base + reverse("catalogue:product", args=[item.public_id]),
        }


def sales_point_rows(points: Iterable, base: str) -> Iterator[dict]:
    for sp in points:
        yield {
            "id": sp.public_id,
            "name": sp.name,
            "address": sp.address,
            "commune_code": sp.commune_id,
            "province_code": sp.commune.province_id,
            "lat": float(sp.lat) if sp.lat is not None else "",
            "lon": float(sp.lon) if sp.lon is not None else "",
            "operator": sp.operator,
            "products": sp.n,
            "url": base + reverse("catalogue:sales_point", args=[sp.public_id]),
        }


def feed_rows(listings: Iterable, base: str, media: str) -> Iterator[dict]:
    for item in listings:
        p = item.product
        description = (
            p.description.strip()
            or f"{item.name} — OCOP {item.star}★, {item.producer_name}, {item.province_name}."
        )
        yield {
            "id": p.code or item.public_id,
            "title": f"{item.name}{' ' + p.package if p.package else ''} (OCOP {item.star}★)"[:150],
            "description": description[:5000],
            "availability": "in stock",
            "condition": "new",
            "price": f"{p.price} VND" if p.price else "",
            "link": base + reverse("catalogue:product", args=[item.public_id]),
            "image_link": media + item.photo
            if item.photo
            else "",  # the 1280 px size: marketplaces want ≥ 500
            "brand": item.producer_name,
            "gtin": p.gtin,
            "product_type": f"OCOP > {p.product_set.group.sector.name} > {p.product_set.name}",
            "custom_label_0": f"OCOP {item.star} sao",
            "custom_label_1": item.province_name,
            "custom_label_2": item.certificate_number,
        }


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, keys: list[str], rows: Iterable[dict]) -> StreamingHttpResponse:
    """Streamed CSV (UTF-8 with BOM so spreadsheets read Vietnamese), cells escaped against formulas."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(keys)
        for row in rows:
            yield writer.writerow([safe_cell(row[k]) for k in keys])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def json_response(filename: str, meta: dict, rows: Iterable[dict]) -> StreamingHttpResponse:
    """Streamed JSON: {"meta": {...}, "data": [rows…]} without holding the whole list in memory."""

    def chunks():
        head = json.dumps(meta, ensure_ascii=False, default=str)
        yield '{"meta": ' + head + ', "data": ['
        first = True
        buf = io.StringIO()
        for row in rows:
            if not first:
                buf.write(",")
            first = False
            buf.write(json.dumps(row, ensure_ascii=False))
            if buf.tell() > 65536:
                yield buf.getvalue()
                buf = io.StringIO()
        yield buf.getvalue() + "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.json"'
    return response
