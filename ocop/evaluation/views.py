"""Evaluation pages: queues, dossiers, self-assessment, members' scoring, rounds, certificates.
Views are thin: permission and form → one service call → redirect with a message."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.accounts.models import Role
from ocop.accounts.permissions import profile_of
from ocop.core import private
from ocop.core.audit import history
from ocop.core.errors import OcopError
from ocop.core.http import export_response
from ocop.registry.models import Product

from . import services
from .advisor import advise
from .forms import DecisionForm, EvidenceForm, RequestForm, RevokeForm, RoundForm, ScreenForm, SheetForm
from .models import Certificate, Dossier, Round, State
from .rubric import load_sheet
from .scoring import score


def _role(user):
    p = profile_of(user)
    return p.role if p else None


def _dossier(request, pid) -> Dossier:
    qs = Dossier.objects.visible_to(request.user).select_related(
        "product__producer", "product__commune__province", "round"
    )
    return get_object_or_404(qs, public_id=pid)


QUEUE_STATES = {
    Role.PRODUCER: [State.DRAFT, State.RETURNED, State.MORE_EVIDENCE],
    Role.COMMUNE: [State.SUBMITTED],
    Role.PROVINCE: [State.FORWARDED, State.REVIEW, State.SCORED, State.CENTRAL],
    Role.ADVISORY: [State.FORWARDED, State.REVIEW],
    Role.NATIONAL: [State.CENTRAL, State.SCORED],
}


@login_required
def queue(request):
    """Việc cần làm: what waits for this user's role, oldest deadline first."""
    role = _role(request.user)
    qs = Dossier.objects.visible_to(request.user).select_related(
        "product__producer", "product__commune", "round"
    )
    if role == Role.COUNCIL:
        items = qs.filter(state=State.IN_ROUND).exclude(sheets__member=request.user)
    else:
        items = qs.filter(state__in=QUEUE_STATES.get(role, []))
    items = items.order_by("commune_due", "updated_at")
    today = timezone.localdate()
    return render(request, "evaluation/queue.html", {"items": items, "today": today, "role": role})


@login_required
def dossier_list(request):
    qs = Dossier.objects.visible_to(request.user).select_related(
        "product__producer", "product__commune__province"
    )
    if request.GET.get("state") in State.values:
        qs = qs.filter(state=request.GET["state"])
    return render(request, "evaluation/dossier_list.html", {"dossiers": qs[:200], "states": State.choices})


@login_required
@require_POST
def dossier_create(request, product_pid):
    product = get_object_or_404(Product.objects.visible_to(request.user), public_id=product_pid)
    try:
        d = services.dossier_create(
            actor=request.user, product=product, kind=request.POST.get("kind", "first")
        )
    except OcopError as e:
        messages.error(request, e.message)
        return redirect("registry:product_detail", product.public_id)
    messages.success(request, _("Đã tạo hồ sơ. Hãy tự chấm điểm và tải minh chứng, rồi nộp cho xã."))
    return redirect("evaluation:self_assessment", d.public_id)


@login_required
def dossier_detail(request, pid):
    d = _dossier(request, pid)
    sheet = load_sheet(d.set_number, d.rubric)
    role = _role(request.user)
    entries = history(d)
    if d.round_id and d.round.status != Round.Status.CLOSED and role not in (Role.PROVINCE, Role.NATIONAL):
        # Members' totals stay hidden until the round closes, as on the round's page: each sees their own.
        entries = entries.exclude(Q(action="dossier.sheet") & ~Q(actor=request.user))
    ctx = {
        "d": d,
        "sheet": sheet,
        "role": role,
        "history": entries[:50],
        "evidence": d.evidence.all(),
        "reviews": d.reviews.select_related("author"),
    }
    if d.self_answers:
        ctx["advice"] = advise(sheet, d.self_answers)
        ctx["self_result"] = score(sheet, [d.self_answers])
    if d.state == State.SUBMITTED:
        ctx["screen_form"] = ScreenForm(initial=d.commune_report)
    if d.state == State.REVIEW:
        ctx["request_form"] = RequestForm()
        ctx["rounds"] = Round.objects.filter(province_id=d.product.commune.province_id).exclude(
            status=Round.Status.CLOSED
        )
    if d.state == State.CENTRAL and role == Role.NATIONAL:
        ctx["rounds"] = Round.objects.filter(level=Round.Level.CENTRAL).exclude(status=Round.Status.CLOSED)
    if d.state in (State.SCORED,):
        ctx["decision_form"] = DecisionForm(initial={"date": timezone.localdate().strftime("%d/%m/%Y")})
    if d.state in (State.DRAFT, State.RETURNED, State.MORE_EVIDENCE):
        ctx["evidence_form"] = EvidenceForm()
    ctx["my_sheet"] = d.sheets.filter(member=request.user).first()
    ctx["can_score"] = (
        d.state == State.IN_ROUND and ctx["my_sheet"] is None and services.seated(request.user, d)
    )
    ctx["certificates"] = d.certificates.all()
    return render(request, "evaluation/dossier_detail.html", ctx)


