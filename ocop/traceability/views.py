"""Back-office pages for stamps and lots (producers and the provincial office) and scan alerts.
Thin views: scope → form → one service call → redirect with a message."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ocop.accounts.permissions import profile_of
from ocop.core.errors import OcopError
from ocop.core.http import form_error
from ocop.evaluation.models import Certificate
from ocop.registry.models import Product

from . import labels, services
from .models import Lot, ScanAlert, StampBatch, TraceEvent

WEB_LABEL_LIMIT = 5000  # larger print runs: `ocop stamps labels` (with a progress bar)


class IssueForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.none(), label=gettext_lazy("Sản phẩm"))
    count = forms.IntegerField(label=gettext_lazy("Số tem"), min_value=1)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.visible_to(user).certified().order_by("name")


class ActivateForm(forms.Form):
    lot = forms.CharField(label=gettext_lazy("Mã lô"), max_length=20)
    produced = forms.DateField(label=gettext_lazy("Ngày sản xuất"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    expires = forms.DateField(
        label=gettext_lazy("Hạn sử dụng"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    first = forms.IntegerField(label=gettext_lazy("Từ tem số"), min_value=1)
    last = forms.IntegerField(label=gettext_lazy("Đến tem số"), min_value=1)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Công đoạn"), choices=TraceEvent.Kind.choices)
    occurred_on = forms.DateField(label=gettext_lazy("Ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    place = forms.CharField(label=gettext_lazy("Địa điểm"), max_length=200)
    actor_name = forms.CharField(label=gettext_lazy("Người, đơn vị thực hiện"), max_length=200)
    note = forms.CharField(label=gettext_lazy("Mô tả"), max_length=500, required=False)


class LabelsForm(forms.Form):
    layout = forms.ChoiceField(
        label=gettext_lazy("Khổ nhãn"), choices=[(k, v.label) for k, v in labels.LAYOUTS.items()]
    )
    first = forms.IntegerField(label=gettext_lazy("Từ tem số"), min_value=1, initial=1)
    last = forms.IntegerField(label=gettext_lazy("Đến tem số"), min_value=1)


def _batch(request, bid) -> StampBatch:
    qs = StampBatch.objects.visible_to(request.user).select_related("product__producer", "product__commune")
    return get_object_or_404(qs, public_id=bid)


@login_required
def batch_list(request):
    form = IssueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.stamps_issue(
                actor=request.user, product=form.cleaned_data["product"], count=form.cleaned_data["count"]
            )
        except OcopError as e:
            form_error(form, e)
        else:
            messages.success(
                request, _("Đã phát hành %(n)s tem, đợt %(b)s.") % {"n": batch.count, "b": batch}
            )
            return redirect("traceability:batch_detail", bid=batch.public_id)
    batches = (
        StampBatch.objects.visible_to(request.user).select_related("product").prefetch_related("activations")
    )
    page = Paginator(batches, 50).get_page(request.GET.get("page"))
    rows = [(b, services.batch_stats(b), services.key_retired(b)) for b in page]
    restamp = (
        StampBatch.objects.visible_to(request.user).filter(key_id__in=services.retired_key_ids()).count()
    )
    return render(
        request,
        "traceability/batch_list.html",
        {"form": form, "page": page, "rows": rows, "restamp": restamp},
    )


@login_required
def batch_detail(request, bid):
    batch = _batch(request, bid)
    stats = services.batch_stats(batch)
    activations = list(batch.activations.select_related("lot"))
    next_free = max((a.last for a in activations), default=0) + 1
    form = ActivateForm(
        request.POST or None,
        initial={
            "first": min(next_free, batch.count),
            "last": batch.count,
            "produced": timezone.localdate().strftime("%d/%m/%Y"),
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            a = services.stamps_activate(
                actor=request.user,
                batch=batch,
                lot_code=d["lot"],
                produced=d["produced"],
                expires=d["expires"],
                first=d["first"],
                last=d["last"],
            )
        except OcopError as e:
            form_error(form, e)
        else:
            messages.success(
                request,
                _("Đã kích hoạt tem số %(a)s–%(b)s cho lô %(lot)s.")
                % {"a": a.first, "b": a.last, "lot": a.lot},
            )
            return redirect("traceability:batch_detail", bid=batch.public_id)
    retired = services.key_retired(batch)
    samples = list(services.batch_stamps(batch, 5)) if services.keyring().get(batch.key_id) else []
    label_form = LabelsForm(initial={"layout": "a4-24", "first": 1, "last": min(batch.count, 240)})
    return render(
        request,
        "traceability/batch_detail.html",
        {
            "batch": batch,
            "stats": stats,
            "activations": activations,
            "form": form,
            "samples": samples,
            "retired": retired,
            "label_form": label_form,
            "web_limit": WEB_LABEL_LIMIT,
        },
    )


@login_required
def batch_urls(request, bid):
    """The print shop's file: one URL per line, streamed (a million lines start at once)."""
    batch = _batch(request, bid)
    response = StreamingHttpResponse(
        (url + "\n" for url in services.batch_urls(batch)), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="tem-{batch.public_id}.txt"'
    return response


@login_required
def batch_labels(request, bid):
    batch = _batch(request, bid)
    form = LabelsForm(request.GET or None)
    if not form.is_valid():
        messages.error(request, _("Chọn khổ nhãn và dải tem hợp lệ."))
        return redirect("traceability:batch_detail", bid=batch.public_id)
    first, last = form.cleaned_data["first"], min(form.cleaned_data["last"], batch.count)
    if first > last or last - first + 1 > WEB_LABEL_LIMIT:
        messages.error(
            request,
            _(
                "Mỗi lần in trên trang tối đa %(n)s nhãn, từ số nhỏ đến số lớn; in nhiều hơn bằng lệnh "
                "«ocop stamps labels»."
            )
            % {"n": WEB_LABEL_LIMIT},
        )
        return redirect("traceability:batch_detail", bid=batch.public_id)
    cert = Certificate.objects.speaking_for(batch.product)
    stamps = services.batch_stamps(batch, last, first=first)
    response = HttpResponse(content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="nhan-{batch.public_id}-{first}-{last}.pdf"'
    labels.render(
        response,
        stamps,
        total=last - first + 1,
        product_name=batch.product.name,
        star=cert.star if cert else batch.product.star,
        layout=labels.LAYOUTS[form.cleaned_data["layout"]],
    )
    return response


@login_required
def lot_list(request):
    lots = Lot.objects.visible_to(request.user).select_related("product").order_by("-produced", "-id")
    page = Paginator(lots, 50).get_page(request.GET.get("page"))
    return render(request, "traceability/lot_list.html", {"page": page})


@login_required
def lot_detail(request, lid):
    lot = get_object_or_404(Lot.objects.visible_to(request.user).select_related("product"), public_id=lid)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.trace_event_add(actor=request.user, lot=lot, **form.cleaned_data)
        except OcopError as e:
            form_error(form, e)
        else:
            messages.success(request, _("Đã thêm công đoạn vào hành trình của lô."))
            return redirect("traceability:lot_detail", lid=lot.public_id)
    activations = lot.activations.select_related("batch")
    return render(
        request,
        "traceability/lot_detail.html",
        {"lot": lot, "events": lot.events.all(), "form": form, "activations": activations},
    )


@login_required
def alert_list(request):
    status = request.GET.get("trang_thai", "open")
    alerts = ScanAlert.objects.visible_to(request.user).select_related("product__producer", "province")
    if status in ScanAlert.Status.values:
        alerts = alerts.filter(status=status)
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    p = profile_of(request.user)
    return render(
        request,
        "traceability/alert_list.html",
        {
            "page": page,
            "status": status,
            "can_close": p is not None and p.role in services.ALERT_ROLES,
        },
    )


@login_required
@require_POST
def alert_close(request, aid):
    alert = get_object_or_404(ScanAlert.objects.visible_to(request.user), public_id=aid)
    try:
        services.alert_close(actor=request.user, alert=alert, note=request.POST.get("note", ""))
    except OcopError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Đã đóng cảnh báo."))
    return redirect("traceability:alert_list")
