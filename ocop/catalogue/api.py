"""Read-only public endpoints (no login): catalogue search, a product, a province's figures, sales points,
fairs, e-commerce coverage; the selectors of the public pages. Licence and update date: /public/meta."""

import datetime

from django.http import Http404
from django.urls import reverse
from ninja import Query, Router, Schema

from ocop.geo.models import Province
from ocop.monitoring.models import SalesPoint

from . import opendata, selectors
from .search import search
from .views import query_from

router = Router(tags=["Công khai (dữ liệu mở)"])


class ItemOut(Schema):
    id: str
    name: str
    star: int
    producer: str
    producer_id: str
    commune: str
    province: str
    province_code: int
    valid_until: datetime.date | None
    online: bool
    sales_points: int
    url: str


class SearchOut(Schema):
    total: int
    page: int
    pages: int
    partial: bool
    by_star: dict[str, int]
    items: list[ItemOut]


@router.get("/public/products", response=SearchOut, auth=None, summary="Tìm sản phẩm OCOP đang còn hiệu lực")
def products(
    request,
    q: str = Query("", max_length=200),
    province: int | None = None,
    commune: int | None = None,
    star: int | None = None,
    sector: str = Query("", max_length=10),
    group: int | None = None,
    set: int | None = None,
    type: str = Query("", max_length=20),
    channel: str = Query("", max_length=20),
    sort: str = Query("", max_length=20),
    page: int = 1,
):
    """Không phân biệt hoa thường, có dấu hay không dấu (đ = d); mỗi từ khớp phần đầu một từ."""
    # The parameters above document the endpoint; they are read like the page reads them (same parser).
    result = search(query_from(request.GET))
    return {
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "partial": result.partial,
        "by_star": {str(k): v for k, v in sorted(result.by_star.items())},
        "items": [
            {
                "id": i.public_id,
                "name": i.name,
                "star": i.star,
                "producer": i.producer_name,
                "producer_id": i.producer_public_id,
                "commune": i.commune_name,
                "province": i.province_name,
                "province_code": i.province_id,
                "valid_until": i.valid_until,
                "online": i.ecommerce > 0,
                "sales_points": i.sales_points,
                "url": reverse("catalogue:product", args=[i.public_id]),
            }
            for i in result.items
        ],
    }


class LinkOut(Schema):
    platform: str
    url: str
    last_checked: datetime.date | None


class PlaceOut(Schema):
    id: str
    name: str
    address: str
    lat: float | None
    lon: float | None


class PublicProductOut(Schema):
    id: str
    code: str
    name: str
    star: int
    status: str
    certificate: str
    recognised_on: datetime.date | None
    valid_until: datetime.date | None
    product_set: int
    producer: str
    producer_id: str
    commune_code: int
    commune: str
    province_code: int
    province: str
    gtin: str
    description: str
    price_vnd: int | None
    package: str
    photos: list[str]
    ecommerce: list[LinkOut]
    sales_points: list[PlaceOut]


@router.get("/public/products/{pid}", response=PublicProductOut, auth=None, summary="Một sản phẩm OCOP")
def product(request, pid: str):
    today = datetime.date.today()
    page = selectors.product_page(pid, today)
    if page is None:
        raise Http404
    lst, p = page.listing, page.product
    return {
        "id": lst.public_id,
        "code": p.code or "",
        "name": lst.name,
        "star": lst.star,
        "status": page.status,
        "certificate": lst.certificate_number,
        "recognised_on": lst.recognised_on,
        "valid_until": lst.valid_until,
        "product_set": lst.set_number,
        "producer": lst.producer_name,
        "producer_id": lst.producer_public_id,
        "commune_code": lst.commune_id,
        "commune": lst.commune_name,
        "province_code": lst.province_id,
        "province": lst.province_name,
        "gtin": p.gtin,
        "description": p.description,
        "price_vnd": p.price,
        "package": p.package,
        "photos": [request.build_absolute_uri(ph.image.url) for ph in page.photos],
        "ecommerce": [
            {"platform": x.platform, "url": x.url, "last_checked": x.last_checked} for x in page.links
        ],
        "sales_points": [_place(sp) for sp in page.sales_points],
    }