@login_required
def evidence_file(request, pid, eid):
    """Evidence is served only to those who may see the dossier (its producer, the commune, the province's
    office, the council members of its round, the national level) — never from a public media URL."""
    d = _dossier(request, pid)
    ev = get_object_or_404(d.evidence, pk=eid)
    return private.serve(ev.file, content_type=ev.content_type, filename=ev.download_name)


@login_required
def self_assessment(request, pid):
    d = _dossier(request, pid)
    sheet = load_sheet(d.set_number, d.rubric)
    form = SheetForm(sheet, request.POST or None, initial_answers=d.self_answers)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assessment_save(actor=request.user, dossier=d, answers=form.answers())
        except OcopError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("Đã lưu bản tự đánh giá."))
            return redirect("evaluation:dossier_detail", d.public_id)
    return render(
        request,
        "evaluation/sheet_form.html",
        {"d": d, "sheet": sheet, "form": form, "title": _("Tự đánh giá (Mẫu 02)")},
    )


@login_required
def score_sheet(request, pid):
    """A council member's own sheet. Other members' sheets are not shown until the round closes."""
    d = _dossier(request, pid)
    if not services.seated(request.user, d):
        # The office, the advisory team and inspectors see the dossier, but only the round's council scores.
        message = _("Chỉ thành viên hội đồng của đợt đánh giá có hồ sơ này mới chấm điểm được.")
        return render(request, "403.html", {"message": message}, status=403)
    sheet = load_sheet(d.set_number, d.rubric)
    form = SheetForm(sheet, request.POST or None)
    if request.method == "POST" and not form.is_valid():
        messages.error(
            request,
            _("Tiêu chí %(codes)s: chọn lại một ý có trong phiếu.") % {"codes": ", ".join(form.errors)},
        )
    elif request.method == "POST":
        try:
            services.sheet_submit(actor=request.user, dossier=d, answers=form.answers())
        except OcopError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("Đã nộp phiếu chấm."))
            return redirect("evaluation:queue")
    return render(
        request,
        "evaluation/sheet_form.html",
        {"d": d, "sheet": sheet, "form": form, "title": _("Phiếu chấm của thành viên hội đồng")},
    )


ACTIONS = {
    "submit": lambda r, d: services.dossier_submit(actor=r.user, dossier=d),
    "intake": lambda r, d: services.province_intake(actor=r.user, dossier=d),
}


@login_required
@require_POST
def dossier_action(request, pid, action):
    d = _dossier(request, pid)
    try:
        if action in ACTIONS:
            ACTIONS[action](request, d)
        elif action in ("forward", "return"):
            form = ScreenForm(request.POST)
            form.is_valid()
            data = form.cleaned_data
            report = {k: data.get(k, "") for k in services.COMMUNE_ITEMS}
            services.commune_screen(
                actor=request.user,
                dossier=d,
                forward=action == "forward",
                report=report,
                note=data.get("note", ""),
            )
        elif action == "request":
            form = RequestForm(request.POST)
            if not form.is_valid():
                raise OcopError("note_required", _("Hãy ghi rõ minh chứng cần bổ sung."))
            services.advisory_request(actor=request.user, dossier=d, **form.cleaned_data)
        elif action == "assign":
            rnd = get_object_or_404(Round, public_id=request.POST.get("round", ""))
            services.round_assign(actor=request.user, rnd=rnd, dossier=d)
        elif action == "evidence":
            form = EvidenceForm(request.POST, request.FILES)
            if not form.is_valid():
                raise OcopError("evidence_invalid", _("Cần chọn tiêu chí và tệp minh chứng."))
            f = form.cleaned_data["file"]
            services.evidence_add(
                actor=request.user,
                dossier=d,
                criterion=form.cleaned_data["criterion"],
                file=f,
                name=f.name,
                note=form.cleaned_data["note"],
            )
        elif action == "decide":
            form = DecisionForm(request.POST)
            if not form.is_valid():
                raise OcopError("decision_invalid", _("Cần số quyết định và ngày quyết định (dd/mm/yyyy)."))
            services.decision_record(actor=request.user, dossier=d, **form.cleaned_data)
        else:
            raise Http404
    except OcopError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request, _("Đã cập nhật hồ sơ: %s.") % Dossier.objects.get(pk=d.pk).get_state_display()
        )
    return redirect("evaluation:dossier_detail", d.public_id)


