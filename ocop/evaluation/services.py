"""Every step of the evaluation workflow: one function each, used by the web UI, the API and the CLI.
Each checks who may act, changes the state, and writes an audit entry."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.accounts.permissions import profile_of
from ocop.core import bounds, private
from ocop.core.audit import audit_entry
from ocop.core.errors import OcopError, PermissionDenied
from ocop.core.models import AuditEntry
from ocop.core.workdays import add_months, add_working_days
from ocop.registry.models import Product, ProductSet

from .models import (
    DECIDED,
    EDITABLE,
    STEPS,
    VALIDITY_MONTHS,
    Certificate,
    Dossier,
    Kind,
    Round,
    ScoreSheet,
    Seat,
    State,
    snapshot_of,
)
from .rubric import CURRENT, load_sheet
from .scoring import CouncilRules, quorum_met, score, validate

COMMUNE_WORKING_DAYS = 15
REEVALUATION_DAYS = 45


def holidays() -> list[datetime.date]:
    return [datetime.datetime.strptime(d, "%d/%m/%Y").date() for d in settings.OCOP_HOLIDAYS]


def _role(actor):
    p = profile_of(actor)
    return p.role if p else None


def _deny():
    raise PermissionDenied("forbidden", _("Bạn không có quyền thực hiện bước này với hồ sơ này."))


def _require(actor, dossier: Dossier, roles: set) -> None:
    """The actor has one of the roles and the dossier is in their scope (None = the system)."""
    if actor is None:
        return
    if _role(actor) not in roles or not Dossier.objects.visible_to(actor).filter(pk=dossier.pk).exists():
        _deny()


def _wrong_state(dossier: Dossier) -> OcopError:
    return OcopError(
        "wrong_state",
        _("Hồ sơ đang ở bước «%(state)s», không thực hiện được thao tác này.")
        % {"state": dossier.get_state_display()},
    )


def _lock(dossier: Dossier) -> None:
    """Read the dossier as stored now, its row locked until the transaction ends, not as last seen."""
    dossier.refresh_from_db(from_queryset=Dossier.objects.select_for_update())


def _lock_for(dossier: Dossier, *steps: str) -> None:
    """Lock the dossier and check that one of the workflow `steps` (models.STEPS) may start from its
    state now, before the other checks of the service."""
    _lock(dossier)
    if not any(dossier.state in STEPS[step][0] for step in steps):
        raise _wrong_state(dossier)


def _lock_in(dossier: Dossier, states=EDITABLE) -> None:
    """Lock the dossier for a change that keeps its state (self-assessment, evidence, a score sheet)."""
    _lock(dossier)
    if dossier.state not in states:
        raise _wrong_state(dossier)


def _move(dossier: Dossier, actor, step: str, note: str = "", **fields) -> Dossier:
    """Take a locked dossier one step along the workflow table (models.STEPS), with its audit entry."""
    starts, state = STEPS[step]
    if dossier.state not in starts:
        raise _wrong_state(dossier)
    before = {"state": dossier.state, **{k: getattr(dossier, k) for k in fields}}
    dossier.state = state
    for k, v in fields.items():
        setattr(dossier, k, v)
    dossier.save()
    after = {"state": state, **fields}
    audit_entry(dossier, actor=actor, action=f"dossier.{step}", before=before, after=after, note=note)
    return dossier


# --- Producer: registration (Mẫu 01) and self-assessment (Mẫu 02) -----------------------------------


REEVALUATION_OPENS_DAYS = 180  # filing opens 180 days before expiry (and should be in by 120 days)
LATE_GRACE_DAYS = 180  # a product that missed its window keeps its certificate at most 180 days past expiry


def current_certificate(product: Product) -> Certificate | None:
    """The product's latest certificate that has not been revoked (it may have expired)."""
    return (
        Certificate.objects.filter(product=product, revoked_on__isnull=True).order_by("-valid_until").first()
    )


