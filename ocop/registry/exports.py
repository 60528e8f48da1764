"""Row generators for registry exports (back office lists, CLI), written by ocop.core.export."""

from django.utils.translation import gettext as _

PRODUCT_HEADERS = [
    "Mã số sản phẩm",
    "Tên sản phẩm",
    "Tên chủ thể",
    "Loại hình chủ thể",
    "Mã số thuế",
    "Địa chỉ",
    "Mã xã",
    "Tỉnh",
    "Bộ sản phẩm",
    "Ngành",
    "GTIN",
    "Số sao",
    "Số quyết định",
    "Ngày quyết định",
    "Năm",
]
PRODUCER_HEADERS = [
    "Tên chủ thể",
    "Loại hình chủ thể",
    "Mã số thuế",
    "Người đại diện",
    "Đại diện là nữ",
    "Đại diện là người DTTS",
    "Địa chỉ",
    "Mã xã",
    "Tỉnh",
    "Điện thoại",
    "Thư điện tử",
]


def product_rows(qs):
    for p in qs.with_related().iterator(chunk_size=2000):
        addr = ", ".join(x for x in (p.producer.address_detail, p.commune.name, p.commune.province.name) if x)
        yield [
            p.code or "",
            p.name,
            p.producer.name,
            p.producer.get_type_display(),
            p.producer.tax_code,
            addr,
            p.commune_id,
            p.commune.province.name,
            p.product_set.number,
            p.product_set.group.sector.name,
            p.gtin,
            p.star,
            p.decision_number,
            p.decision_date,
            p.year,
        ]


def producer_rows(qs):
    yes, no = _("có"), _("không")
    for p in qs.select_related("commune__province").iterator(chunk_size=2000):
        addr = ", ".join(x for x in (p.address_detail, p.commune.name, p.commune.province.name) if x)
        yield [
            p.name,
            p.get_type_display(),
            p.tax_code,
            p.legal_rep,
            yes if p.rep_female else no,
            yes if p.rep_ethnic_minority else no,
            addr,
            p.commune_id,
            p.commune.province.name,
            p.phone,
            p.email,
        ]
