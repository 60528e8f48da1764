"""Every write of post-certification monitoring, used by the pages, the API, the CLI and the demo alike.
Each checks who acts and on what, changes the rows in one transaction and leaves an audit entry."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.accounts.permissions import acting_user, profile_of, require_role
from ocop.core import bounds, private
from ocop.core.audit import audit_entry
from ocop.core.errors import OcopError, PermissionDenied
from ocop.evaluation import services as evaluation
from ocop.evaluation.models import Certificate
from ocop.registry.models import Producer, Product

from . import checklist, effectiveness
from .access import WATCH_ROLES
from .models import Campaign, Finding, FindingPhoto, FollowUp, Inspection, SalesPoint, SalesPointCheck

OFFICE = {Role.NATIONAL, Role.PROVINCE}
FIELD = WATCH_ROLES  # the office, inspectors and the national level
# Days to fix by severity when the inspector gives no date (my choice; the decree sets none).
DEFAULT_DAYS = {Finding.Severity.MINOR: 30, Finding.Severity.MAJOR: 15, Finding.Severity.CRITICAL: 7}
MAX_DAYS = 180


def _deny(message=None):
    raise PermissionDenied("forbidden", message or _("Bạn không có quyền thực hiện thao tác này."))


def _province_of(finding: Finding) -> int:
    return finding.inspection.campaign.province_id


def _locked(finding: Finding) -> Finding:
    return Finding.objects.select_for_update(of=("self",)).select_related("inspection__campaign").get(
        pk=finding.pk
    )


def _may_move(finding: Finding, status: str, code: str, message: str) -> None:
    """The locked finding may still move to `status` (Finding.TRANSITIONS), else the service's error."""
    if status not in Finding.TRANSITIONS[finding.status]:
        raise OcopError(code, message)


def _closed() -> str:
    return _("Phát hiện này không còn chờ khắc phục.")


# --- Campaigns and visits --------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    actor,
    province_id: int,
    name: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    team: str = "",
    producers=(),
) -> Campaign:
    require_role(actor, province_id, OFFICE)
    name = bounds.clean(Campaign, "name", name, required=_("Cần tên đợt kiểm tra."))
    team = bounds.clean(Campaign, "team", team)
    if kind not in Campaign.Kind.values:
        raise OcopError("kind_invalid", _("Hình thức kiểm tra là định kỳ hoặc đột xuất."), field="kind")
    if ends_on < starts_on:
        raise OcopError("dates_invalid", _("Ngày kết thúc phải sau ngày bắt đầu."), field="ends_on")
    campaign = Campaign.objects.create(
        province_id=province_id,
        name=name,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        team=team,
        created_by=acting_user(actor),
    )
    audit_entry(campaign, actor=actor, action="campaign.create", after={"name": campaign.name, "kind": kind})
    for producer in producers:
        inspection_plan(actor=actor, campaign=campaign, producer=producer, planned_on=starts_on)
    return campaign


@transaction.atomic
def inspection_plan(*, actor, campaign: Campaign, producer: Producer, planned_on=None) -> Inspection:
    """Add a producer to the campaign."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)  # one plan per producer, even at once
    require_role(actor, campaign.province_id, OFFICE)
    if producer.commune.province_id != campaign.province_id:
        raise OcopError("producer_outside", _("Chủ thể không thuộc tỉnh của đợt kiểm tra."), field="producer")
    if campaign.inspections.filter(producer=producer).exists():
        raise OcopError("already_planned", _("Chủ thể này đã có trong đợt kiểm tra."), field="producer")
    inspection = campaign.inspections.create(producer=producer, planned_on=planned_on or campaign.starts_on)
    audit_entry(campaign, actor=actor, action="campaign.plan", after={"producer": producer.name})
    return inspection


@transaction.atomic
def inspection_record(
    *, actor, inspection: Inspection, visited_on: datetime.date, answers: dict, note: str = ""
) -> Inspection:
    """The visit's checklist: each item đạt (ok), không đạt (issue) or không áp dụng (na)."""
    inspection = Inspection.objects.select_for_update().select_related("campaign").get(pk=inspection.pk)
    require_role(actor, inspection.campaign.province_id, FIELD)
    wrong = checklist.check_answers(answers)
    if wrong:
        raise OcopError(
            "answers_invalid", _("Danh mục kiểm tra có nội dung không hợp lệ: %s") % ", ".join(wrong)
        )
    if visited_on > timezone.localdate():
        raise OcopError("date_future", _("Ngày kiểm tra không được sau hôm nay."), field="visited_on")
    note = bounds.clean(Inspection, "note", note)
    inspection.visited_on, inspection.answers, inspection.note = visited_on, answers, note
    inspection.inspector = acting_user(actor)
    inspection.save(update_fields=["visited_on", "answers", "note", "inspector"])
    audit_entry(
        inspection.campaign,
        actor=actor,
        action="inspection.record",
        after={"producer": inspection.producer.name, "visited_on": visited_on, "answers": answers},
    )
    return inspection