def check_kind(product: Product, kind: str, today: datetime.date | None = None) -> None:
    """First registration needs no live certificate; upgrade needs a valid one below 5★; re-evaluation
    opens 180 days before expiry and stays possible up to 180 days after it."""
    today = today or timezone.localdate()
    cert = current_certificate(product)
    live = cert is not None and cert.valid_until >= today
    if kind == Kind.FIRST and live:
        raise OcopError(
            "kind_invalid",
            _("Sản phẩm đang có giấy chứng nhận còn hiệu lực: hãy chọn «Nâng hạng» hoặc «Đánh giá lại»."),
            field="kind",
        )
    if kind == Kind.UPGRADE and (not live or cert.star >= 5):
        raise OcopError(
            "kind_invalid", _("Nâng hạng cần giấy chứng nhận còn hiệu lực, hạng dưới 5 sao."), field="kind"
        )
    if kind == Kind.REEVALUATION:
        if cert is None:
            raise OcopError(
                "kind_invalid",
                _("Sản phẩm chưa có giấy chứng nhận: hãy chọn «Đánh giá lần đầu»."),
                field="kind",
            )
        opens = cert.valid_until - datetime.timedelta(days=REEVALUATION_OPENS_DAYS)
        closes = cert.valid_until + datetime.timedelta(days=LATE_GRACE_DAYS)
        if not opens <= today <= closes:
            raise OcopError(
                "kind_invalid",
                _(
                    "Đánh giá lại nộp từ %(opens)s (180 ngày trước khi giấy chứng nhận hết hạn "
                    "%(until)s) đến %(closes)s."
                )
                % {
                    "opens": f"{opens:%d/%m/%Y}",
                    "until": f"{cert.valid_until:%d/%m/%Y}",
                    "closes": f"{closes:%d/%m/%Y}",
                },
                field="kind",
            )


def _has_open_dossier(product: Product) -> bool:
    return Dossier.objects.filter(product=product).exclude(state__in=DECIDED).exists()


def _dossier_open() -> OcopError:
    return OcopError("dossier_open", _("Sản phẩm này đã có một hồ sơ đang xử lý."))


@transaction.atomic
def dossier_create(
    *, actor, product: Product, kind: str = Kind.FIRST, today: datetime.date | None = None
) -> Dossier:
    """Open a dossier for the product (Mẫu 01): one open dossier per product at a time."""
    if actor is not None:
        if _role(actor) not in {Role.PRODUCER, Role.COMMUNE, Role.PROVINCE, Role.NATIONAL}:
            _deny()
        if not Product.objects.visible_to(actor).filter(pk=product.pk).exists():
            _deny()
    # Locked: a second submit of the same form waits here, then finds the first one's dossier.
    product = Product.objects.select_for_update(of=("self",)).select_related("product_set__taxonomy").get(
        pk=product.pk
    )
    if kind not in Kind.values:
        raise OcopError("kind_invalid", _("Loại đăng ký không hợp lệ."), field="kind")
    check_kind(product, kind, today)
    if not product.product_set.taxonomy.current:
        raise OcopError(
            "set_outdated",
            _(
                "Sản phẩm đang xếp theo bộ sản phẩm cũ; hãy chọn bộ sản phẩm theo QĐ 26/2026 "
                "trước khi đăng ký."
            ),
            field="product_set",
        )
    if _has_open_dossier(product):
        raise _dossier_open()
    try:
        with transaction.atomic():  # the constraint, should a writer ever skip the lock
            dossier = Dossier.objects.create(
                product=product, kind=kind, rubric=CURRENT, set_number=product.product_set.number
            )
    except IntegrityError:
        raise _dossier_open() from None
    audit_entry(dossier, actor=actor, action="dossier.create", after={"kind": kind, "product": str(product)})
    return dossier


@transaction.atomic
def self_assessment_save(*, actor, dossier: Dossier, answers: dict) -> Dossier:
    """Save the producer's self-assessment; may be partial while drafting, each value must be an option."""
    _require(actor, dossier, {Role.PRODUCER, Role.COMMUNE, Role.PROVINCE, Role.NATIONAL})
    _lock_in(dossier)
    sheet = load_sheet(dossier.set_number, dossier.rubric)
    filled = {c.code: answers.get(c.code, 0) for c in sheet.criteria}
    clean = validate(sheet, filled)
    before = {"self_answers": dossier.self_answers}
    dossier.self_answers = clean
    dossier.save(update_fields=["self_answers", "updated_at"])
    audit_entry(
        dossier, actor=actor, action="dossier.self_assessment", before=before, after={"self_answers": clean}
    )
    return dossier


