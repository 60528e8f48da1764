"""Back office views: permission → form → one service or selector call → response."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.accounts.models import Role
from ocop.accounts.permissions import can_create, can_edit, profile_of
from ocop.core.audit import history
from ocop.core.errors import OcopError
from ocop.core.http import export_response, form_error
from ocop.geo.models import Province

from . import services
from .exports import PRODUCER_HEADERS, PRODUCT_HEADERS, producer_rows, product_rows
from .forms import ImportForm, LinkForm, PhotoForm, ProducerForm, ProductForm
from .import_jobs import import_job_cancel, import_job_confirm, import_job_start
from .importing import TEMPLATE_EXAMPLE, TEMPLATE_HEADERS
from .models import EcommerceLink, ImportJob, Photo, Producer, ProducerType, Product, ProductSet, Sector

PAGE_SIZE = 25


def _int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if abs(number) < 2**31 else None  # a longer number overflowed SQLite (a 500)


def filtered_products(request):
    """The product list of the back office (also used by its export)."""
    qs = Product.objects.visible_to(request.user).with_related()
    g = request.GET
    if g.get("q"):
        qs = qs.search(g["q"])
    if _int(g.get("province")):
        qs = qs.filter(commune__province_id=_int(g["province"]))
    if _int(g.get("star")):
        qs = qs.filter(star=_int(g["star"]))
    if _int(g.get("set")):
        qs = qs.filter(product_set__number=_int(g["set"]), product_set__taxonomy__current=True)
    if g.get("sector"):
        qs = qs.filter(product_set__group__sector__code=g["sector"], product_set__taxonomy__current=True)
    if g.get("type") in ProducerType.values:
        qs = qs.filter(producer__type=g["type"])
    return qs.order_by("name", "id")


def filtered_producers(request):
    qs = Producer.objects.visible_to(request.user).select_related("commune__province")
    g = request.GET
    if g.get("q"):
        qs = qs.search(g["q"])
    if _int(g.get("province")):
        qs = qs.filter(commune__province_id=_int(g["province"]))
    if g.get("type") in ProducerType.values:
        qs = qs.filter(type=g["type"])
    return qs.order_by("name", "id")


def _filters_context(request):
    return {
        # The province filter only for those who see more than one province (the national level).
        "provinces": Province.objects.all() if _nationwide(request.user) else (),
        "sets": ProductSet.objects.filter(taxonomy__current=True),
        "sectors": Sector.objects.filter(taxonomy__current=True),
        "producer_types": ProducerType.choices,
        "stars": [3, 4, 5, 2, 1],
        "query": request.GET.urlencode(),
        "can_create": can_create(request.user),
        "can_import": can_import(request.user),
    }


def _nationwide(user) -> bool:
    p = profile_of(user)
    return p is not None and p.role == Role.NATIONAL


def can_import(user) -> bool:
    p = profile_of(user)
    return p is not None and p.role in (Role.NATIONAL, Role.PROVINCE, Role.COMMUNE)


@login_required
def product_list(request):
    page = Paginator(filtered_products(request), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/product_list.html", {"page": page, **_filters_context(request)})


@login_required
def product_detail(request, pid):
    product = get_object_or_404(Product.objects.visible_to(request.user).with_related(), public_id=pid)
    return render(
        request,
        "registry/product_detail.html",
        {
            "product": product,
            "history": history(product)[:50],
            "can_edit": can_edit(request.user, product),
            "photos": product.photos.all(),
            "links": product.ecommerce_links.all(),
            "photo_form": PhotoForm(),
            "link_form": LinkForm(initial={"last_checked": timezone.localdate()}),
            "listed": hasattr(product, "listing"),
        },
    )


@login_required
@require_POST
def product_media(request, pid):
    """Photos and shop links of a product: add, remove, mark a link checked today (one service each)."""
    product = get_object_or_404(Product.objects.visible_to(request.user), public_id=pid)
    action = request.POST.get("action", "")
    try:
        if action == "photo_add":
            form = PhotoForm(request.POST, request.FILES)
            if not form.is_valid():
                raise OcopError("photo_missing", _("Hãy chọn một ảnh để tải lên."))
            services.photo_add(
                actor=request.user,
                product=product,
                data=form.cleaned_data["image"].read(),
                caption=form.cleaned_data["caption"],
            )
            messages.success(request, _("Đã thêm ảnh."))
        elif action == "photo_delete":
            photo = get_object_or_404(Photo, product=product, pk=_int(request.POST.get("photo")) or 0)
            services.photo_delete(actor=request.user, photo=photo)
            messages.success(request, _("Đã xoá ảnh."))
        elif action == "link_add":
            form = LinkForm(request.POST)
            if not form.is_valid():
                raise OcopError(
                    "link_invalid", _("Đường dẫn gian hàng không hợp lệ: %s") % form.errors.as_text()
                )
            services.ecommerce_link_save(actor=request.user, product=product, **form.cleaned_data)
            messages.success(request, _("Đã thêm gian hàng."))
        elif action in ("link_delete", "link_checked"):
            link = get_object_or_404(EcommerceLink, product=product, pk=_int(request.POST.get("link")) or 0)
            if action == "link_delete":
                services.ecommerce_link_delete(actor=request.user, link=link)
                messages.success(request, _("Đã xoá gian hàng."))
            else:
                services.ecommerce_link_save(
                    actor=request.user,
                    product=product,
                    link=link,
                    platform=link.platform,
                    url=link.url,
                    last_checked=timezone.localdate(),
                )
                messages.success(request, _("Đã ghi ngày kiểm tra gian hàng."))
        else:
            raise Http404
    except OcopError as e:
        messages.error(request, e.message)
    return redirect(reverse("registry:product_detail", args=[product.public_id]) + "#gian-hang")


def _save(request, form, save, success_url_name, template, extra):
    if request.method == "POST" and form.is_valid():
        try:
            # Only the fields the form offers this user (ProductForm leaves out the recognition for some).
            obj = save({k: form.cleaned_data[k] for k in form.Meta.fields if k in form.fields})
        except OcopError as e:
            form_error(form, e)
        else:
            messages.success(request, _("Đã lưu «%s».") % obj)
            return redirect(success_url_name, pid=obj.public_id)
    return render(request, template, {"form": form, **extra})


@login_required
def product_edit(request, pid=None):
    product = None
    if pid:
        product = get_object_or_404(Product.objects.visible_to(request.user), public_id=pid)
        if not can_edit(request.user, product):
            return render(request, "403.html", status=403)
    elif not can_create(request.user):
        return render(request, "403.html", status=403)
    form = ProductForm(request.POST or None, instance=product, user=request.user)

    def save(data):
        if product:
            return services.product_update(actor=request.user, product=product, **data)
        return services.product_create(actor=request.user, **data)

    return _save(
        request, form, save, "registry:product_detail", "registry/product_form.html", {"product": product}
    )


@login_required
def producer_list(request):
    page = Paginator(filtered_producers(request), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/producer_list.html", {"page": page, **_filters_context(request)})


@login_required
def producer_detail(request, pid):
    producer = get_object_or_404(
        Producer.objects.visible_to(request.user).select_related("commune__province"), public_id=pid
    )
    return render(
        request,
        "registry/producer_detail.html",
        {
            "producer": producer,
            "history": history(producer)[:50],
            "can_edit": can_edit(request.user, producer),
            "products": producer.products.visible_to(request.user).with_related(),
        },
    )


@login_required
def producer_edit(request, pid=None):
    producer = None
    if pid:
        producer = get_object_or_404(Producer.objects.visible_to(request.user), public_id=pid)
        if not can_edit(request.user, producer):
            return render(request, "403.html", status=403)
    elif not can_create(request.user):
        return render(request, "403.html", status=403)
    form = ProducerForm(request.POST or None, instance=producer)

    def save(data):
        if producer:
            return services.producer_update(actor=request.user, producer=producer, **data)
        return services.producer_create(actor=request.user, **data)

    return _save(
        request, form, save, "registry:producer_detail", "registry/producer_form.html", {"producer": producer}
    )


def _export(request, fmt, filename, headers, rows):
    return export_response(fmt, filename, headers, rows)


@login_required
def product_export(request, fmt):
    return _export(request, fmt, "san-pham-ocop", PRODUCT_HEADERS, product_rows(filtered_products(request)))


@login_required
def producer_export(request, fmt):
    return _export(request, fmt, "chu-the-ocop", PRODUCER_HEADERS, producer_rows(filtered_producers(request)))


def import_template(request, fmt):
    return _export(request, fmt, "mau-nhap-san-pham-ocop", TEMPLATE_HEADERS, [TEMPLATE_EXAMPLE])


@login_required
def import_upload(request):
    """Upload → check (a dry run, every row) → confirm or cancel → import in one transaction. A large file
    is checked and written by the task worker; its page (import_job) shows the progress."""
    if not can_import(request.user):
        return render(request, "403.html", status=403)
    form = ImportForm(request.POST or None, request.FILES or None)
    ctx = {"form": form}
    token = request.POST.get("token")
    if request.method == "POST" and token:
        if request.POST.get("action") == "cancel":
            import_job_cancel(actor=request.user, token=token)
            messages.info(request, _("Đã huỷ lượt nhập; tệp đã xoá."))
            return redirect("registry:import")
        try:
            job = import_job_confirm(actor=request.user, token=token)
        except OcopError as e:
            messages.error(request, e.message)
            return redirect("registry:import")
        if job.status == ImportJob.Status.DONE:
            summary = job.result["summary"]
            messages.success(
                request, _("Đã nhập tệp «%(name)s». %(summary)s") % {"name": job.name, "summary": summary}
            )
            return redirect("registry:product_list")
        return redirect("registry:import_job", token=job.token)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_start(
                actor=request.user, name=upload.name, data=upload.read(), language=request.LANGUAGE_CODE
            )
        except OcopError as e:
            ctx["error"] = e.message
        else:
            if job.background:
                return redirect("registry:import_job", token=job.token)
            ctx.update(_job_context(job))
    return render(request, "registry/import.html", ctx)


def _job_context(job: ImportJob) -> dict:
    return {
        "job": job,
        "result": job.result,
        "error": job.result.get("error"),
        "token": job.token if job.status == ImportJob.Status.CHECKED else None,
        "filename": job.name,
    }


@login_required
def import_job(request, token):
    """A web import's page: while the task worker reads the file, the rows read so far (the page reloads
    itself every few seconds); then the check's result and the confirm button, or the import's result."""
    if not can_import(request.user):
        return render(request, "403.html", status=403)
    job = get_object_or_404(ImportJob, user=request.user, token=token)
    return render(request, "registry/import_job.html", _job_context(job))
