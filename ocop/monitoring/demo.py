"""Demo monitoring data in Lai Châu, through the same services as the pages: a campaign built from the
watchlist, one visit with its checklist, an overdue finding ready to escalate, an open finding for the demo
producer (chuthe), two sales points (one checked this half-year, one not), and today's reminders."""

import datetime
import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from ocop.evaluation.models import Certificate
from ocop.geo.models import Commune
from ocop.traceability.demo import MACADAMIA

from . import checklist, effectiveness, reminders, services
from .models import Campaign
from .watchlist import watchlist

LAI_CHAU = 12


def _photo(text: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (480, 360), (236, 240, 230))
    ImageDraw.Draw(image).text((20, 170), text, fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return SimpleUploadedFile("anh-hien-truong.jpg", out.getvalue(), content_type="image/jpeg")


@transaction.atomic
def load(today: datetime.date | None = None) -> bool:
    """Idempotent: does nothing once a campaign exists. False when the demo registry is not there."""
    if Campaign.objects.exists():
        return True
    today = today or timezone.localdate()
    users = get_user_model().objects.in_bulk(["laichau", "thanhtra"], field_name="username")
    office, inspector = users.get("laichau"), users.get("thanhtra")
    live = (
        Certificate.objects.filter(
            product__commune__province_id=LAI_CHAU, revoked_on=None, valid_until__gte=today
        )
        .select_related("product__producer")
        .order_by("product__name")
    )
    mac = live.filter(product__name=MACADAMIA).first()
    if office is None or inspector is None or mac is None:
        return False
    other = live.exclude(product__producer_id=mac.product.producer_id).first()
    if other is None:
        return False
    ranked = [line.producer for line in watchlist(LAI_CHAU)[:3]]
    producers = list(dict.fromkeys([mac.product.producer, other.product.producer, *ranked]))
    started = today - datetime.timedelta(days=40)
    campaign = services.campaign_create(
        actor=office,
        province_id=LAI_CHAU,
        name="Kiểm tra sau công nhận 6 tháng cuối năm",
        kind="scheduled",
        starts_on=started,
        ends_on=today + datetime.timedelta(days=30),
        team="Sở Nông nghiệp và Môi trường (chủ trì), Sở Công Thương, Sở Y tế, Sở Khoa học và Công nghệ",
        producers=producers,
    )
    visits = {v.producer_id: v for v in campaign.inspections.all()}
    # An overdue finding on another producer's product: remediation asked 30 days ago, follow-up not fixed.
    visit = visits[other.product.producer_id]
    answers = {item.key: "ok" for item in checklist.ITEMS} | {"packaging_registered": "issue"}
    services.inspection_record(actor=inspector, inspection=visit, visited_on=started, answers=answers)
    overdue = services.finding_record(
        actor=inspector,
        inspection=visit,
        product=other.product,
        item="packaging_registered",
        severity="major",
        note="Tem OCOP dán trên túi nilon không nhãn, khác hộp giấy đã đăng ký khi đánh giá.",
        remediation="Chỉ dán tem trên bao bì đã đăng ký; thu hồi hàng đóng túi không nhãn tại các điểm bán.",
        due=started + datetime.timedelta(days=15),
        photos=[_photo("Tem tren tui nilon khong nhan")],
        today=started,
    )
    services.finding_followup(
        actor=inspector,
        finding=overdue,
        visited_on=today - datetime.timedelta(days=10),
        fixed=False,
        note="Vẫn bán hàng đóng túi nilon có dán tem OCOP tại chợ trung tâm.",
    )
    # An open finding for the demo producer (chuthe sees it and can report the fix).
    visit = visits[mac.product.producer_id]
    answers = {item.key: "ok" for item in checklist.ITEMS} | {"process_posted": "issue"}
    services.inspection_record(actor=inspector, inspection=visit, visited_on=today, answers=answers)
    services.finding_record(
        actor=inspector,
        inspection=visit,
        product=mac.product,
        item="process_posted",
        severity="minor",
        note="Quy trình sơ chế, sấy hạt chưa niêm yết tại xưởng.",
        remediation="Niêm yết quy trình sản xuất tại khu sơ chế và khu sấy.",
        photos=[_photo("Xuong say chua niem yet quy trinh")],
    )
    communes = list(Commune.objects.filter(province_id=LAI_CHAU).order_by("name")[:2])
    products = [c.product for c in live[:6]]
    centre = services.sales_point_save(
        actor=office,
        products=products,
        name="Trung tâm giới thiệu sản phẩm OCOP tỉnh Lai Châu",
        commune=communes[0],
        address="Đại lộ Lê Lợi",
        operator="Trung tâm Xúc tiến đầu tư, thương mại và du lịch",
        phone="0213 3876 555",
        lat=Decimal("22.39620"),
        lon=Decimal("103.45810"),
    )
    market = services.sales_point_save(
        actor=office,
        products=products[:3],
        name="Điểm OCOP chợ trung tâm Tam Đường",
        commune=communes[-1],
        operator="HTX Dịch vụ thương mại Tam Đường",
        lat=Decimal("22.34960"),
        lon=Decimal("103.61240"),
    )
    half_ago = today - datetime.timedelta(days=190)
    for point, day, level in ((centre, half_ago, 3), (centre, today, 4), (market, half_ago, 1)):
        services.sales_point_check(
            actor=inspector,
            sales_point=point,
            checked_on=day,
            levels={p.key: level for p in effectiveness.PARTS},
            products_seen=len(products) if point is centre else 2,
            note="" if level > 1 else "Ít hàng, không có sổ bán hàng.",
        )
    reminders.run(today, mail=False)
    return True