@transaction.atomic
def dossier_submit(*, actor, dossier: Dossier, today: datetime.date | None = None) -> Dossier:
    """Producer files the dossier with the commune (or answers a request for more evidence)."""
    _require(actor, dossier, {Role.PRODUCER, Role.COMMUNE, Role.PROVINCE, Role.NATIONAL})
    _lock_for(dossier, "submit", "resubmit")
    if not dossier.self_answers:
        raise OcopError("self_assessment_missing", _("Hãy tự chấm điểm (Mẫu 02) trước khi nộp hồ sơ."))
    if dossier.state == State.MORE_EVIDENCE:
        return _move(dossier, actor, "resubmit")
    today = today or timezone.localdate()
    due = add_working_days(today, COMMUNE_WORKING_DAYS, holidays())
    return _move(dossier, actor, "submit", submitted_at=timezone.now(), commune_due=due)


@transaction.atomic
def evidence_add(*, actor, dossier: Dossier, criterion: str, file, note: str = "", name: str = ""):
    """Attach an evidence file to a criterion of the dossier's sheet. `file` is an upload, any file object
    or bytes (`name`: the uploaded name, for display). Checked by core.private: size limit, type from the
    bytes, PDFs without active content, images re-encoded; stored privately under a random name."""
    _require(actor, dossier, {Role.PRODUCER, Role.COMMUNE, Role.PROVINCE, Role.NATIONAL})
    _lock_in(dossier)
    sheet = load_sheet(dossier.set_number, dossier.rubric)
    if sheet.criterion(criterion.strip()) is None:
        raise OcopError(
            "criterion_unknown",
            _("Tiêu chí «%(c)s» không có trong phiếu của bộ sản phẩm số %(n)s.")
            % {"c": criterion, "n": dossier.set_number},
            field="criterion",
        )
    note = bounds.clean(dossier.evidence.model, "note", note)
    accepted = private.accept(file, kind="evidence", field="file", name=name)
    with private.stored(f"evidence/{dossier.public_id}", accepted) as stored:
        ev = dossier.evidence.create(
            criterion=criterion.strip(),
            file=stored,
            name=accepted.name,
            content_type=accepted.type.content_type,
            note=note,
            uploaded_by=actor,
        )
        audit_entry(
            dossier,
            actor=actor,
            action="dossier.evidence",
            after={"criterion": ev.criterion, "file": ev.name, "type": accepted.type.ext},
        )
    return ev


# --- Commune screening (Mẫu 03) -------------------------------------------------------------------

COMMUNE_ITEMS = ("raw_materials", "labour", "idea", "identity")
COMMUNE_ITEM_MAX = 2000


def _clean_report(report: dict) -> dict:
    """The commune's Mẫu 03 items, tidied and bounded like a note (they are shown on the dossier's page)."""
    label = _("Báo cáo của xã")
    return {
        k: bounds.bounded(v, limit=COMMUNE_ITEM_MAX, label=label, field=k) if isinstance(v, str) else v
        for k, v in report.items()
    }


@transaction.atomic
def commune_screen(*, actor, dossier: Dossier, forward: bool, report: dict, note: str = "") -> Dossier:
    _require(actor, dossier, {Role.COMMUNE, Role.PROVINCE, Role.NATIONAL})
    _lock_for(dossier, "forward", "return")
    report = _clean_report(report)
    note = bounds.clean(AuditEntry, "note", note)  # kept in the audit entry, as the reason given
    if forward:
        missing = [k for k in COMMUNE_ITEMS if not str(report.get(k, "")).strip()]
        if missing:
            raise OcopError(
                "commune_report_incomplete",
                _(
                    "Báo cáo của xã (Mẫu 03) cần đủ 4 nội dung: nguồn nguyên liệu địa phương, lao động địa "
                    "phương, nguồn gốc ý tưởng, bản sắc địa phương."
                ),
                details=missing,
            )
        return _move(dossier, actor, "forward", note=note, commune_report=report)
    if not note:
        raise OcopError("note_required", _("Hãy ghi lý do trả hồ sơ để chủ thể bổ sung."), field="note")
    return _move(dossier, actor, "return", note=note, commune_report=report)


