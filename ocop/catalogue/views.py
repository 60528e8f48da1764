"""Public pages of the catalogue: light HTML, no login, no form posts (so no CSRF cookie), no JavaScript
needed. Each view: parse → one selector → render."""

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.core import vnmap
from ocop.geo.models import Province
from ocop.monitoring.models import SalesPoint
from ocop.registry.models import ProducerType

from . import jsonld, opendata, selectors
from .models import Fair
from .search import CHANNELS, SORTS, Query, search


def _int(value) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if 0 < n < 2**31 else None


def query_from(params) -> Query:
    """A Query from GET parameters; anything unknown or malformed is ignored, never an error."""
    star = _int(params.get("star"))
    return Query(
        text=params.get("q", "")[:200],
        province=_int(params.get("province")),
        commune=_int(params.get("commune")),
        star=star if star in (3, 4, 5) else None,
        sector=params.get("sector", "")[:10],
        group=_int(params.get("group")),
        set_number=_int(params.get("set")),
        producer_type=params.get("type", "") if params.get("type") in ProducerType.values else "",
        channel=params.get("channel", "") if params.get("channel") in CHANNELS else "",
        sort=params.get("sort", "") if params.get("sort") in SORTS else "",
        page=_int(params.get("page")) or 1,
    )


def _points(items, kind="sale"):
    out = []
    for sp in items:
        if sp.lat is not None and sp.lon is not None:
            href = reverse("catalogue:sales_point", args=[sp.public_id]) if kind == "sale" else ""
            out.append(vnmap.Point(float(sp.lat), float(sp.lon), sp.name, href, kind))
    return out


def _islands():
    return {"hoang_sa": _("Quần đảo Hoàng Sa"), "truong_sa": _("Quần đảo Trường Sa")}


def search_page(request):
    q = query_from(request.GET)
    result = search(q)
    c = selectors.choices()
    return render(
        request,
        "catalogue/search.html",
        {
            "q": q,
            "result": result,
            "choices": c,
            "communes": selectors.communes_of(q.province),
            "groups": [g for g in c["groups"] if not q.sector or g[2] == q.sector],
            "stars": [(s, result.by_star.get(s, 0)) for s in (5, 4, 3)],
            "all_count": sum(result.by_star.values()),
            "sorts": [
                ("relevance", _("Phù hợp nhất")),
                ("star", _("Nhiều sao trước")),
                ("new", _("Mới công nhận")),
                ("name", _("Tên A–Z")),
            ],
            "filtered": any(
                (q.province, q.commune, q.star, q.sector, q.group, q.set_number, q.producer_type, q.channel)
            ),
        },
    )


def product_page(request, pid):
    today = datetime.date.today()
    page = selectors.product_page(pid, today)
    if page is None:
        raise Http404
    listing = page.listing
    points = _points(page.sales_points)
    seat = selectors.SEAT.get(listing.province_id)
    if seat:
        label = f"{listing.commune_name}, {listing.province_name}"
        points.insert(0, vnmap.Point(seat[0], seat[1], label, "", "main"))
    url = request.build_absolute_uri()
    return render(
        request,
        "catalogue/product.html",
        {
            "p": page,
            "l": listing,
            "product": page.product,
            "map": vnmap.render(
                points, width=300, fit="country", title=_("Bản đồ"), island_labels=_islands()
            ),
            "jsonld": jsonld.product(page, url=url, media=request.build_absolute_uri(settings.MEDIA_URL)),
            "canonical": url,
        },
    )


def producer_page(request, pid):
    producer = selectors.producer_of(pid)
    if producer is None:
        raise Http404
    items = selectors.live().filter(producer_id=producer.pk).order_by("-star", "name")
    if not items:
        raise Http404  # a producer with no OCOP product in force has no public page
    return render(request, "catalogue/producer.html", {"producer": producer, "items": items})


def province_list(request):
    counts = dict(
        selectors.live().values_list("province_id").annotate(n=Count("pk")).values_list("province_id", "n")
    )
    provinces = [(p, counts.get(p.code, 0)) for p in Province.objects.order_by("name")]
    return render(request, "catalogue/province_list.html", {"provinces": provinces})


