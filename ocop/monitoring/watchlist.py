"""The inspection watchlist of a province: producers ranked by what the data says (weights and ranking
in priority.py). A handful of aggregate queries for the whole province, whatever its size."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.evaluation.models import Certificate, reevaluating_products
from ocop.registry.models import Producer, Product
from ocop.traceability.models import Lot, ScanAlert, ScanEvent

from .priority import WEIGHTS, Entry, Signal, rank

REASONS = {
    "copied_stamp": _(
        "Tem nghi bị sao chép (nhiều thiết bị, nhiều tỉnh quét một tem): %(n)s cảnh báo đang mở"
    ),
    "mark_misuse": _(
        "Tem vẫn được quét sau khi giấy chứng nhận hết hiệu lực hoặc bị thu hồi: "
        "%(n)s lượt trong %(days)s ngày"
    ),
    "fake_report": _("Người tiêu dùng báo nghi hàng giả: %(n)s báo cáo chưa xử lý"),
    "scanned_not_activated": _(
        "Tem đến tay người tiêu dùng mà chưa kích hoạt cho lô sản xuất: %(n)s tem bị quét trong %(days)s ngày"
    ),
    "certificate_expired": _("Giấy chứng nhận đã hết hiệu lực, chưa có hồ sơ đánh giá lại"),
    "no_recent_lot": _(
        "Không có lô sản xuất nào trong 12 tháng: có thể không còn sản xuất (căn cứ thu hồi đ)"
    ),
    "reevaluation_window": _("Giấy chứng nhận hết hạn sau %(n)s ngày, chưa nộp hồ sơ đánh giá lại"),
}

LABELS = {
    "copied_stamp": _("Tem nghi bị sao chép"),
    "mark_misuse": _("Tem vẫn được quét sau khi giấy chứng nhận hết hiệu lực hoặc bị thu hồi"),
    "fake_report": _("Người tiêu dùng báo nghi hàng giả"),
    "scanned_not_activated": _("Tem bị quét mà chưa kích hoạt cho lô sản xuất"),
    "certificate_expired": _("Giấy chứng nhận hết hiệu lực, chưa đánh giá lại"),
    "no_recent_lot": _("Không có lô sản xuất trong 12 tháng"),
    "reevaluation_window": _("Sắp hết hạn, chưa nộp hồ sơ đánh giá lại"),
}

SERVICE_SET = 26  # bộ 26: dịch vụ du lịch cộng đồng và điểm du lịch (both the 2026 and earlier lists)


@dataclass
class Reason:
    kind: str
    product: Product
    count: int
    text: str

    @property
    def weight(self) -> int:
        return WEIGHTS[self.kind]


@dataclass
class Line:
    rank: int
    producer: Producer
    score: int
    reasons: list[Reason]


def signals(province_id: int, today: datetime.date) -> list[Signal]:
    days = settings.OCOP_WATCH_SCAN_DAYS
    since = timezone.now() - datetime.timedelta(days=days)
    found: list[Signal] = []

    alerts = (
        ScanAlert.objects.filter(province_id=province_id, status=ScanAlert.Status.OPEN, product__isnull=False)
        .values("product_id", "rule")
        .annotate(n=Count("id"))
    )
    for a in alerts:
        kind = "fake_report" if a["rule"] == ScanAlert.Rule.REPORT else "copied_stamp"
        found.append(Signal(kind, a["product_id"], a["n"]))

    lapsed = Q(reasons__contains="certificate_revoked") | Q(reasons__contains="certificate_expired")
    scans = (
        ScanEvent.objects.filter(province_ref=province_id, scanned_at__gte=since, product_ref__isnull=False)
        .values("product_ref")
        .annotate(
            idle=Count("stamp", distinct=True, filter=Q(reasons__contains="not_activated")),
            misuse=Count("id", filter=lapsed),
        )
        .filter(Q(idle__gt=0) | Q(misuse__gt=0))
    )
    for s in scans:
        if s["idle"]:
            found.append(Signal("scanned_not_activated", s["product_ref"], s["idle"]))
        if s["misuse"]:
            found.append(Signal("mark_misuse", s["product_ref"], s["misuse"]))

    certificates = Certificate.objects.filter(product__commune__province_id=province_id).order_by(
        "product_id", "-valid_until", "-id"
    )
    speaking: dict[int, Certificate] = {}
    first_issued: dict[int, datetime.date] = {}
    for c in certificates:
        speaking.setdefault(c.product_id, c)
        first_issued[c.product_id] = min(c.issued_on, first_issued.get(c.product_id, c.issued_on))
    reevaluating = reevaluating_products(speaking)
    services = set(  # tourism services have no production lots
        Product.objects.filter(pk__in=speaking, product_set__number=SERVICE_SET).values_list("pk", flat=True)
    )
    recent_lots = set(
        Lot.objects.filter(
            product__commune__province_id=province_id, produced__gte=today - datetime.timedelta(days=365)
        ).values_list("product_id", flat=True)
    )
    for pid, cert in speaking.items():
        status = cert.status(today, reevaluating=pid in reevaluating)
        if status == "expired" and pid not in reevaluating:
            found.append(Signal("certificate_expired", pid))
        elif status == "expiring" and pid not in reevaluating:
            found.append(Signal("reevaluation_window", pid, (cert.valid_until - today).days))
        if (
            status in ("valid", "expiring", "grace")
            and first_issued[pid] <= today - datetime.timedelta(days=365)
            and pid not in recent_lots
            and pid not in services
        ):
            found.append(Signal("no_recent_lot", pid))
    return found


def watchlist(province_id: int, today: datetime.date | None = None) -> list[Line]:
    """The province's producers worth inspecting, highest priority first, each with its reasons."""
    today = today or timezone.localdate()
    found = signals(province_id, today)
    products = Product.objects.filter(
        pk__in={s.product_id for s in found}, commune__province_id=province_id
    ).select_related("commune")
    by_id = {p.pk: p for p in products}
    found = [s for s in found if s.product_id in by_id]  # a scan row may name a product since removed
    producers = {
        p.pk: p
        for p in Producer.objects.filter(pk__in={p.producer_id for p in by_id.values()}).select_related(
            "commune"
        )
    }
    entries: list[Entry] = rank(
        found, {pid: p.producer_id for pid, p in by_id.items()}, {k: p.name for k, p in producers.items()}
    )
    days = settings.OCOP_WATCH_SCAN_DAYS
    return [
        Line(
            rank=i,
            producer=producers[e.producer_id],
            score=e.score,
            reasons=[
                Reason(
                    s.kind,
                    by_id[s.product_id],
                    s.count,
                    str(REASONS[s.kind]) % {"n": s.count, "days": days},
                )
                for s in e.signals
            ],
        )
        for i, e in enumerate(entries, start=1)
    ]


def as_json(lines: list[Line]) -> list[dict]:
    return [
        {
            "rank": line.rank,
            "producer": {"id": line.producer.public_id, "name": line.producer.name},
            "score": line.score,
            "reasons": [
                {
                    "kind": r.kind,
                    "weight": r.weight,
                    "count": r.count,
                    "product": {"id": r.product.public_id, "code": r.product.code, "name": r.product.name},
                    "message": r.text,
                }
                for r in line.reasons
            ],
        }
        for line in lines
    ]