# --- Province: intake, advisory review ---------------------------------------------------------------


@transaction.atomic
def province_intake(*, actor, dossier: Dossier) -> Dossier:
    _require(actor, dossier, {Role.PROVINCE, Role.ADVISORY, Role.NATIONAL})
    _lock_for(dossier, "intake")
    if dossier.kind == Kind.REEVALUATION:
        due = timezone.localdate() + datetime.timedelta(days=REEVALUATION_DAYS)
        return _move(dossier, actor, "intake", decision_due=due)
    return _move(dossier, actor, "intake")


@transaction.atomic
def advisory_request(*, actor, dossier: Dossier, text: str, criterion: str = "") -> Dossier:
    _require(actor, dossier, {Role.PROVINCE, Role.ADVISORY, Role.NATIONAL})
    _lock_for(dossier, "request_evidence")
    text = bounds.clean(dossier.reviews.model, "text", text)
    if not text:
        raise OcopError("note_required", _("Hãy ghi rõ minh chứng cần bổ sung."), field="text")
    dossier.reviews.create(type="request", criterion=criterion, text=text, author=actor)
    return _move(dossier, actor, "request_evidence", note=text[:300])


# --- Rounds and councils --------------------------------------------------------------------------


def legal_round_dates(year: int, half: int, level: str = Round.Level.PROVINCE) -> tuple[datetime.date, ...]:
    """(intake deadline, scoring deadline): province rounds take dossiers to 30/4 (done by 30/6) and to
    30/10 (done by 30/12); central rounds finish by 30/9 and 30/3 of the next year."""
    if level == Round.Level.CENTRAL:
        return (
            (datetime.date(year, 7, 15), datetime.date(year, 9, 30))
            if half == 1
            else (datetime.date(year, 12, 31), datetime.date(year + 1, 3, 30))
        )
    return (
        (datetime.date(year, 4, 30), datetime.date(year, 6, 30))
        if half == 1
        else (datetime.date(year, 10, 30), datetime.date(year, 12, 30))
    )


@transaction.atomic
def round_create(
    *,
    actor,
    name: str,
    province=None,
    level: str = Round.Level.PROVINCE,
    intake_deadline: datetime.date,
    scoring_deadline: datetime.date,
    max_spread: float = 10,
    quorum: float = 0.75,
) -> Round:
    role = _role(actor) if actor else Role.NATIONAL
    if level == Round.Level.CENTRAL and role != Role.NATIONAL:
        _deny()
    if level == Round.Level.PROVINCE:
        if province is None:
            raise OcopError("province_required", _("Đợt cấp tỉnh cần chọn tỉnh."), field="province")
        if role not in {Role.PROVINCE, Role.NATIONAL} or (
            role == Role.PROVINCE and profile_of(actor).province_id != province.pk
        ):
            _deny()
    if scoring_deadline < intake_deadline:
        raise OcopError(
            "dates_invalid", _("Hạn hoàn thành phải sau hạn nhận hồ sơ."), field="scoring_deadline"
        )
    name = bounds.clean(Round, "name", name, required=_("Cần tên đợt đánh giá."))
    r = Round.objects.create(
        name=name,
        level=level,
        province=province,
        intake_deadline=intake_deadline,
        scoring_deadline=scoring_deadline,
        max_spread=max_spread,
        quorum=quorum,
    )
    audit_entry(r, actor=actor, action="round.create", after={"name": name, "level": level})
    return r


def _require_round(actor, rnd: Round) -> None:
    if actor is None:
        return
    p = profile_of(actor)
    if p is None or p.role not in {Role.PROVINCE, Role.NATIONAL}:
        _deny()
    if p.role == Role.PROVINCE and rnd.province_id != p.province_id:
        _deny()


