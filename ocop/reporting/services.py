"""Writes of the reporting app: targets (provincial office, or national for the country) and the yearly
outcomes a producer reports (the producer, its commune or its province office)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.accounts.permissions import acting_user, profile_of, require_edit, require_role
from ocop.core.audit import audit_entry
from ocop.core.errors import OcopError, PermissionDenied
from ocop.geo.models import Province
from ocop.registry.models import Producer

from .models import Measure, Outcome, Target

OFFICE = {Role.PROVINCE, Role.NATIONAL}
FIRST_YEAR = 2018  # the programme's first recognitions


def _year(year: int, *, field: str = "year") -> int:
    last = datetime.date.today().year + 10
    if not isinstance(year, int) or not FIRST_YEAR <= year <= last:
        raise OcopError(
            "year_invalid",
            _("Năm phải từ %(first)s đến %(last)s.") % {"first": FIRST_YEAR, "last": last},
            field=field,
        )
    return year


def _require_office(actor, province_id: int | None) -> None:
    """A province's targets are set by its office (or the national level); the country's by the national
    level only. None: the system (demo, scripts)."""
    if actor is None:
        return
    if province_id is not None:
        require_role(actor, province_id, OFFICE)
        return
    p = profile_of(actor)
    if p is None or p.role != Role.NATIONAL:
        raise PermissionDenied("forbidden", _("Chỉ cấp trung ương đặt chỉ tiêu toàn quốc."))


@transaction.atomic
def target_save(
    *, actor, province: Province | None, year: int, measure: str, value: int, source: str = ""
) -> Target:
    """Set (or change) the target of a province — or of the country, without a province — for a year."""
    _require_office(actor, province.pk if province else None)
    _year(year)
    if measure not in Measure.values:
        raise OcopError("measure_invalid", _("Chỉ tiêu không hợp lệ."), field="measure")
    if not isinstance(value, int) or value <= 0 or value > 1_000_000:
        raise OcopError("value_invalid", _("Mức phấn đấu phải là số nguyên dương."), field="value")
    target = Target.objects.select_for_update().filter(province=province, year=year, measure=measure).first()
    before = {"value": target.value, "source": target.source} if target else None
    if target is None:
        target = Target(province=province, year=year, measure=measure)
    target.value, target.source, target.set_by = value, source.strip()[:200], acting_user(actor)
    target.save()
    audit_entry(
        target,
        actor=actor,
        action="target.save",
        before=before,
        after={"year": year, "measure": measure, "value": value, "source": target.source},
    )
    return target


@transaction.atomic
def target_delete(*, actor, target: Target) -> None:
    _require_office(actor, target.province_id)
    audit_entry(target, actor=actor, action="target.delete", before={"value": target.value}, after={})
    target.delete()


@transaction.atomic
def outcome_save(
    *,
    actor,
    producer: Producer,
    year: int,
    revenue: int,
    jobs: int,
    output: Decimal | None = None,
    output_unit: str = "",
    avg_income: Decimal | None = None,
) -> Outcome:
    """Record (or correct) what a producer reports for a year; revenue in million đồng."""
    require_edit(actor, producer)
    _year(year)
    if year > datetime.date.today().year:
        raise OcopError("year_future", _("Chưa thể báo cáo kết quả của năm chưa đến."), field="year")
    if revenue is None or revenue < 0 or revenue > 10**9:
        raise OcopError("revenue_invalid", _("Doanh thu (triệu đồng) phải là số không âm."), field="revenue")
    if jobs is None or jobs < 0 or jobs > 1_000_000:
        raise OcopError("jobs_invalid", _("Số lao động phải là số nguyên không âm."), field="jobs")
    if avg_income is not None and not 0 <= avg_income <= 10_000:
        raise OcopError(
            "income_invalid",
            _("Thu nhập bình quân (triệu đồng/người/tháng) không hợp lệ."),
            field="avg_income",
        )
    if output is not None and output < 0:
        raise OcopError("output_invalid", _("Sản lượng phải là số không âm."), field="output")
    outcome = Outcome.objects.select_for_update().filter(producer=producer, year=year).first()
    fields = {
        "revenue": revenue,
        "jobs": jobs,
        "output": output,
        "output_unit": output_unit.strip()[:30],
        "avg_income": avg_income,
    }
    before = {k: getattr(outcome, k) for k in fields} if outcome else None
    outcome = outcome or Outcome(producer=producer, year=year)
    for k, v in fields.items():
        setattr(outcome, k, v)
    outcome.reported_by = acting_user(actor)
    outcome.save()
    audit_entry(producer, actor=actor, action="outcome.save", before=before, after={"year": year, **fields})
    return outcome