# --- Findings --------------------------------------------------------------------------------------


@transaction.atomic
def finding_record(
    *,
    actor,
    inspection: Inspection,
    product: Product,
    item: str,
    severity: str,
    note: str,
    remediation: str,
    due: datetime.date | None = None,
    photos=(),
    today: datetime.date | None = None,
) -> Finding:
    """Record what is wrong with a product at the visit, with photos, and ask for the remediation by a
    date. Recording a finding marks the visit as made today if it was not yet."""
    inspection = Inspection.objects.select_for_update().select_related("campaign").get(pk=inspection.pk)
    require_role(actor, inspection.campaign.province_id, FIELD)
    today = today or timezone.localdate()
    if product.producer_id != inspection.producer_id:
        raise OcopError("product_outside", _("Sản phẩm không thuộc chủ thể được kiểm tra."), field="product")
    if item not in checklist.BY_KEY:
        raise OcopError("item_invalid", _("Chọn nội dung kiểm tra trong danh mục."), field="item")
    if severity not in Finding.Severity.values:
        raise OcopError(
            "severity_invalid", _("Chọn mức độ: nhẹ, nghiêm trọng, rất nghiêm trọng."), field="severity"
        )
    note = bounds.clean(Finding, "note", note)
    remediation = bounds.clean(Finding, "remediation", remediation)
    if not note:
        raise OcopError("note_required", _("Mô tả điều đã thấy tại cơ sở."), field="note")
    if not remediation:
        raise OcopError("remediation_required", _("Ghi yêu cầu khắc phục cho chủ thể."), field="remediation")
    due = due or today + datetime.timedelta(days=DEFAULT_DAYS[severity])
    if not today <= due <= today + datetime.timedelta(days=MAX_DAYS):
        raise OcopError(
            "due_invalid", _("Hạn khắc phục phải từ hôm nay đến %s ngày sau.") % MAX_DAYS, field="due"
        )
    # Every photo checked before anything is written: size limit, an image by its bytes, re-encoded.
    accepted = [private.accept(photo, kind="photo", field="photos") for photo in photos]
    if inspection.visited_on is None:
        inspection.visited_on = today
        inspection.inspector = acting_user(actor)
        inspection.save(update_fields=["visited_on", "inspector"])
    finding = Finding.objects.create(
        inspection=inspection,
        product=product,
        item=item,
        severity=severity,
        note=note,
        remediation=remediation,
        due=due,
        created_by=acting_user(actor),
    )
    for photo in accepted:
        with private.stored(f"findings/{finding.public_id}", photo) as name:
            FindingPhoto.objects.create(finding=finding, image=name)
    audit_entry(
        finding,
        actor=actor,
        action="finding.found",
        after={
            "product": product.name,
            "item": _(checklist.BY_KEY[item].text),
            "severity": finding.get_severity_display(),
            "due": due,
        },
        note=_("%s ảnh") % len(photos) if photos else "",
    )
    return finding


@transaction.atomic
def finding_respond(*, actor, finding: Finding, text: str) -> Finding:
    """The producer's report of what was fixed (the follow-up visit checks it)."""
    finding = _locked(finding)
    p = profile_of(actor)
    if p is None or p.role != Role.PRODUCER or p.producer_id != finding.inspection.producer_id:
        _deny()
    _may_move(finding, Finding.Status.RESOLVED, "finding_closed", _closed())  # still to be fixed
    text = bounds.clean(Finding, "response", text, field="text")
    if not text:
        raise OcopError("response_required", _("Ghi những việc đã khắc phục."), field="text")
    finding.response, finding.responded_at = text, timezone.now()
    finding.save(update_fields=["response", "responded_at"])
    audit_entry(finding, actor=actor, action="finding.respond", after={"response": finding.response})
    return finding