def _round_locked(rnd: Round) -> Round:
    """The round as stored now (read again into `rnd`), its row locked until the transaction ends. Every
    write to a round, its council, its dossiers' rounds or their sheets takes this lock first (then the
    dossier's): round_close reads the sheets under it, so none lands between its reading and its storing."""
    rnd.refresh_from_db(from_queryset=Round.objects.select_for_update())
    return rnd


def _round_closed(rnd: Round, message: str = "") -> None:
    if rnd.status == Round.Status.CLOSED:
        raise OcopError("round_closed", message or _("Đợt đánh giá đã khóa."))


def _round_move(rnd: Round, status: str) -> None:
    """Move a locked round along Round.TRANSITIONS."""
    if status not in Round.TRANSITIONS[rnd.status]:
        _round_closed(rnd)
        raise OcopError("round_state", _("Đợt đánh giá không chuyển được sang bước này."))
    rnd.status = status
    rnd.save(update_fields=["status"])


def _seat_conflicts(users, producer_ids) -> list:
    """The users linked to one of the producers (their account speaks for it)."""
    linked = set(producer_ids)
    return [u for u in users if getattr(profile_of(u), "producer_id", None) in linked]


def check_seats(rnd: Round, users: list) -> None:
    """Who may sit on a round's council. A province round seats council accounts of that province (QĐ 26/2026
    Điều 7 khoản 3 b); a central round seats the national council: council accounts with no province (khoản 4
    b). Never an account linked to a producer with a dossier in the round: nobody scores their own product."""
    central = rnd.level == Round.Level.CENTRAL
    for u in users:
        p = profile_of(u)
        if p is None or p.role != Role.COUNCIL:
            raise OcopError(
                "seat_not_council",
                _(
                    "Tài khoản «%(user)s» không phải tài khoản thành viên hội đồng: chỉ xếp vào hội đồng "
                    "các tài khoản có vai trò «Thành viên hội đồng»."
                )
                % {"user": u.username},
                field="members",
            )
        if central and p.province_id is not None:
            raise OcopError(
                "seat_wrong_province",
                _(
                    "«%(user)s» là thành viên hội đồng cấp tỉnh (%(province)s): đợt Trung ương chỉ xếp "
                    "thành viên Hội đồng cấp trung ương (tài khoản hội đồng không gắn với tỉnh nào)."
                )
                % {"user": u.username, "province": p.province},
                field="members",
            )
        if not central and p.province_id != rnd.province_id:
            raise OcopError(
                "seat_wrong_province",
                _("«%(user)s» không phải thành viên hội đồng của %(province)s, tỉnh của đợt đánh giá này.")
                % {"user": u.username, "province": rnd.province},
                field="members",
            )
    producers = rnd.dossiers.values_list("product__producer_id", flat=True)
    conflicted = _seat_conflicts(users, producers)
    if conflicted:
        u = conflicted[0]
        raise OcopError(
            "seat_conflict",
            _(
                "«%(user)s» gắn với chủ thể «%(producer)s», có hồ sơ trong đợt đánh giá này: không được "
                "ngồi hội đồng chấm sản phẩm của chính mình."
            )
            % {"user": u.username, "producer": profile_of(u).producer},
            field="members",
        )


@transaction.atomic
def council_set(*, actor, rnd: Round, members: list, chair) -> Round:
    """Seat the round's council (the chair among them), replacing the one before. Who may sit: check_seats."""
    _require_round(actor, rnd)
    # Locked: a dossier assigned to the round meanwhile is checked against these seats (round_assign).
    rnd = _round_locked(rnd)
    _round_closed(rnd)
    if chair not in members:
        members = [chair, *members]
    members = list(dict.fromkeys(members))
    if len(members) < 3:
        raise OcopError("council_too_small", _("Hội đồng cần ít nhất 3 thành viên, kể cả chủ tịch."))
    check_seats(rnd, members)
    rnd.seats.all().delete()
    Seat.objects.bulk_create(Seat(round=rnd, user=u, chair=(u == chair)) for u in members)
    audit_entry(
        rnd,
        actor=actor,
        action="round.council",
        after={"members": [u.username for u in members], "chair": chair.username},
    )
    return rnd


