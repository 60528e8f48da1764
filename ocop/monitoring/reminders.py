"""The daily reminder job: re-evaluation window opening (180 days before expiry) and closing (120 days),
remediation deadlines, council scoring deadlines, the commune's screening deadline (15 working days,
computed at submission with ocop.core.workdays and OCOP_HOLIDAYS), and re-stamping when a stamp key is
retired (OCOP_STAMP_KEYS_RETIRED; see ocop/traceability/stampkeys.py). Idempotent: a reminder is one row per
(user, kind, key), created once whatever the number of runs, and mailed once; a mail that fails is
retried on the next run."""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.evaluation.models import Certificate, Dossier, Round, ScoreSheet, State, reevaluating_products
from ocop.traceability import services as stamps
from ocop.traceability.models import StampBatch

from .models import Finding, Reminder

log = logging.getLogger(__name__)
WINDOW_OPENS = 180  # days before expiry
WINDOW_CLOSES = 120
CLOSING_NOTICE = 14  # days before the window closes
SOON = 3  # days before a remediation, council or screening deadline


@dataclass(frozen=True)
class Due:
    users: tuple[int, ...]
    kind: str
    key: str
    due: datetime.date
    message: str
    link: str


@dataclass
class Result:
    created: int = 0
    emailed: int = 0
    failed: int = 0


def _users_by(role: str, scope: str, ids: Iterable[int]) -> dict[int, list[int]]:
    """Active users of `role` grouped by their profile's `scope` (province_id, producer_id, commune_id)."""
    users: dict[int, list[int]] = {}
    for uid, key in (
        get_user_model()
        .objects.filter(is_active=True, profile__role=role, **{f"profile__{scope}__in": set(ids)})
        .values_list("pk", f"profile__{scope}")
    ):
        users.setdefault(key, []).append(uid)
    return users


def _office(province_ids: Iterable[int]) -> dict[int, list[int]]:
    """Province code → ids of the province OCOP office's users."""
    return _users_by(Role.PROVINCE, "province_id", province_ids)


def _producer_users(producer_ids: Iterable[int]) -> dict[int, list[int]]:
    return _users_by(Role.PRODUCER, "producer_id", producer_ids)


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _certificates(today: datetime.date) -> list[Due]:
    latest = today + datetime.timedelta(days=WINDOW_OPENS)
    earliest = today + datetime.timedelta(days=WINDOW_CLOSES)
    certs = list(
        Certificate.objects.filter(revoked_on=None, valid_until__gte=earliest, valid_until__lte=latest)
        .select_related("product__commune")
        .order_by("valid_until")
    )
    busy = reevaluating_products([c.product_id for c in certs])
    certs = [c for c in certs if c.product_id not in busy]
    office = _office(c.product.commune.province_id for c in certs)
    producers = _producer_users(c.product.producer_id for c in certs)
    out = []
    for c in certs:
        users = tuple(
            producers.get(c.product.producer_id, []) + office.get(c.product.commune.province_id, [])
        )
        closes = c.valid_until - datetime.timedelta(days=WINDOW_CLOSES)
        link = reverse("registry:product_detail", args=[c.product.public_id])
        values = {"product": c.product.name, "until": _d(c.valid_until), "closes": _d(closes)}
        out.append(
            Due(
                users,
                Reminder.Kind.WINDOW_OPENS,
                f"cert:{c.public_id}:opens",
                closes,
                _(
                    "Giấy chứng nhận OCOP của «%(product)s» hết hạn ngày %(until)s: đã mở thời hạn nộp hồ sơ "
                    "đánh giá lại, chậm nhất ngày %(closes)s."
                )
                % values,
                link,
            )
        )
        if (closes - today).days <= CLOSING_NOTICE:
            out.append(
                Due(
                    users,
                    Reminder.Kind.WINDOW_CLOSES,
                    f"cert:{c.public_id}:closes",
                    closes,
                    _(
                        "Còn %(days)s ngày để nộp hồ sơ đánh giá lại «%(product)s» (hạn %(closes)s); giấy "
                        "chứng nhận hết hạn ngày %(until)s."
                    )
                    % {**values, "days": (closes - today).days},
                    link,
                )
            )
    return out


def _findings(today: datetime.date) -> list[Due]:
    findings = list(
        Finding.objects.filter(
            status=Finding.Status.OPEN, due__lte=today + datetime.timedelta(days=SOON)
        ).select_related("product", "inspection__campaign", "inspection")
    )
    office = _office(f.inspection.campaign.province_id for f in findings)
    producers = _producer_users(f.inspection.producer_id for f in findings)
    out = []
    for f in findings:
        link = reverse("monitoring:finding", args=[f.public_id])
        values = {"product": f.product.name, "due": _d(f.due)}
        if today > f.due:
            inspector = [f.inspection.inspector_id] if f.inspection.inspector_id else []
            users = tuple(dict.fromkeys(office.get(f.inspection.campaign.province_id, []) + inspector))
            text = (
                _("Quá hạn khắc phục (%(due)s) ở «%(product)s»: kiểm tra lại hoặc đề nghị thu hồi.") % values
            )
            out.append(
                Due(users, Reminder.Kind.REMEDIATION, f"finding:{f.public_id}:overdue", f.due, text, link)
            )
        else:
            users = tuple(producers.get(f.inspection.producer_id, []))
            text = _("Hạn khắc phục ở «%(product)s» là ngày %(due)s.") % values
            out.append(
                Due(users, Reminder.Kind.REMEDIATION, f"finding:{f.public_id}:soon", f.due, text, link)
            )
    return out