@transaction.atomic
def finding_followup(
    *, actor, finding: Finding, visited_on: datetime.date, fixed: bool, note: str = ""
) -> Finding:
    """The follow-up visit: fixed closes the finding; not fixed leaves it open (overdue once the date has
    passed, which allows the escalation)."""
    finding = _locked(finding)
    require_role(actor, _province_of(finding), FIELD)
    _may_move(finding, Finding.Status.RESOLVED, "finding_closed", _closed())
    if visited_on > timezone.localdate():
        raise OcopError("date_future", _("Ngày kiểm tra lại không được sau hôm nay."), field="visited_on")
    note = bounds.clean(FollowUp, "note", note)
    if not fixed and not note:
        raise OcopError("note_required", _("Ghi điều chưa được khắc phục."), field="note")
    FollowUp.objects.create(
        finding=finding,
        visited_on=visited_on,
        fixed=fixed,
        note=note.strip(),
        by=acting_user(actor),
    )
    if fixed:
        finding.status = Finding.Status.RESOLVED
        finding.save(update_fields=["status"])
    audit_entry(
        finding,
        actor=actor,
        action="finding.followup",
        after={"status": finding.get_status_display()},
        note=(_("%(day)s: đã khắc phục") if fixed else _("%(day)s: chưa khắc phục"))
        % {"day": visited_on.strftime("%d/%m/%Y")}
        + (f" — {note.strip()}" if note.strip() else ""),
    )
    return finding


@transaction.atomic
def finding_escalate(
    *, actor, finding: Finding, ground: str, proposal: str, today: datetime.date | None = None
) -> Finding:
    """Propose the revocation of the product's certificate (Điều 8 khoản 3 a): allowed once the
    remediation date has passed without a fix, or at once for a very serious finding."""
    finding = _locked(finding)
    require_role(actor, _province_of(finding), OFFICE)
    today = today or timezone.localdate()
    _may_move(
        finding,
        Finding.Status.ESCALATED,
        "finding_closed",
        _("Chỉ đề nghị thu hồi với phát hiện đang chờ khắc phục."),
    )
    if finding.severity != Finding.Severity.CRITICAL and today <= finding.due:
        raise OcopError(
            "not_overdue",
            _(
                "Chưa hết hạn khắc phục (%s): chỉ đề nghị thu hồi khi quá hạn mà chưa khắc phục, "
                "hoặc khi phát hiện rất nghiêm trọng."
            )
            % finding.due.strftime("%d/%m/%Y"),
        )
    if ground not in Certificate.Ground.values:
        raise OcopError(
            "ground_invalid", _("Chọn căn cứ thu hồi (a)–(e) của Điều 8 khoản 1."), field="ground"
        )
    proposal = bounds.clean(Finding, "proposal", proposal)
    if not proposal:
        raise OcopError("proposal_required", _("Ghi kết luận và lý do đề nghị thu hồi."), field="proposal")
    certificate = Certificate.objects.speaking_for(finding.product)
    if certificate is None or certificate.revoked_on:
        raise OcopError("no_certificate", _("Sản phẩm không có giấy chứng nhận còn hiệu lực để thu hồi."))
    finding.status, finding.ground, finding.proposal, finding.proposed_on = (
        Finding.Status.ESCALATED,
        ground,
        proposal.strip(),
        today,
    )
    finding.certificate = certificate
    finding.save(update_fields=["status", "ground", "proposal", "proposed_on", "certificate"])
    audit_entry(
        finding,
        actor=actor,
        action="finding.escalate",
        after={
            "status": finding.get_status_display(),
            "ground": finding.get_ground_display(),
            "certificate": certificate.number,
            "proposal": finding.proposal,
        },
    )
    return finding