@transaction.atomic
def round_assign(*, actor, rnd: Round, dossier: Dossier) -> Dossier:
    _require_round(actor, rnd)
    rnd = _round_locked(rnd)  # the seats cannot change under this check; the round before the dossier
    _lock_for(dossier, "assign")
    _round_closed(rnd)
    if rnd.level == Round.Level.PROVINCE and dossier.product.commune.province_id != rnd.province_id:
        raise OcopError("round_province", _("Hồ sơ không thuộc tỉnh của đợt đánh giá này."))
    seated_users = [s.user for s in rnd.seats.select_related("user__profile")]
    conflicted = _seat_conflicts(seated_users, [dossier.product.producer_id])
    if conflicted:
        raise OcopError(
            "seat_conflict",
            _(
                "Thành viên hội đồng «%(user)s» gắn với chủ thể «%(producer)s» của hồ sơ này: hãy lập lại "
                "hội đồng không có thành viên đó trước khi đưa hồ sơ vào đợt."
            )
            % {"user": conflicted[0].username, "producer": dossier.product.producer},
        )
    if rnd.status == Round.Status.OPEN:
        _round_move(rnd, Round.Status.SCORING)
    return _move(dossier, actor, "assign", round=rnd)


# --- Members score online -------------------------------------------------------------------------


def seated(user, dossier: Dossier) -> bool:
    """The user sits on the council of the round the dossier is in: the only one who scores it."""
    return dossier.round_id is not None and dossier.round.seats.filter(user=user).exists()


def sheet_submit(*, actor, dossier: Dossier, answers: dict) -> ScoreSheet:
    """A council member submits their sheet, once. Concurrent or repeated submissions cannot both land."""
    with transaction.atomic():
        # The round first (as round_close takes it), then the dossier: a sheet lands before the round
        # closes, and is in its results, or after, and is refused.
        round_id = Dossier.objects.filter(pk=dossier.pk).values_list("round_id", flat=True).first()
        rnd = Round.objects.select_for_update().get(pk=round_id) if round_id else None
        d = Dossier.objects.select_for_update(of=("self",)).select_related("round").get(pk=dossier.pk)
        if d.round_id != round_id or not seated(actor, d):  # moved to another round meanwhile: not seen
            _deny()
        _lock_in(d, (State.IN_ROUND,))
        if rnd is not None:
            _round_closed(rnd, _("Đợt đánh giá đã khóa, không nhận phiếu chấm."))
        sheet = load_sheet(d.set_number, d.rubric)
        clean = validate(sheet, answers)
        total = sum(clean.values())
        try:
            with transaction.atomic():
                s = ScoreSheet.objects.create(dossier=d, member=actor, answers=clean, total=round(total, 2))
        except IntegrityError:
            raise OcopError("sheet_exists", _("Bạn đã nộp phiếu chấm cho hồ sơ này.")) from None
        audit_entry(d, actor=actor, action="dossier.sheet", after={"member": actor.username, "total": total})
    return s


def round_results(rnd: Round) -> list[dict]:
    """Per dossier: members' totals, mean, spread, star, quorum — computed from the sheets."""
    rules = CouncilRules(max_spread=float(rnd.max_spread), quorum=float(rnd.quorum))
    seats = list(rnd.seats.all())
    chair_ids = {s.user_id for s in seats if s.chair}
    out = []
    for d in rnd.dossiers.select_related("product", "product__producer").prefetch_related("sheets"):
        sheets = list(d.sheets.all())
        row = {"dossier": d, "sheets": len(sheets), "seats": len(seats), "result": None}
        row["quorum"] = quorum_met(
            len(sheets), len(seats), any(s.member_id in chair_ids for s in sheets), rules
        )
        if sheets:
            r = score(load_sheet(d.set_number, d.rubric), [s.answers for s in sheets], rules)
            row["result"] = r
        out.append(row)
    return out