def _rounds(user):
    p = profile_of(user)
    qs = Round.objects.all()
    if p is None:
        return qs.none()
    if p.role == Role.NATIONAL:
        return qs
    if p.role == Role.COUNCIL:
        return qs.filter(seats__user=user).distinct()
    if p.role in (Role.PROVINCE, Role.ADVISORY):
        return qs.filter(Q(province_id=p.province_id))
    return qs.none()


@login_required
def round_list(request):
    """Rounds of the user's province; the office creates one, dates prefilled from the legal calendar."""
    role = _role(request.user)
    can_manage = role in (Role.PROVINCE, Role.NATIONAL)
    today = timezone.localdate()
    half = 1 if today.month <= 4 else 2
    intake, scoring = services.legal_round_dates(today.year, half)
    initial = {
        "name": _("Đợt %(n)s năm %(y)s") % {"n": half, "y": today.year},
        "intake_deadline": intake.strftime("%d/%m/%Y"),
        "scoring_deadline": scoring.strftime("%d/%m/%Y"),
    }
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and can_manage and form.is_valid():
        data = form.cleaned_data
        province = (
            getattr(profile_of(request.user), "province", None) if data["level"] == "province" else None
        )
        try:
            rnd = services.round_create(
                actor=request.user,
                name=data["name"],
                level=data["level"],
                province=province,
                intake_deadline=data["intake_deadline"],
                scoring_deadline=data["scoring_deadline"],
                max_spread=data["max_spread"],
                quorum=data["quorum"],
            )
        except OcopError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("Đã tạo đợt đánh giá. Hãy lập hội đồng."))
            return redirect("evaluation:round_detail", rnd.public_id)
    context = {"rounds": _rounds(request.user), "can_manage": can_manage, "form": form}
    return render(request, "evaluation/round_list.html", context)


@login_required
def round_detail(request, pid):
    rnd = get_object_or_404(_rounds(request.user), public_id=pid)
    role = _role(request.user)
    manage = role in (Role.PROVINCE, Role.NATIONAL)
    if request.method == "POST" and manage:
        try:
            if request.POST.get("action") == "council":
                names = request.POST.get("members", "").split()
                users = get_user_model().objects.filter(username__in=names)
                unknown = sorted(set(names) - {u.username for u in users})
                if unknown:
                    raise OcopError(
                        "seat_unknown",
                        _("Không có tài khoản: %(names)s. Hãy ghi đúng tên đăng nhập của thành viên.")
                        % {"names": ", ".join(unknown)},
                    )
                chair = get_user_model().objects.filter(username=request.POST.get("chair", "")).first()
                if chair is None:
                    raise OcopError("chair_required", _("Hãy ghi tên đăng nhập của chủ tịch hội đồng."))
                services.council_set(actor=request.user, rnd=rnd, members=list(users), chair=chair)
            elif request.POST.get("action") == "close":
                services.round_close(actor=request.user, rnd=rnd)
            messages.success(request, _("Đã cập nhật đợt đánh giá."))
        except OcopError as e:
            messages.error(request, e.message)
        return redirect("evaluation:round_detail", rnd.public_id)
    # Members see the council's results only once the round is closed.
    show_results = manage or rnd.status == Round.Status.CLOSED
    rows = services.round_results(rnd) if show_results else []
    return render(
        request,
        "evaluation/round_detail.html",
        {
            "rnd": rnd,
            "rows": rows,
            "manage": manage,
            "seats": rnd.seats.select_related("user"),
            "show_results": show_results,
        },
    )


