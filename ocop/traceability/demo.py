"""Demo traceability data in Lai Châu: lots with their story, stamp batches (activated, idle, and on a
product whose certificate was revoked), a few scans that look like a copied stamp."""

import datetime

from django.db import transaction
from django.utils import timezone

from ocop.evaluation import services as evaluation
from ocop.evaluation.models import Certificate
from ocop.registry.gtin import check_digit
from ocop.registry.models import Product

from . import services
from .links import path_of
from .models import StampBatch, TraceEvent

MACADAMIA = "Hạt mắc ca khô Tam Đường"  # the demo producer's (chuthe) product


def _gtin(body: str) -> str:
    return body + str(check_digit(body))


@transaction.atomic
def load(today: datetime.date | None = None) -> dict[str, str]:
    """Idempotent. Returns sample scan URLs: genuine, not activated, revoked certificate, short link."""
    today = today or timezone.localdate()
    mac = Product.objects.filter(commune__province_id=12, name=MACADAMIA).first()
    others = list(
        Product.objects.filter(commune__province_id=12, star__gte=3)
        .exclude(pk=getattr(mac, "pk", None))
        .order_by("name")[:2]
    )
    if mac is None or len(others) < 2:
        return {}
    if not StampBatch.objects.exists():
        _build(mac, others[0], others[1], today)
    mac_batch, short, revoked = StampBatch.objects.order_by("id")[:3]
    urls = list(services.batch_urls(mac_batch, 200))
    return {
        "genuine": urls[1],
        "not_activated": urls[150],
        "revoked": next(services.batch_urls(revoked, 1)),
        "short": next(services.batch_urls(short, 1)),
    }


def _ensure_certificate(product: Product, today: datetime.date) -> None:
    """The demo assumes products whose recorded certificate ran out were re-evaluated this year."""
    cert = Certificate.objects.speaking_for(product)
    if cert is None or cert.status(today) not in services.LIVE_STATUSES:
        evaluation.certificate_record(
            actor=None,
            product=product,
            number=f"GCN-{product.code or product.public_id}-R",
            star=product.star or 3,
            decision_number="QĐ 1520/QĐ-UBND",
            decision_date=today - datetime.timedelta(days=60),
        )


def _build(mac: Product, banana: Product, pepper: Product, today: datetime.date) -> None:
    for product in (mac, banana, pepper):
        _ensure_certificate(product, today)
    for product, body in ((mac, "893612030001"), (pepper, "893612030002"), (banana, "")):
        product.gtin = _gtin(body) if body else ""
        product.refresh_search()
        product.save(update_fields=["gtin", "search_folded"])

    batch = services.stamps_issue(actor=None, product=mac, count=200)
    produced = today - datetime.timedelta(days=20)
    services.stamps_activate(
        actor=None,
        batch=batch,
        lot_code="MC2611A",
        produced=produced,
        expires=produced + datetime.timedelta(days=365),
        first=1,
        last=120,
    )
    lot = batch.activations.get().lot
    lot.quantity = 120
    lot.save(update_fields=["quantity"])
    story = [
        (
            TraceEvent.Kind.RAW,
            35,
            "Vườn mắc ca bản Bình Lư, xã Bình Lư",
            "Tổ thu hái HTX bản Bình Lư",
            "Thu hái quả mắc ca chín, tách vỏ xanh trong ngày.",
        ),
        (
            TraceEvent.Kind.PROCESSING,
            28,
            "Xưởng sấy Công ty TNHH Mắc ca Tam Đường",
            "Tổ sấy của công ty",
            "Sấy 3 ngày ở 40–55 °C đến độ ẩm dưới 1,5 %.",
        ),
        (
            TraceEvent.Kind.TESTING,
            24,
            "Trung tâm Kiểm nghiệm Lai Châu",
            "Trung tâm Kiểm nghiệm",
            "Đạt chỉ tiêu an toàn thực phẩm (aflatoxin, vi sinh).",
        ),
        (
            TraceEvent.Kind.PACKING,
            21,
            "Xưởng đóng gói của công ty",
            "Tổ đóng gói",
            "Túi 500 g, hút chân không.",
        ),
        (TraceEvent.Kind.SHIPPING, 15, "Điểm bán OCOP thành phố Lai Châu", "Xe của công ty", "Giao 60 túi."),
    ]
    for kind, days_ago, place, who, note in story:
        services.trace_event_add(
            actor=None,
            lot=lot,
            kind=kind,
            occurred_on=today - datetime.timedelta(days=days_ago),
            place=place,
            actor_name=who,
            note=note,
        )

    b2 = services.stamps_issue(actor=None, product=banana, count=50)
    services.stamps_activate(
        actor=None,
        batch=b2,
        lot_code="CS2610",
        produced=today - datetime.timedelta(days=40),
        expires=today + datetime.timedelta(days=140),
    )
    b3 = services.stamps_issue(actor=None, product=pepper, count=50)
    services.stamps_activate(
        actor=None, batch=b3, lot_code="MK2609", produced=today - datetime.timedelta(days=70)
    )
    evaluation.certificate_revoke(
        actor=None,
        certificate=Certificate.objects.speaking_for(pepper),
        ground="b",
        decision="QĐ 2210/QĐ-UBND (thu hồi)",
        date=today - datetime.timedelta(days=10),
    )
    # Stamp 7 of the macadamia batch turns up on three phones in two provinces within a day: a copied stamp.
    path = path_of(list(services.batch_urls(batch, 7))[6])
    now = timezone.now()
    for k, address in enumerate(["10.0.0.1", "10.0.1.2", "10.0.2.3"]):  # three networks
        services.scan(
            path, address=address, device=f"demo-phone-{k}", now=now - datetime.timedelta(hours=5 - k)
        )
    # Consumers scan stamps of the idle range (never activated) and stamps of the revoked product still on
    # shelves: both show on the province's inspection watchlist.
    for k, number in enumerate((150, 151, 152)):
        idle = path_of(list(services.batch_urls(batch, number))[number - 1])
        services.scan(idle, address=f"10.0.1.{k}", now=now - datetime.timedelta(days=k + 1))
    for k, url in enumerate(services.batch_urls(b3, 2)):
        services.scan(path_of(url), address=f"10.0.2.{k}", now=now - datetime.timedelta(days=2))