@transaction.atomic
def round_close(*, actor, rnd: Round) -> list[dict]:
    """Lock the round: store each dossier's council result. Refused while a dossier lacks a quorum."""
    _require_round(actor, rnd)
    # Locked before reading the sheets: a sheet submitted meanwhile waits, then finds the round closed.
    rnd = _round_locked(rnd)
    _round_closed(rnd)
    list(rnd.dossiers.select_for_update().order_by("pk"))  # and the dossiers, whose results are stored
    rows = round_results(rnd)
    lacking = [r["dossier"].public_id for r in rows if not r["quorum"]]
    if lacking:
        raise OcopError(
            "quorum_missing",
            _("Chưa đủ số thành viên chấm (cần %(q)s%% thành viên, có chủ tịch) cho hồ sơ: %(ids)s.")
            % {"q": int(float(rnd.quorum) * 100), "ids": ", ".join(lacking)},
            details=lacking,
        )
    for row in rows:
        r = row["result"]
        data = {
            **r.as_dict(),
            "member_totals": r.member_totals,
            "spread": round(r.spread, 2),
            "spread_exceeded": r.spread_exceeded,
            "level": rnd.level,
        }
        _move(row["dossier"], actor, "scored", result=data)
    _round_move(rnd, Round.Status.CLOSED)
    audit_entry(rnd, actor=actor, action="round.close", after={"dossiers": len(rows)})
    return rows


# --- Decisions and certificates --------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *, actor, dossier: Dossier, number: str, date: datetime.date, certificate_number: str = ""
) -> Dossier:
    """The Chairman's (3★/4★) or the Minister's (5★) decision. A provincial ≥90 result goes to the
    central round instead; below 3★ the product is not recognised."""
    _require(actor, dossier, {Role.PROVINCE, Role.NATIONAL})
    _lock_for(dossier, "recognised", "not_recognised", "forward_central")
    result = dossier.result
    if result.get("spread_exceeded"):
        raise OcopError(
            "spread_exceeded",
            _(
                "Điểm của các thành viên chênh nhau quá mức cho phép: hội đồng cần "
                "thảo luận lại trước khi ra quyết định."
            ),
        )
    star, level = result["star"], result.get("level", Round.Level.PROVINCE)
    if not result["certifiable"]:
        return _move(dossier, actor, "not_recognised", note=f"{number} {date:%d/%m/%Y}")
    if star == 5 and level == Round.Level.PROVINCE:
        return _move(dossier, actor, "forward_central", note=f"{number} {date:%d/%m/%Y}")
    if star == 5 and _role(actor) not in (None, Role.NATIONAL):
        _deny()
    if not number.strip():
        raise OcopError("decision_number_required", _("Cần số quyết định."), field="number")
    certificate_issue(
        actor=actor,
        dossier=dossier,
        star=star,
        decision_number=number,
        decision_date=date,
        number=certificate_number,
    )
    return dossier


@transaction.atomic
def certificate_issue(
    *,
    actor,
    dossier: Dossier,
    star: int,
    decision_number: str,
    decision_date: datetime.date,
    number: str = "",
) -> Certificate:
    """Issue the certificate of a scored dossier (decision_record calls it) and record the star on the
    product. The dossier is locked (_lock_for) before its state is checked; the product before its update."""
    _lock_for(dossier, "recognised")
    product = Product.objects.select_for_update(of=("self",)).get(pk=dossier.product_id)
    number = (
        number.strip() or f"OCOP-{product.commune.province_id:02d}-{decision_date.year}-{dossier.public_id}"
    )
    evaluated = product.product_set
    if evaluated.number != dossier.set_number:
        evaluated = ProductSet.objects.filter(taxonomy__current=True, number=dossier.set_number).first()
    cert = _certificate_create(
        number=number,
        **snapshot_of(product, evaluated),
        product=product,
        dossier=dossier,
        star=star,
        score=dossier.result.get("total"),
        decision_number=decision_number,
        decision_date=decision_date,
        issued_on=decision_date,
        valid_until=add_months(decision_date, VALIDITY_MONTHS),
    )
    before = {"star": product.star, "decision_number": product.decision_number}
    product.star, product.decision_number = star, decision_number
    product.decision_date, product.year = decision_date, decision_date.year
    product.save(update_fields=["star", "decision_number", "decision_date", "year"])
    audit_entry(
        product,
        actor=actor,
        action="product.recognised",
        before=before,
        after={"star": star, "decision_number": decision_number},
    )
    audit_entry(
        cert,
        actor=actor,
        action="certificate.issue",
        after={
            "number": number,
            "star": star,
            "valid_until": cert.valid_until.isoformat(),
            "product_name": cert.product_name,
        },
    )
    _move(dossier, actor, "recognised", note=decision_number)
    return cert