def certificate_public(request, number):
    """Public page of a certificate (the QR on the PDF points here)."""
    cert = get_object_or_404(
        Certificate.objects.select_related("product__producer", "product__commune__province"), number=number
    )
    return render(request, "evaluation/certificate.html", {"c": cert, "status": cert.status()})


def certificate_pdf(request, number):
    from django.http import HttpResponse
    from django.urls import reverse

    from .certificate_pdf import render as render_pdf

    cert = get_object_or_404(
        Certificate.objects.select_related("product__producer", "product__commune__province"), number=number
    )
    url = request.build_absolute_uri(reverse("certificate", args=[cert.number]))
    response = HttpResponse(render_pdf(cert, url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ocop-{cert.number}.pdf"'
    return response


@login_required
def certificate_revoke(request, number):
    cert = get_object_or_404(Certificate.objects.visible_to(request.user), number=number)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(actor=request.user, certificate=cert, **form.cleaned_data)
        except OcopError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("Đã thu hồi giấy chứng nhận."))
            return redirect("certificate", cert.number)
    return render(request, "evaluation/revoke.html", {"c": cert, "form": form})


RESULT_HEADERS = [
    "Mã hồ sơ",
    "Sản phẩm",
    "Chủ thể",
    "Xã, phường",
    "Tỉnh",
    "Bộ sản phẩm",
    "Số phiếu",
    "Điểm từng thành viên",
    "Điểm A",
    "Điểm B",
    "Điểm C",
    "Điểm trung bình",
    "Chênh lệch",
    "Khoảng điểm (sao)",
    "Hạng sao",
    "Tiêu chí chưa đạt mức tối thiểu",
]
ANNEX_HEADERS = [
    "STT",
    "Tên sản phẩm",
    "Chủ thể",
    "Địa chỉ",
    "Bộ sản phẩm",
    "Điểm",
    "Hạng sao",
    "Loại đăng ký",
]


@login_required
def round_document(request, pid, doc, fmt):
    """Council result sheet (ket-qua) and decision annex (phu-luc: products by star) of a round."""
    rnd = get_object_or_404(_rounds(request.user), public_id=pid)
    if _role(request.user) not in (Role.PROVINCE, Role.NATIONAL) and rnd.status != Round.Status.CLOSED:
        raise Http404
    rows = services.round_results(rnd)
    if doc == "ket-qua":
        out = []
        for row in rows:
            d, r = row["dossier"], row["result"]
            out.append(
                [
                    d.public_id,
                    d.product.name,
                    d.product.producer.name,
                    d.product.commune.name,
                    d.product.commune.province.name,
                    d.set_number,
                    f"{row['sheets']}/{row['seats']}",
                    "; ".join(f"{t:g}" for t in r.member_totals) if r else "",
                    *((round(r.parts[k], 2) for k in "ABC") if r else ("", "", "")),
                    round(r.total, 2) if r else "",
                    round(r.spread, 2) if r else "",
                    r.band if r else "",
                    r.star if r else "",
                    ", ".join(f"{u.criterion} ({u.star}★)" for u in r.unmet) if r else "",
                ]
            )
        return export_response(fmt, f"ket-qua-{rnd.public_id}", RESULT_HEADERS, out, title="Kết quả")
    if doc == "phu-luc":
        ranked = sorted(
            (r for r in rows if r["result"] and r["result"].certifiable),
            key=lambda r: (-r["result"].star, -r["result"].total, r["dossier"].product.name),
        )
        out = [
            [
                i,
                r["dossier"].product.name,
                r["dossier"].product.producer.name,
                f"{r['dossier'].product.commune.name}, {r['dossier'].product.commune.province.name}",
                r["dossier"].set_number,
                round(r["result"].total, 2),
                r["result"].star,
                r["dossier"].get_kind_display(),
            ]
            for i, r in enumerate(ranked, start=1)
        ]
        return export_response(
            fmt, f"phu-luc-quyet-dinh-{rnd.public_id}", ANNEX_HEADERS, out, title="Phụ lục"
        )
    raise Http404