def province_page(request, code):
    province = get_object_or_404(Province, code=_int(code) or 0)
    today = datetime.date.today()
    figures = selectors.province_figures(province, today)
    points = list(SalesPoint.objects.filter(commune__province=province, active=True).order_by("name"))
    upcoming, _past = selectors.fairs_of(province.code, today)
    map_points = _points(points)
    if not map_points and province.code in selectors.SEAT:  # no sales point placed yet: show the province
        map_points = [vnmap.Point(*selectors.SEAT[province.code], province.name, "", "main")]
    return render(
        request,
        "catalogue/province.html",
        {
            "province": province,
            "f": figures,
            "top": selectors.live(today)
            .filter(province_id=province.code)
            .order_by("-star", "-recognised_on")[:12],
            "points": points,
            "fairs": upcoming[:6],
            "map": vnmap.render(
                map_points,
                width=320,
                fit="points",
                pad_km=60,
                title=_("Điểm bán sản phẩm OCOP"),
                island_labels=_islands(),
            ),
            "canonical": request.build_absolute_uri(),
        },
    )


def sales_points(request):
    province = _int(request.GET.get("province"))
    qs = SalesPoint.objects.filter(active=True).select_related("commune__province").order_by("name")
    if province:
        qs = qs.filter(commune__province_id=province)
    rows = list(qs)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/sales_points.html",
        {
            "page": page,
            "province": province,
            "choices": selectors.choices(),
            "map": vnmap.render(
                _points(rows),
                width=320,
                fit="points" if province and rows else "country",
                pad_km=40,
                title=_("Bản đồ điểm bán sản phẩm OCOP"),
                island_labels=_islands(),
            ),
        },
    )


def sales_point(request, pid):
    sp = get_object_or_404(SalesPoint.objects.select_related("commune__province"), public_id=pid, active=True)
    items = selectors.live().filter(product__sales_points=sp).order_by("-star", "name")
    return render(
        request,
        "catalogue/sales_point.html",
        {
            "sp": sp,
            "items": items,
            "map": vnmap.render(
                _points([sp]), width=300, fit="points", title=sp.name, island_labels=_islands()
            )
            if sp.lat is not None
            else "",
        },
    )


def fair_list(request):
    province = _int(request.GET.get("province"))
    upcoming, past = selectors.fairs_of(province, datetime.date.today())
    return render(
        request,
        "catalogue/fair_list.html",
        {"upcoming": upcoming, "past": past[:30], "province": province, "choices": selectors.choices()},
    )


def fair_page(request, pid):
    fair = get_object_or_404(Fair.objects.select_related("province"), public_id=pid)
    items = selectors.live().filter(product__fairs=fair).order_by("province_name", "-star", "name")
    return render(
        request, "catalogue/fair.html", {"fair": fair, "items": items, "today": datetime.date.today()}
    )


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def open_data(request):
    today = datetime.date.today()
    return render(
        request,
        "catalogue/open_data.html",
        {
            "updated": selectors.last_update(),
            "count": selectors.live(today).count(),
            "licence": opendata.LICENCE,
            "licence_url": opendata.LICENCE_URL,
            "product_fields": opendata.PRODUCT_FIELDS,
            "sales_point_fields": opendata.SALES_POINT_FIELDS,
            "coverage": selectors.coverage(today),
        },
    )


def _meta(request, dataset: str, fields) -> dict:
    updated = selectors.last_update()
    return {
        "dataset": dataset,
        "publisher": "Nền tảng OCOP",
        "licence": opendata.LICENCE,
        "licence_url": opendata.LICENCE_URL,
        "updated": updated.isoformat() if updated else None,
        "fields": {k: str(v) for k, v in fields},
        "source": request.build_absolute_uri(),
    }


def open_products(request, fmt):
    today = datetime.date.today()
    rows = opendata.product_rows(
        selectors.live(today).select_related("product").order_by("province_id", "product_id").iterator(2000),
        _base(request),
        today,
    )
    keys = [k for k, _ in opendata.PRODUCT_FIELDS]
    if fmt == "csv":
        return opendata.csv_response("san-pham-ocop", keys, rows)
    if fmt == "json":
        return opendata.json_response(
            "san-pham-ocop", _meta(request, "san-pham-ocop", opendata.PRODUCT_FIELDS), rows
        )
    raise Http404


def open_sales_points(request, fmt):
    points = (
        SalesPoint.objects.filter(active=True)
        .select_related("commune")
        .annotate(n=Count("products"))
        .order_by("commune__province_id", "name")
    )
    rows = opendata.sales_point_rows(points, _base(request))
    keys = [k for k, _ in opendata.SALES_POINT_FIELDS]
    if fmt == "csv":
        return opendata.csv_response("diem-ban-ocop", keys, rows)
    if fmt == "json":
        meta = _meta(request, "diem-ban-ocop", opendata.SALES_POINT_FIELDS)
        return opendata.json_response("diem-ban-ocop", meta, rows)
    raise Http404