def _certificate_create(*, number: str, **fields) -> Certificate:
    """A certificate under a number not yet used; two writers racing for one number get the same error."""
    taken = OcopError("certificate_number_taken", _("Số giấy chứng nhận «%s» đã dùng.") % number)
    if Certificate.objects.filter(number=number).exists():
        raise taken
    try:
        with transaction.atomic():
            return Certificate.objects.create(number=number, **fields)
    except IntegrityError:
        raise taken from None


@transaction.atomic
def certificate_record(
    *,
    actor,
    product: Product,
    number: str,
    star: int,
    decision_number: str,
    decision_date: datetime.date,
    valid_until: datetime.date | None = None,
) -> Certificate:
    """Register a certificate issued before this system (from a province's records): no dossier."""
    if actor is not None and _role(actor) not in {Role.PROVINCE, Role.NATIONAL}:
        _deny()
    if star not in (3, 4, 5):
        raise OcopError("star_invalid", _("Chỉ sản phẩm 3, 4, 5 sao được cấp giấy chứng nhận."), field="star")
    cert = _certificate_create(
        number=number,
        **snapshot_of(product),
        product=product,
        star=star,
        decision_number=decision_number,
        decision_date=decision_date,
        issued_on=decision_date,
        valid_until=valid_until or add_months(decision_date, VALIDITY_MONTHS),
    )
    audit_entry(
        cert,
        actor=actor,
        action="certificate.record",
        after={
            "number": number,
            "star": star,
            "valid_until": cert.valid_until,
            "product_name": cert.product_name,
        },
    )
    return cert


@transaction.atomic
def certificate_revoke(
    *, actor, certificate: Certificate, ground: str, decision: str, date: datetime.date
) -> Certificate:
    """Revoke a certificate (QĐ 26/2026 Điều 9): once, by the province (3★, 4★) or the Minister (5★)."""
    # Locked and read again: of two revocations at once, the second finds the first one's.
    certificate.refresh_from_db(from_queryset=Certificate.objects.select_for_update())
    if actor is not None:
        role = _role(actor)
        in_scope = Certificate.objects.visible_to(actor).filter(pk=certificate.pk).exists()
        if role not in {Role.PROVINCE, Role.NATIONAL} or not in_scope:
            _deny()
        if certificate.star == 5 and role != Role.NATIONAL:
            _deny()  # 5★ is revoked by the Minister
    if ground not in Certificate.Ground.values:
        raise OcopError(
            "ground_invalid", _("Căn cứ thu hồi phải là một trong a, b, c, d, dd (đ), e."), field="ground"
        )
    decision = bounds.clean(Certificate, "revocation_decision", decision, field="decision")
    if not decision:
        raise OcopError("decision_required", _("Cần số, nội dung quyết định thu hồi."), field="decision")
    if certificate.revoked_on:
        raise OcopError("already_revoked", _("Giấy chứng nhận này đã bị thu hồi."))
    certificate.revoked_on, certificate.revocation_ground, certificate.revocation_decision = (
        date,
        ground,
        decision,
    )
    certificate.save(update_fields=["revoked_on", "revocation_ground", "revocation_decision"])
    audit_entry(
        certificate,
        actor=actor,
        action="certificate.revoke",
        after={"ground": ground, "decision": decision, "date": date.isoformat()},
    )
    return certificate