@transaction.atomic
def finding_revoke(*, actor, finding: Finding, decision: str, date: datetime.date) -> Finding:
    """Record the revocation decision on the proposal: the certificate is revoked by the evaluation
    service (which enforces who may revoke: the province for 3★/4★, the Minister for 5★)."""
    finding = _locked(finding)
    require_role(actor, _province_of(finding), OFFICE)
    _may_move(
        finding, Finding.Status.REVOKED, "not_escalated", _("Cần đề nghị thu hồi trước khi ghi quyết định.")
    )
    evaluation.certificate_revoke(
        actor=actor, certificate=finding.certificate, ground=finding.ground, decision=decision, date=date
    )
    finding.status = Finding.Status.REVOKED
    finding.save(update_fields=["status"])
    audit_entry(
        finding,
        actor=actor,
        action="finding.revoke",
        after={"status": finding.get_status_display()},
        note=_("Quyết định %(decision)s ngày %(date)s")
        % {"decision": decision, "date": date.strftime("%d/%m/%Y")},
    )
    return finding


# --- Sales points ----------------------------------------------------------------------------------


@transaction.atomic
def sales_point_save(*, actor, sales_point: SalesPoint | None = None, products=(), **fields) -> SalesPoint:
    """Create or change a sales point and the products it carries."""
    commune = fields.get("commune") or (sales_point.commune if sales_point else None)
    if commune is None:
        raise OcopError("commune_required", _("Chọn xã, phường của điểm bán."), field="commune")
    require_role(actor, commune.province_id, OFFICE)
    if sales_point is not None:
        require_role(actor, sales_point.commune.province_id, OFFICE)
    bounds.clean_fields(SalesPoint, fields)
    if not (fields["name"] if "name" in fields else getattr(sales_point, "name", "")):
        raise OcopError("name_required", _("Cần tên điểm bán (không chỉ gồm ký tự vô hình)."), field="name")
    if fields.get("phone"):
        bounds.check_phone(fields["phone"])
    outside = [p.name for p in products if p.commune.province_id != commune.province_id]
    if outside:
        raise OcopError(
            "product_outside",
            _("Sản phẩm không thuộc tỉnh của điểm bán: %s") % ", ".join(outside),
            field="products",
        )
    created = sales_point is None
    sales_point = sales_point or SalesPoint()
    for name, value in fields.items():
        setattr(sales_point, name, value)
    sales_point.save()
    sales_point.products.set(products)
    audit_entry(
        sales_point,
        actor=actor,
        action="sales_point.create" if created else "sales_point.update",
        after={"name": sales_point.name, "products": sorted(p.name for p in products)},
    )
    return sales_point


@transaction.atomic
def sales_point_check(
    *,
    actor,
    sales_point: SalesPoint,
    checked_on: datetime.date,
    levels: dict,
    products_seen: int,
    note: str = "",
) -> SalesPointCheck:
    """One of the two checks of the year's half, scored (effectiveness.py); a second check in the same half
    is refused (correct the first instead — my choice, so the history has one line per half)."""
    require_role(actor, sales_point.commune.province_id, FIELD)
    sales_point = SalesPoint.objects.select_for_update(of=("self",)).select_related("commune").get(
        pk=sales_point.pk
    )
    if checked_on > timezone.localdate():
        raise OcopError("date_future", _("Ngày kiểm tra không được sau hôm nay."), field="checked_on")
    try:
        value = effectiveness.score(levels)
    except ValueError:
        raise OcopError("levels_invalid", _("Chấm mỗi nội dung từ 0 đến 4.")) from None
    if products_seen < 0:
        raise OcopError("count_invalid", _("Số sản phẩm không được âm."), field="products_seen")
    note = bounds.clean(SalesPointCheck, "note", note)
    half = effectiveness.half_of(checked_on.month)
    if sales_point.checks.filter(year=checked_on.year, half=half).exists():
        raise OcopError(
            "already_checked",
            _("Điểm bán đã được kiểm tra trong 6 tháng này (%(half)s/%(year)s).")
            % {"half": half, "year": checked_on.year},
            field="checked_on",
        )
    check = sales_point.checks.create(
        checked_on=checked_on,
        year=checked_on.year,
        half=half,
        levels=levels,
        score=value,
        products_seen=products_seen,
        note=note,
        by=acting_user(actor),
    )
    audit_entry(
        sales_point, actor=actor, action="sales_point.check", after={"checked_on": checked_on, "score": value}
    )
    return check
