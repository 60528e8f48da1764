"""Back-office pages of post-certification monitoring."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import render

from ocop.accounts.models import Role
from ocop.accounts.permissions import profile_of
from ocop.core.errors import NotFound, PermissionDenied
from ocop.geo.models import Province

from .access import watch_province
from .priority import WEIGHTS
from .watchlist import LABELS, watchlist


@login_required
def watch(request):
    """Danh sách ưu tiên kiểm tra: the province's producers ranked by the signals in the data."""
    code = request.GET.get("tinh", "")
    national = getattr(profile_of(request.user), "role", None) == Role.NATIONAL
    if national and not code:
        province = None  # the national level first picks a province
    else:
        try:
            province = watch_province(request.user, int(code) if code.isascii() and code.isdigit() else None)
        except PermissionDenied as e:
            raise Forbidden(e.message) from None
        except NotFound:
            raise Http404 from None
    context = {
        "province": province,
        "lines": watchlist(province.pk) if province else [],
        "provinces": Province.objects.order_by("name") if national else None,
        "legend": [(LABELS[k], w) for k, w in WEIGHTS.items()],
        "days": settings.OCOP_WATCH_SCAN_DAYS,
    }
    return render(request, "monitoring/watch.html", context)
