"""Back office of trade promotion: e-commerce coverage, the marketplace feed, fairs."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.accounts.permissions import profile_of
from ocop.core.errors import OcopError
from ocop.core.http import form_error
from ocop.registry.models import EcommerceLink, Platform

from . import opendata, services
from .forms import FairForm
from .models import Fair, Listing
from .search import Query, search


def _live(request):
    return Listing.objects.visible_to(request.user).filter(listed_until__gte=datetime.date.today())


@login_required
def coverage(request):
    """Share of products in force with at least one shop link: per province for the country, per commune
    inside a province (the seeds' target: every OCOP product on e-commerce)."""
    rows = _live(request)
    national = getattr(profile_of(request.user), "role", None) == Role.NATIONAL
    key = ("province_id", "province_name") if national else ("commune_id", "commune_name")
    table = list(
        rows.values(*key)
        .annotate(products=Count("pk"), online=Count("pk", filter=Q(ecommerce__gt=0)))
        .order_by(key[1])
    )
    for r in table:
        r["code"], r["name"] = r[key[0]], r[key[1]]
        r["share"] = round(100 * r["online"] / r["products"]) if r["products"] else 0
    total = sum(r["products"] for r in table)
    online = sum(r["online"] for r in table)
    platforms = dict(
        EcommerceLink.objects.filter(product__listing__in=rows)
        .values_list("platform")
        .annotate(n=Count("product", distinct=True))
        .values_list("platform", "n")
    )
    return render(
        request,
        "catalogue/coverage.html",
        {
            "table": table,
            "national": national,
            "total": total,
            "online": online,
            "share": round(100 * online / total) if total else 0,
            "platforms": [(label, platforms.get(value, 0)) for value, label in Platform.choices],
            "missing": rows.filter(ecommerce=0).order_by("-star", "name")[:30],
        },
    )


@login_required
def feed(request, fmt):
    """The products in force of the user's area in the Google Merchant / Meta catalogue shape."""
    base = request.build_absolute_uri("/").rstrip("/")
    media = request.build_absolute_uri(settings.MEDIA_URL)
    listings = _live(request).select_related("product__product_set__group__sector").order_by("product_id")
    rows = opendata.feed_rows(listings.iterator(1000), base, media)
    if fmt == "csv":
        return opendata.csv_response("ocop-feed", opendata.FEED_FIELDS, rows)
    if fmt == "json":
        meta = {"format": "Google Merchant Center / Meta catalogue", "currency": "VND"}
        return opendata.json_response("ocop-feed", meta, rows)
    raise Http404


def _office_province(user) -> int | None:
    p = profile_of(user)
    return p.province_id if p is not None and p.role == Role.PROVINCE else None


@login_required
def fair_list(request):
    fairs = Fair.objects.visible_to(request.user).select_related("province").annotate(n=Count("products"))
    p = profile_of(request.user)
    return render(
        request,
        "catalogue/work_fair_list.html",
        {"fairs": fairs.order_by("-starts_on"), "can_create": p is not None and p.role in services.OFFICE},
    )


@login_required
def fair_edit(request, pid=None):
    fair = get_object_or_404(Fair.objects.visible_to(request.user), public_id=pid) if pid else None
    initial = {k: getattr(fair, k) for k in services.FAIR_FIELDS} if fair else None
    form = FairForm(
        request.POST if request.POST.get("action") == "save" else None,
        initial=initial,
        province_id=_office_province(request.user),
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save" and form.is_valid():
                fair = services.fair_save(actor=request.user, fair=fair, **form.cleaned_data)
                messages.success(request, _("Đã lưu «%s».") % fair.name)
                return redirect("promotion:fair_edit", fair.public_id)
            if fair and action in ("add", "remove"):
                ids = [int(x) for x in request.POST.getlist("product") if x.isascii() and x.isdigit()]
                services.fair_products(
                    actor=request.user, fair=fair, **({"add": ids} if action == "add" else {"remove": ids})
                )
                messages.success(request, _("Đã cập nhật danh sách sản phẩm tham gia."))
                return redirect("promotion:fair_edit", fair.public_id)
        except OcopError as e:
            if action == "save":
                form_error(form, e)
            else:
                messages.error(request, e.message)
    found = None
    if fair and request.GET.get("q"):
        found = search(Query(text=request.GET["q"], per_page=20)).items
    return render(
        request,
        "catalogue/work_fair.html",
        {
            "fair": fair,
            "form": form,
            "products": fair.products.select_related("listing").order_by("name") if fair else [],
            "found": found,
        },
    )
