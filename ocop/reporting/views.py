"""Back office of programme monitoring: the dashboard, the periodic report and its tables, targets, the
outcomes producers report."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.accounts.permissions import profile_of
from ocop.core.errors import OcopError
from ocop.core.html import html_join
from ocop.core.http import CONTENT_TYPES, export_response, form_error
from ocop.registry.models import Producer, ProducerType

from . import charts, dashboard, services
from . import report as periodic
from .forms import OutcomeForm, TargetForm
from .models import Outcome, RecognitionKind, Target
from .stats import area_for, check_year, sector_names
from .templatetags.reporting import num


def _int(value) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise OcopError("invalid_number", _("«%s» không phải là một mã số.") % value[:20])
    return int(value)


def _query(request):
    """(area, year) from ?province=&commune=&year=, inside the user's scope."""
    raw_year = (request.GET.get("year") or "").strip()
    if raw_year and not (raw_year.isascii() and raw_year.isdigit()):
        raise OcopError("year_invalid", _("Năm «%s» không hợp lệ: cần 4 chữ số, ví dụ 2024.") % raw_year[:20])
    year = _int(raw_year)
    check_year(year)
    area = area_for(request.user, _int(request.GET.get("province")), _int(request.GET.get("commune")))
    return area, year


def _refused(request, exc: OcopError):
    template = "403.html" if exc.status == 403 else "reporting/refused.html"
    return render(request, template, {"message": exc.message}, status=exc.status)


@login_required
def dashboard_page(request):
    try:
        area, year = _query(request)
    except OcopError as exc:
        return _refused(request, exc)
    data = dashboard.build(area, year)
    role = profile_of(request.user).role
    context = {
        "d": data,
        "charts": _charts(data),
        "years": [(r["year"], _("Công nhận năm %(y)s") % {"y": r["year"]}) for r in reversed(data["trend"])],
        "provinces": sorted(dashboard.province_names().items(), key=lambda p: p[1])
        if role == Role.NATIONAL
        else None,
        "communes": dashboard.communes_of(area.province.pk)
        if area.province and role != Role.COMMUNE
        else None,
        "without": html_join(
            "<li>{}</li>", ((r["name"],) for r in data["coverage"]["table"] if not r["with_product"])
        ),
        "with_rows": html_join(
            "<tr><td>{}</td><td>{}</td></tr>",
            (
                (r["name"], r["products"])
                for r in data["coverage"]["table"]
                if r["with_product"] and "products" in r
            ),
        ),
        # The page's two longer tables, built here in one call each (as template loops they cost more than
        # the figures' SQL on a small province: benchmarks/dashboard.py).
        "trend_rows": html_join(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><b>{}</b></td><td>{}</td></tr>",
            (
                (r["year"], *(r[k] for k in RecognitionKind.values), r["total"], _blank(r["in_force"]))
                for r in data["trend"]
            ),
        ),
        "outcome_rows": html_join(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    r["name"],
                    r["producers"],
                    num(r["revenue"]),
                    r["jobs"],
                    num(r["avg_income"]),
                    "" if r["median_growth"] is None else f"{num(r['median_growth'])}%",
                )
                for r in data["outcomes"]["table"]
            ),
        ),
        "query": request.GET.urlencode(),
        "sector_names": sector_names(),
        "types": dict(ProducerType.choices),
        "can_set_targets": role in services.OFFICE,
    }
    return render(request, "reporting/dashboard.html", context)


def _blank(value) -> str:
    return "" if value is None else str(value)


