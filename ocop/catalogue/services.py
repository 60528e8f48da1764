"""Writes of the catalogue: fairs and the products shown there."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.accounts.permissions import acting_user, require_role
from ocop.core import bounds
from ocop.core.audit import audit_entry, snapshot
from ocop.core.errors import OcopError
from ocop.registry.models import Product

from .models import Fair, Listing

OFFICE = {Role.NATIONAL, Role.PROVINCE}
FAIR_FIELDS = {
    "name",
    "kind",
    "province",
    "venue",
    "lat",
    "lon",
    "starts_on",
    "ends_on",
    "organiser",
    "description",
    "website",
}


def _require_office(actor, province_id: int) -> None:
    if actor is not None:  # None: the system (demo, scripts)
        require_role(actor, province_id, OFFICE)


@transaction.atomic
def fair_save(*, actor, fair: Fair | None = None, **data: Any) -> Fair:
    """Create or change a fair (hội chợ, triển lãm…); the office of the province where it is held."""
    unknown = set(data) - FAIR_FIELDS
    if unknown:
        raise OcopError("unknown_fields", _("Trường không hợp lệ: %s") % ", ".join(sorted(unknown)))
    if fair is not None:
        fair = Fair.objects.select_for_update().get(pk=fair.pk)
        _require_office(actor, fair.province_id)
    target = data.get("province", fair.province if fair else None)
    if target is None:
        raise OcopError("province_required", _("Cần chọn tỉnh, thành phố nơi tổ chức."), field="province")
    _require_office(actor, target.code)
    starts = data.get("starts_on", fair.starts_on if fair else None)
    ends = data.get("ends_on", fair.ends_on if fair else None)
    if not isinstance(starts, datetime.date) or not isinstance(ends, datetime.date):
        raise OcopError("dates_required", _("Cần ngày bắt đầu và ngày kết thúc."), field="starts_on")
    if ends < starts:
        raise OcopError("dates_order", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."), field="ends_on")
    if (ends - starts).days > 92:
        raise OcopError(
            "dates_span", _("Một sự kiện dài tối đa 3 tháng: hãy tách thành nhiều đợt."), field="ends_on"
        )
    bounds.clean_fields(Fair, data)
    if (data.get("lat") is None) != (data.get("lon") is None):
        raise OcopError("position_half", _("Cần cả vĩ độ và kinh độ, hoặc bỏ trống cả hai."), field="lat")
    before = snapshot(fair) if fair else None
    fair = fair or Fair(created_by=acting_user(actor))
    for k, v in data.items():
        setattr(fair, k, v)
    if not fair.name or not fair.venue:
        raise OcopError(
            "fair_incomplete", _("Cần tên sự kiện và địa điểm (không chỉ gồm ký tự vô hình)."), field="name"
        )
    fair.save()
    audit_entry(fair, actor=actor, action="fair.save", before=before, after=snapshot(fair))
    return fair


@transaction.atomic
def fair_products(*, actor, fair: Fair, add: list[int] = (), remove: list[int] = ()) -> int:
    """Add or remove products shown at a fair (only products in the catalogue: recognised, in force)."""
    fair = Fair.objects.select_for_update().get(pk=fair.pk)
    _require_office(actor, fair.province_id)
    if add:
        today = datetime.date.today()
        ok = set(
            Listing.objects.filter(product_id__in=add, listed_until__gte=today).values_list("pk", flat=True)
        )
        missing = set(add) - ok
        if missing:
            raise OcopError(
                "product_not_listed",
                _("Chỉ thêm được sản phẩm OCOP đang còn hiệu lực (%d sản phẩm không đủ điều kiện).")
                % len(missing),
            )
        fair.products.add(*Product.objects.filter(pk__in=ok))
    if remove:
        fair.products.remove(*Product.objects.filter(pk__in=remove))
    audit_entry(
        fair, actor=actor, action="fair.products", after={"add": sorted(add), "remove": sorted(remove)}
    )
    return fair.products.count()