def _councils(today: datetime.date) -> list[Due]:
    rounds = list(
        Round.objects.exclude(status=Round.Status.CLOSED).filter(
            scoring_deadline__lte=today + datetime.timedelta(days=SOON)
        )
    )
    out = []
    for rnd in rounds:
        assigned = set(Dossier.objects.filter(round=rnd).values_list("pk", flat=True))
        done = set(ScoreSheet.objects.filter(dossier__round=rnd).values_list("member_id", "dossier_id"))
        for uid in rnd.seats.values_list("user_id", flat=True):
            left = sum(1 for d in assigned if (uid, d) not in done)
            if not left:
                continue
            out.append(
                Due(
                    (uid,),
                    Reminder.Kind.COUNCIL,
                    f"round:{rnd.public_id}:{'late' if today > rnd.scoring_deadline else 'soon'}",
                    rnd.scoring_deadline,
                    _("Đợt «%(round)s»: còn %(n)s hồ sơ chưa chấm, hạn %(due)s.")
                    % {"round": rnd.name, "n": left, "due": _d(rnd.scoring_deadline)},
                    reverse("evaluation:round_detail", args=[rnd.public_id]),
                )
            )
    return out


def _screening(today: datetime.date) -> list[Due]:
    dossiers = list(
        Dossier.objects.filter(
            state=State.SUBMITTED, commune_due__lte=today + datetime.timedelta(days=SOON)
        ).select_related("product")
    )
    communes = _users_by(Role.COMMUNE, "commune_id", (d.product.commune_id for d in dossiers))
    return [
        Due(
            tuple(communes.get(d.product.commune_id, [])),
            Reminder.Kind.SCREENING,
            f"dossier:{d.public_id}:{'late' if today > d.commune_due else 'soon'}",
            d.commune_due,
            _("Hồ sơ «%(product)s» cần xã rà soát trước ngày %(due)s (15 ngày làm việc).")
            % {"product": d.product.name, "due": _d(d.commune_due)},
            reverse("evaluation:dossier_detail", args=[d.public_id]),
        )
        for d in dossiers
    ]


def _restamp(today: datetime.date) -> list[Due]:
    """A retired key's stamps read «Cần lưu ý»: its producers (and their province's office) are told once
    per product and key to issue new stamps and replace the old ones."""
    retired = stamps.retired_key_ids()
    if not retired:
        return []
    batches: dict[tuple[str, int], list[StampBatch]] = {}
    for b in (
        StampBatch.objects.filter(key_id__in=retired)
        .select_related("product__commune")
        .order_by("product_id", "start")
    ):
        batches.setdefault((b.key_id, b.product_id), []).append(b)
    products = [group[0].product for group in batches.values()]
    office = _office(p.commune.province_id for p in products)
    producers = _producer_users(p.producer_id for p in products)
    link = reverse("traceability:batch_list")
    out = []
    for (key_id, _product_id), group in batches.items():
        product = group[0].product
        ids = ", ".join(b.public_id for b in group[:5]) + (", …" if len(group) > 5 else "")
        out.append(
            Due(
                tuple(producers.get(product.producer_id, []) + office.get(product.commune.province_id, [])),
                Reminder.Kind.RESTAMP,
                f"restamp:{key_id}:{product.public_id}",
                today,
                _(
                    "Tem OCOP của «%(product)s» thuộc %(n)s đợt phát hành bằng khóa bảo mật đã ngừng sử dụng "
                    "(%(batches)s): người mua quét sẽ thấy «Cần lưu ý». Hãy phát hành đợt tem mới, dán thay "
                    "tem cũ trên hàng còn lưu thông và không dùng tiếp tem chưa dán của các đợt này."
                )
                % {"product": product.name, "n": len(group), "batches": ids},
                link,
            )
        )
    return out


def due_items(today: datetime.date) -> list[Due]:
    return _certificates(today) + _findings(today) + _councils(today) + _screening(today) + _restamp(today)


def run(today: datetime.date | None = None, *, mail: bool = True) -> Result:
    """Create the reminders due today (once each) and mail those not mailed yet."""
    today = today or timezone.localdate()
    result = Result()
    for item in due_items(today):
        for uid in item.users:
            try:
                with transaction.atomic():
                    created = Reminder.objects.get_or_create(
                        user_id=uid,
                        kind=item.kind,
                        key=item.key,
                        defaults={"due": item.due, "message": item.message, "link": item.link},
                    )[1]
            except IntegrityError:  # another run created it at the same moment
                created = False
            result.created += created
    if mail:
        pending = Reminder.objects.filter(emailed_at=None).exclude(user__email="").select_related("user")
        for reminder in pending:
            try:
                send_mail(
                    _("[OCOP] %s") % reminder.get_kind_display(),
                    f"{reminder.message}\n\n{settings.OCOP_PUBLIC_URL.rstrip('/')}{reminder.link}",
                    None,
                    [reminder.user.email],
                )
            except OSError:  # the mail server is down or refuses (SMTPException): keep it for the next run
                log.exception("reminder mail %s failed", reminder.pk)
                result.failed += 1
                continue
            Reminder.objects.filter(pk=reminder.pk).update(emailed_at=timezone.now())
            result.emailed += 1
    return result