def _charts(d: dict) -> dict:
    s = d["summary"]
    trend = d["trend"]
    years = [str(r["year"]) for r in trend]
    kinds = [
        (RecognitionKind.FIRST, charts.PALETTE[2]),
        (RecognitionKind.REEVALUATION, charts.PALETTE[0]),
        (RecognitionKind.UPGRADE, charts.PALETTE[1]),
        (RecognitionKind.RECORDED, charts.PALETTE[5]),
    ]
    cov = d["coverage"]
    result = {
        "stars": charts.bars(
            [(f"{k} ★", v) for k, v in s["by_star"].items()],
            title=_("Theo hạng sao"),
            color=charts.STAR_COLORS[4],
        ),
        "sectors": charts.bars(
            [(sector_names().get(k, k), v) for k, v in s["by_sector"].items()], title=_("Theo ngành")
        ),
        "types": charts.bars(
            [
                (str(ProducerType(k).label) if k in ProducerType.values else k, v)
                for k, v in s["by_producer_type"].items()
            ],
            title=_("Theo loại hình chủ thể"),
            color=charts.PALETTE[4],
        ),
        "sets": charts.bars(
            [(f"{r['set']}. {r['name']}", r["products"]) for r in d["by_set"]],
            title=_("Theo bộ sản phẩm"),
            color=charts.PALETTE[2],
        ),
        "trend": charts.columns(
            years,
            [(str(k.label), [r[k] for r in trend], c) for k, c in kinds if any(r[k] for r in trend)],
            title=_("Công nhận theo năm"),
        ),
        "in_force": charts.line(
            years,
            [(_("Còn hiệu lực cuối năm"), [r["in_force"] for r in trend], charts.PALETTE[0])],
            title=_("Sản phẩm còn hiệu lực"),
        ),
        "coverage": charts.share(
            [
                (_("Có sản phẩm OCOP"), cov["with_product"], charts.PALETTE[2]),
                (_("Chưa có"), cov["without"], "#d9d9d9"),
            ],
            title=_("Xã, phường có sản phẩm OCOP"),
        ),
    }
    for t in d["targets"]:
        t["chart"] = mark_safe(
            charts.progress(t["value"], t["goal"], label=t["measure"], forecast=t["forecast"])
        )
    if d["area"].level == "country":
        result["provinces"] = charts.bars(
            [(r["name"], r["share"]) for r in sorted(cov["table"], key=lambda r: -r["share"])],
            title=_("Tỷ lệ xã có sản phẩm OCOP theo tỉnh"),
            unit="%",
            max_value=100,
            color=charts.PALETTE[2],
        )
    return {k: mark_safe(v) for k, v in result.items()}  # the charts escape every text they draw


@login_required
def report(request, fmt):
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    try:
        area, year = _query(request)
    except OcopError as exc:
        return _refused(request, exc)
    data = dashboard.build(area, year)
    name = _filename(data)
    if fmt == "pdf":
        response = HttpResponse(periodic.write_pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(content_type=CONTENT_TYPES["xlsx"])
        periodic.write_xlsx(data, response)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def table(request, key, fmt):
    try:
        area, year = _query(request)
    except OcopError as exc:
        return _refused(request, exc)
    data = dashboard.build(area, year)
    chosen = next((t for t in periodic.tables(data) if t.key == key), None)
    if chosen is None:
        raise Http404
    return export_response(fmt, f"{_filename(data)}-{key}", chosen.headers, chosen.rows, title=chosen.title)


def _filename(data) -> str:
    area = data["area"]
    code = area.commune.pk if area.commune else area.province.pk if area.province else "toan-quoc"
    when = data["year"] or data["today"].isoformat()
    return f"bao-cao-ocop-{code}-{when}"


@login_required
def targets(request):
    p = profile_of(request.user)
    if p is None or p.role not in services.OFFICE:
        return _refused(request, OcopError("forbidden", _("Chỉ cơ quan OCOP đặt chỉ tiêu.")))
    province = p.province if p.role == Role.PROVINCE else None
    form = TargetForm(request.POST or None, initial={"year": datetime.date.today().year})
    if request.method == "POST":
        try:
            if request.POST.get("delete"):
                target = get_object_or_404(Target, pk=_int(request.POST["delete"]), province=province)
                services.target_delete(actor=request.user, target=target)
                messages.success(request, _("Đã xoá chỉ tiêu."))
                return redirect("reporting:targets")
            if form.is_valid():
                services.target_save(actor=request.user, province=province, **form.cleaned_data)
                messages.success(request, _("Đã lưu chỉ tiêu."))
                return redirect("reporting:targets")
        except OcopError as exc:
            form_error(form, exc)
    rows = Target.objects.filter(province=province).order_by("-year", "measure")
    return render(request, "reporting/targets.html", {"form": form, "rows": rows, "province": province})


@login_required
def outcomes(request, pid=None):
    """A producer's yearly outcomes: the producer reports its own, the commune or province office for it."""
    producers = Producer.objects.visible_to(request.user)
    p = profile_of(request.user)
    if pid is None:
        if p is not None and p.role == Role.PRODUCER:
            return redirect(
                "reporting:producer_outcomes", get_object_or_404(producers, pk=p.producer_id).public_id
            )
        query = request.GET.get("q", "")[:100]
        found = producers.search(query).order_by("name")[:50] if query else []
        return render(request, "reporting/outcome_pick.html", {"query": query, "found": found})
    producer = get_object_or_404(producers, public_id=pid)
    form = OutcomeForm(request.POST or None, initial={"year": datetime.date.today().year - 1})
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_save(actor=request.user, producer=producer, **form.cleaned_data)
            messages.success(request, _("Đã lưu kết quả năm %s.") % form.cleaned_data["year"])
            return redirect("reporting:producer_outcomes", producer.public_id)
        except OcopError as exc:
            form_error(form, exc)
    rows = Outcome.objects.filter(producer=producer).order_by("-year")
    return render(request, "reporting/outcomes.html", {"producer": producer, "form": form, "rows": rows})