def _place(sp) -> dict:
    return {
        "id": sp.public_id,
        "name": sp.name,
        "address": f"{sp.address + ', ' if sp.address else ''}{sp.commune.name}, {sp.commune.province.name}",
        "lat": float(sp.lat) if sp.lat is not None else None,
        "lon": float(sp.lon) if sp.lon is not None else None,
    }


class PublicProvinceOut(Schema):
    code: int
    name: str
    products: int
    by_star: dict[str, int]
    producers: int
    communes_with_product: int
    communes: int
    sales_points: int
    online_share: int


@router.get(
    "/public/provinces/{code}", response=PublicProvinceOut, auth=None, summary="Số liệu OCOP của một tỉnh"
)
def province(request, code: int):
    prov = Province.objects.filter(code=code).first()
    if prov is None:
        raise Http404
    f = selectors.province_figures(prov, datetime.date.today())
    return {
        "code": prov.code,
        "name": prov.name,
        "products": f.products,
        "by_star": {str(k): v for k, v in f.by_star.items()},
        "producers": f.producers,
        "communes_with_product": f.communes_with_product,
        "communes": f.communes,
        "sales_points": f.sales_points,
        "online_share": f.online_share,
    }


@router.get("/public/sales-points", response=list[PlaceOut], auth=None, summary="Điểm bán sản phẩm OCOP")
def sales_points(request, province: int | None = Query(None, ge=1, le=999)):
    qs = SalesPoint.objects.filter(active=True).select_related("commune__province").order_by("name")
    if province:
        qs = qs.filter(commune__province_id=province)
    return [_place(sp) for sp in qs[:2000]]


class FairOut(Schema):
    id: str
    name: str
    kind: str
    province_code: int
    venue: str
    starts_on: datetime.date
    ends_on: datetime.date
    products: int


@router.get(
    "/public/fairs", response=list[FairOut], auth=None, summary="Hội chợ, triển lãm sắp và đang diễn ra"
)
def fairs(request, province: int | None = Query(None, ge=1, le=999)):
    upcoming, _past = selectors.fairs_of(province, datetime.date.today())
    return [
        {
            "id": f.public_id,
            "name": f.name,
            "kind": f.kind,
            "province_code": f.province_id,
            "venue": f.venue,
            "starts_on": f.starts_on,
            "ends_on": f.ends_on,
            "products": f.n,
        }
        for f in upcoming[:200]
    ]


class CoverageOut(Schema):
    province_code: int
    province: str
    products: int
    online: int
    share: int


@router.get(
    "/public/ecommerce-coverage", response=list[CoverageOut], auth=None, summary="Tỷ lệ sản phẩm có gian hàng"
)
def ecommerce_coverage(request):
    return [
        {
            "province_code": r["province_id"],
            "province": r["province_name"],
            "products": r["products"],
            "online": r["online"],
            "share": r["share"],
        }
        for r in selectors.coverage(datetime.date.today())
    ]


class MetaOut(Schema):
    licence: str
    licence_url: str
    updated: datetime.datetime | None
    products_in_force: int
    datasets: dict[str, str]


@router.get(
    "/public/meta", response=MetaOut, auth=None, summary="Giấy phép, ngày cập nhật, các tệp dữ liệu mở"
)
def meta(request):
    return {
        "licence": opendata.LICENCE,
        "licence_url": opendata.LICENCE_URL,
        "updated": selectors.last_update(),
        "products_in_force": selectors.live().count(),
        "datasets": {
            f"{name}.{fmt}": request.build_absolute_uri(reverse(f"catalogue:{view}", args=[fmt]))
            for name, view in (("san-pham-ocop", "open_products"), ("diem-ban-ocop", "open_sales_points"))
            for fmt in ("csv", "json")
        },
    }
