"""Back-office pages of inspections, findings, sales points and reminders. Thin views: scope → form → one
service call → redirect with a message. The inspection and finding pages are light enough for a phone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ocop.accounts.models import Role
from ocop.accounts.permissions import profile_of
from ocop.core import private, uploads
from ocop.core.audit import history
from ocop.core.errors import OcopError
from ocop.core.http import form_error
from ocop.geo.models import Province
from ocop.registry.models import Producer

from . import checklist, effectiveness, services
from .access import sees_findings
from .forms import (
    CampaignForm,
    ChecklistForm,
    EscalateForm,
    FindingForm,
    FollowUpForm,
    PlanForm,
    RespondForm,
    RevokeDecisionForm,
    SalesPointCheckForm,
    SalesPointForm,
)
from .models import Campaign, Finding, FindingPhoto, Inspection, Reminder, SalesPoint, SalesPointCheck
from .watchlist import watchlist


def _role(user):
    return getattr(profile_of(user), "role", None)


def _office_province(request) -> int | None:
    """The province the user works in (national: the one picked with ?tinh=), or None."""
    p = profile_of(request.user)
    if p is None:
        return None
    if p.role == Role.NATIONAL:
        code = request.GET.get("tinh") or request.POST.get("tinh") or ""
        return int(code) if code.isascii() and code.isdigit() else None
    return p.province_id


# --- Campaigns -------------------------------------------------------------------------------------


@login_required
def campaign_list(request):
    if _role(request.user) not in services.FIELD:
        raise Forbidden(_("Chỉ cơ quan OCOP cấp tỉnh, thanh tra và cấp trung ương xem kế hoạch kiểm tra."))
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .select_related("province")
        .annotate(
            planned=Count("inspections", distinct=True),
            findings=Count("inspections__findings", distinct=True),
        )
    )
    province = _office_province(request)
    form = CampaignForm(request.POST or None) if _role(request.user) in services.OFFICE else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            if province is None:
                raise OcopError("province_required", _("Chọn tỉnh, thành phố của đợt kiểm tra."))
            campaign = services.campaign_create(actor=request.user, province_id=province, **form.cleaned_data)
        except OcopError as e:
            form_error(form, e)
        else:
            messages.success(request, _("Đã lập đợt kiểm tra. Thêm các chủ thể sẽ kiểm tra."))
            return redirect("monitoring:campaign", campaign.public_id)
    national = _role(request.user) == Role.NATIONAL
    return render(
        request,
        "monitoring/campaign_list.html",
        {
            "campaigns": campaigns,
            "form": form,
            "provinces": Province.objects.order_by("name") if national else None,
            "province": province,
        },
    )


def _campaign(request, pid) -> Campaign:
    return get_object_or_404(
        Campaign.objects.visible_to(request.user).select_related("province"), public_id=pid
    )


@login_required
def campaign_detail(request, pid):
    campaign = _campaign(request, pid)
    form = PlanForm(request.POST or None) if _role(request.user) in services.OFFICE else None
    if form is not None and request.method == "POST" and form.is_valid():
        text = form.cleaned_data["producer"].strip()
        found = list(
            Producer.objects.filter(commune__province_id=campaign.province_id)
            .filter(Q(tax_code=text) | Q(pk__in=Producer.objects.search(text).values("pk")))
            .select_related("commune")[:6]
        )
        try:
            if len(found) != 1:
                raise OcopError(
                    "producer_ambiguous" if found else "producer_unknown",
                    _("Có %(n)s chủ thể khớp: %(names)s. Gõ đầy đủ tên hoặc mã số thuế.")
                    % {"n": len(found), "names": "; ".join(p.name for p in found[:5])}
                    if found
                    else _("Không có chủ thể «%s» trong tỉnh.") % text,
                    field="producer",
                )
            services.inspection_plan(actor=request.user, campaign=campaign, producer=found[0])
        except OcopError as e:
            form_error(form, e)
        else:
            messages.success(request, _("Đã thêm %s vào đợt kiểm tra.") % found[0].name)
            return redirect("monitoring:campaign", campaign.public_id)
    inspections = campaign.inspections.select_related("producer__commune").annotate(
        n_findings=Count("findings"), n_open=Count("findings", filter=Q(findings__status=Finding.Status.OPEN))
    )
    planned = {i.producer_id for i in inspections}
    suggestions = [line for line in watchlist(campaign.province_id)[:10] if line.producer.pk not in planned]
    return render(
        request,
        "monitoring/campaign_detail.html",
        {"campaign": campaign, "inspections": inspections, "form": form, "suggestions": suggestions},
    )


@login_required
@require_POST
def campaign_add(request, pid):
    """Add a producer suggested by the watchlist with one click."""
    campaign = _campaign(request, pid)
    producer = get_object_or_404(
        Producer.objects.filter(commune__province_id=campaign.province_id),
        public_id=request.POST.get("producer", ""),
    )
    try:
        services.inspection_plan(actor=request.user, campaign=campaign, producer=producer)
    except OcopError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Đã thêm %s vào đợt kiểm tra.") % producer.name)
    return redirect("monitoring:campaign", campaign.public_id)


# --- A visit: checklist and findings (the inspector's phone page) -----------------------------------


@login_required
def inspection(request, pid):
    visit = get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related("campaign", "producer__commune"),
        public_id=pid,
    )
    today = timezone.localdate()
    post = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if post else None
    check_form = ChecklistForm(
        post if which == "checklist" else None,
        answers=visit.answers,
        initial={"visited_on": visit.visited_on or today, "note": visit.note},
        prefix="c",
    )
    finding_form = FindingForm(
        post if which == "finding" else None,
        request.FILES if which == "finding" else None,
        producer=visit.producer,
        prefix="f",
    )
    if which == "checklist" and check_form.is_valid():
        try:
            services.inspection_record(
                actor=request.user,
                inspection=visit,
                visited_on=check_form.cleaned_data["visited_on"],
                answers=check_form.answers(),
                note=check_form.cleaned_data["note"],
            )
        except OcopError as e:
            form_error(check_form, e)
        else:
            messages.success(request, _("Đã lưu kết quả kiểm tra."))
            return redirect("monitoring:inspection", visit.public_id)
    if which == "finding" and finding_form.is_valid():
        try:
            finding = services.finding_record(
                actor=request.user, inspection=visit, **finding_form.cleaned_data
            )
        except OcopError as e:
            form_error(finding_form, e)
        else:
            messages.success(request, _("Đã ghi nhận phát hiện và gửi yêu cầu khắc phục đến chủ thể."))
            return redirect("monitoring:finding", finding.public_id)
    issues = [checklist.BY_KEY[k] for k, v in visit.answers.items() if v == "issue" and k in checklist.BY_KEY]
    if issues and not finding_form.is_bound:
        finding_form.fields["item"].initial = issues[0].key
    return render(
        request,
        "monitoring/inspection.html",
        {
            "visit": visit,
            "check_form": check_form,
            "finding_form": finding_form,
            "findings": visit.findings.select_related("product"),
            "issues": issues,
        },
    )


# --- Findings ----------------------------------------------------------------------------------------


@login_required
def finding_list(request):
    if not sees_findings(request.user):
        raise Forbidden(_("Chỉ cơ quan OCOP, thanh tra, cấp xã và chủ thể được kiểm tra xem các phát hiện."))
    today = timezone.localdate()
    qs = Finding.objects.visible_to(request.user).select_related(
        "product", "inspection__producer", "inspection__campaign"
    )
    status = request.GET.get("trang_thai", "")
    if status == "overdue":
        qs = qs.filter(status=Finding.Status.OPEN, due__lt=today)
    elif status in Finding.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/finding_list.html",
        {"page": page, "status": status, "statuses": Finding.Status.choices, "today": today},
    )


def _finding(request, pid) -> Finding:
    qs = Finding.objects.visible_to(request.user).select_related(
        "product", "inspection__producer__commune", "inspection__campaign", "certificate"
    )
    return get_object_or_404(qs, public_id=pid)


@login_required
def finding_detail(request, pid):
    finding = _finding(request, pid)
    role = _role(request.user)
    today = timezone.localdate()
    overdue = finding.overdue(today)
    forms_ = {
        "followup": FollowUpForm(initial={"visited_on": today}, prefix="u"),
        "escalate": EscalateForm(
            initial={"ground": checklist.BY_KEY.get(finding.item, checklist.ITEMS[0]).ground}, prefix="e"
        ),
        "revoke": RevokeDecisionForm(initial={"date": today}, prefix="r"),
        "respond": RespondForm(initial={"text": finding.response}, prefix="p"),
    }
    return render(
        request,
        "monitoring/finding_detail.html",
        {
            "f": finding,
            "item": checklist.BY_KEY.get(finding.item),
            "overdue": overdue,
            "can_field": role in services.FIELD,
            "can_office": role in services.OFFICE,
            "is_producer": role == Role.PRODUCER,
            "may_escalate": finding.severity == Finding.Severity.CRITICAL or overdue,
            "forms": forms_,
            "followups": finding.followups.select_related("by"),
            "photos": finding.photos.all(),
            "history": history(finding)[:50],
        },
    )


ACTIONS = {
    "followup": (FollowUpForm, "u", services.finding_followup, gettext_lazy("Đã ghi kết quả kiểm tra lại.")),
    "escalate": (
        EscalateForm,
        "e",
        services.finding_escalate,
        gettext_lazy("Đã lập đề nghị thu hồi giấy chứng nhận."),
    ),
    "revoke": (
        RevokeDecisionForm,
        "r",
        services.finding_revoke,
        gettext_lazy("Đã ghi quyết định thu hồi giấy chứng nhận."),
    ),
    "respond": (RespondForm, "p", services.finding_respond, gettext_lazy("Đã gửi báo cáo khắc phục.")),
}


@login_required
@require_POST
def finding_action(request, pid, action):
    finding = _finding(request, pid)
    if action not in ACTIONS:
        raise Forbidden
    form_class, prefix, service, done = ACTIONS[action]
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("monitoring:finding", finding.public_id)
    try:
        service(actor=request.user, finding=finding, **form.cleaned_data)
    except OcopError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, str(done))
    return redirect("monitoring:finding", finding.public_id)


@login_required
def finding_photo(request, pid, photo_id):
    """Served only to those who see the finding (the province's office and inspectors, the national level,
    the commune officer and the producer inspected; never a council or advisory-team member) — never from
    a public media URL."""
    finding = _finding(request, pid)
    photo = get_object_or_404(FindingPhoto, finding=finding, pk=photo_id)
    ext = photo.image.name.rsplit(".", 1)[-1]
    kind = uploads.JPEG if ext == uploads.JPEG.ext else None  # else: moved from media, refused today
    return private.serve(
        photo.image,
        content_type=kind.content_type if kind else "",
        filename=f"{finding.public_id}-{photo.pk}.{ext}",
    )


# --- Sales points ----------------------------------------------------------------------------------


@login_required
def sales_point_list(request):
    today = timezone.localdate()
    year, half = today.year, effectiveness.half_of(today.month)
    points = (
        SalesPoint.objects.visible_to(request.user)
        .select_related("commune__province")
        .annotate(
            n_products=Count("products", distinct=True),
            last_check=Max("checks__checked_on"),
            last_score=Subquery(
                SalesPointCheck.objects.filter(sales_point=OuterRef("pk"))
                .order_by("-checked_on")
                .values("score")[:1]
            ),
            checked_now=Count("checks", filter=Q(checks__year=year, checks__half=half), distinct=True),
        )
    )
    province = _office_province(request)
    form = None
    if _role(request.user) in services.OFFICE and province:
        form = SalesPointForm(request.POST or None, province_id=province)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            products = list(data.pop("products"))
            try:
                point = services.sales_point_save(actor=request.user, products=products, **data)
            except OcopError as e:
                form_error(form, e)
            else:
                messages.success(request, _("Đã thêm điểm bán %s.") % point.name)
                return redirect("monitoring:sales_point", point.public_id)
    return render(
        request,
        "monitoring/sales_point_list.html",
        {"points": points, "form": form, "half": half, "year": year},
    )


@login_required
def sales_point_detail(request, pid):
    point = get_object_or_404(
        SalesPoint.objects.visible_to(request.user).select_related("commune__province"), public_id=pid
    )
    form = SalesPointCheckForm(request.POST or None, initial={"checked_on": timezone.localdate()})
    can_check = _role(request.user) in services.FIELD
    if can_check and request.method == "POST" and form.is_valid():
        try:
            services.sales_point_check(
                actor=request.user,
                sales_point=point,
                checked_on=form.cleaned_data["checked_on"],
                levels=form.levels(),
                products_seen=form.cleaned_data["products_seen"],
                note=form.cleaned_data["note"],
            )
        except OcopError as e:
            form_error(form, e)
        else:
            messages.success(request, _("Đã lưu kết quả kiểm tra điểm bán."))
            return redirect("monitoring:sales_point", point.public_id)
    checks = [
        (c, effectiveness.rating(c.score), [(p, c.levels.get(p.key)) for p in effectiveness.PARTS])
        for c in point.checks.select_related("by")
    ]
    return render(
        request,
        "monitoring/sales_point_detail.html",
        {
            "point": point,
            "products": point.products.select_related("producer"),
            "form": form if can_check else None,
            "checks": checks,
        },
    )


# --- Reminders ---------------------------------------------------------------------------------------


@login_required
def reminder_list(request):
    reminders = Reminder.objects.filter(user=request.user)[:200]
    return render(request, "monitoring/reminders.html", {"reminders": reminders})


@login_required
@require_POST
def reminder_read(request):
    Reminder.objects.filter(user=request.user, read_at=None).update(read_at=timezone.now())
    return redirect("monitoring:reminders")
