"""Demo catalogue data through the same services as the pages: the Điện Biên honey of the seeds (the journey
of issue 6: search "mat ong", filter Điện Biên and 4★, open it, follow a sales point) with photos, shop links,
a price, a re-evaluation certificate and a sales point; photos for a few more products; two fairs."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from ocop.evaluation.services import certificate_record
from ocop.geo.models import Commune
from ocop.monitoring import services as monitoring
from ocop.registry import services as registry
from ocop.registry.models import Product

from . import services
from .models import Fair, Listing

HONEY, HONEY_PRODUCER = "Mật ong hoa ban", "HTX Ong mật Điện Biên"
DIEN_BIEN = 11
FONT = Path(__file__).resolve().parent.parent / "core" / "fonts" / "DejaVuSans-Bold.ttf"
COLOURS = [(214, 150, 30), (96, 140, 62), (170, 84, 50), (60, 110, 150), (140, 90, 140), (200, 120, 60)]


def shot(text: str, colour: tuple[int, int, int], size=(1200, 900)) -> bytes:
    """A plain product card: a coloured field, a lighter disc, the name. Stands in for a real photo."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    w, h = size
    light = tuple(min(255, c + 60) for c in colour)
    draw.ellipse((w * 0.25, h * 0.12, w * 0.75, h * 0.78), fill=light)
    font = ImageFont.truetype(str(FONT), 64)
    box = draw.textbbox((0, 0), text, font=font)
    draw.text(((w - (box[2] - box[0])) / 2, h * 0.84), text, font=font, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


@transaction.atomic
def load(today: datetime.date | None = None) -> bool:
    today = today or datetime.date.today()
    if Fair.objects.exists():
        return False
    admin = get_user_model().objects.get(username="quantri")
    honey = Product.objects.get(name=HONEY, producer__name=HONEY_PRODUCER)
    # The seeds recognised it in 2022; its re-evaluation in 2025 kept 4★ (a new 36-month certificate).
    certificate_record(
        actor=None,
        product=honey,
        number="GCN-11-2025-0012",
        star=4,
        decision_number="1520/QĐ-UBND",
        decision_date=datetime.date(2025, 8, 20),
    )
    registry.product_update(actor=None, product=honey, price=185000, package="Chai 500 ml")
    registry.photo_add(actor=None, product=honey, data=shot(HONEY, COLOURS[0]), caption="Chai 500 ml")
    registry.photo_add(actor=None, product=honey, data=shot("Mùa hoa ban", COLOURS[1]), caption="Mùa hoa ban")
    for platform, url in (
        ("postmart", "https://postmart.vn/mat-ong-hoa-ban-dien-bien"),
        ("voso", "https://voso.vn/mat-ong-hoa-ban-htx-ong-mat-dien-bien"),
        ("shopee", "https://shopee.vn/mat-ong-hoa-ban-dien-bien"),
    ):
        registry.ecommerce_link_save(
            actor=None,
            product=honey,
            platform=platform,
            url=url,
            last_checked=today - datetime.timedelta(days=9),
        )
    live = list(
        Listing.objects.filter(listed_until__gte=today)
        .order_by("province_id", "-star", "name")
        .select_related("product")
    )
    for n, listing in enumerate(
        [x for x in live if x.product_id != honey.pk][:: max(1, len(live) // 12)][:12]
    ):
        registry.photo_add(
            actor=None, product=listing.product, data=shot(listing.name[:28], COLOURS[n % len(COLOURS)])
        )
    dien_bien = [x.product for x in live if x.province_id == DIEN_BIEN] + [honey]
    city = Commune.objects.get(province_id=DIEN_BIEN, name="Phường Điện Biên Phủ")
    monitoring.sales_point_save(
        actor=admin,
        products=list({p.pk: p for p in dien_bien}.values()),
        name="Trung tâm giới thiệu sản phẩm OCOP tỉnh Điện Biên",
        commune=city,
        address="Số 6 đường Võ Nguyên Giáp",
        operator="Trung tâm Xúc tiến đầu tư, thương mại, du lịch tỉnh Điện Biên",
        phone="0215 3825 899",
        lat=Decimal("21.38560"),
        lon=Decimal("103.01690"),
    )
    monitoring.sales_point_save(
        actor=admin,
        products=[honey],
        name="Gian hàng OCOP Cảng hàng không Điện Biên Phủ",
        commune=city,
        address="Cảng hàng không Điện Biên Phủ",
        operator="HTX Ong mật Điện Biên",
        lat=Decimal("21.39740"),
        lon=Decimal("103.00780"),
    )
    northwest = {honey.pk, *[x.pk for x in live if x.province_id in (11, 12, 14, 15)][:40]}
    fair = services.fair_save(
        actor=None,
        name="Hội chợ sản phẩm OCOP và đặc sản vùng Tây Bắc 2026",
        kind=Fair.Kind.FAIR,
        province=city.province,
        venue="Quảng trường 7/5, phường Điện Biên Phủ",
        lat=Decimal("21.38650"),
        lon=Decimal("103.02010"),
        starts_on=today + datetime.timedelta(days=12),
        ends_on=today + datetime.timedelta(days=17),
        organiser="Sở Công Thương tỉnh Điện Biên",
        description="Gian hàng của các chủ thể OCOP bốn tỉnh Tây Bắc: mật ong, chè, gạo, dược liệu.",
    )
    services.fair_products(actor=None, fair=fair, add=sorted(northwest))
    past = services.fair_save(
        actor=None,
        name="Tuần hàng OCOP Lai Châu tại Hà Nội",
        kind=Fair.Kind.WEEK,
        province=Commune.objects.filter(province_id=1).first().province,
        venue="Phố đi bộ Hồ Gươm",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today - datetime.timedelta(days=56),
        organiser="Sở Công Thương tỉnh Lai Châu",
    )
    services.fair_products(actor=None, fair=past, add=[x.pk for x in live if x.province_id == 12][:15])
    return True
