"""Demo of the evaluation workflow in Lai Châu: certificates of the seed products, a round with its
council, and dossiers waiting at each desk, so that every role's queue has something to do."""

import datetime

from django.contrib.auth import get_user_model

from ocop.core.errors import OcopError
from ocop.registry import services as registry
from ocop.registry.models import Producer, Product, ProductSet

from . import services
from .models import Dossier, Round
from .rubric import load_sheet

LAI_CHAU = 12
JOURNEY_PRODUCER = "Công ty TNHH Mắc ca Tam Đường"
JOURNEY_PRODUCT = "Nhân mắc ca rang muối Tam Đường"


def load(today: datetime.date | None = None) -> None:
    today = today or datetime.date.today()
    # Certificates for recognised seed products (decision date from their year).
    recognised = Product.objects.filter(star__gte=3, certificates__isnull=True).exclude(decision_number="")
    for p in recognised.select_related("commune"):
        day = p.decision_date or datetime.date(p.year or today.year, 9, 15)
        services.certificate_record(
            actor=None,
            product=p,
            number=f"GCN-{p.code or p.public_id}",
            star=p.star,
            decision_number=p.decision_number,
            decision_date=day,
        )
    if Round.objects.filter(province_id=LAI_CHAU).exists():
        return
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["hoidong", "hoidong2", "hoidong3"])
    }
    chair, m2, m3 = users["hoidong"], users["hoidong2"], users["hoidong3"]
    producer = Producer.objects.get(name=JOURNEY_PRODUCER)
    # The product a producer registers by clicking through the journey (no dossier yet).
    registry.product_create(
        actor=None,
        name=JOURNEY_PRODUCT,
        producer=producer,
        product_set=ProductSet.objects.get(taxonomy__current=True, number=7),
        description="Nhân mắc ca Tam Đường rang muối, đóng hũ 250 g.",
    )
    intake, scoring = services.legal_round_dates(today.year, 2 if today.month > 4 else 1)
    rnd = services.round_create(
        actor=None,
        name=f"Đợt {2 if today.month > 4 else 1} năm {today.year} — Lai Châu",
        province=producer.commune.province,
        intake_deadline=intake,
        scoring_deadline=scoring,
    )
    services.council_set(actor=None, rnd=rnd, members=[m2, m3], chair=chair)
    # An upgrade dossier already in the round: waiting for the members' sheets.
    lai_chau = Product.objects.filter(commune__province_id=LAI_CHAU, star=3).exclude(producer=producer)
    in_round = lai_chau.order_by("id").first()
    _advance(in_round, "upgrade", until="in_round", rnd=rnd)
    # A dossier waiting for the commune officer of Xã Bình Lư, and one for the provincial office.
    waiting = (
        Product.objects.filter(commune_id=producer.commune_id, star=3).exclude(producer=producer).first()
    )
    if waiting:
        _advance(waiting, "reevaluation", until="submitted")
    other = lai_chau.exclude(pk=in_round.pk).order_by("-id").first()
    if other:
        _advance(other, "upgrade", until="review")


def _advance(product: Product, kind: str, *, until: str, rnd: Round | None = None) -> Dossier:
    sheet = load_sheet(product.product_set.number)
    kinds = [kind, *(k for k in ("reevaluation", "upgrade", "first") if k != kind)]
    for k in kinds:  # the kind the product's certificate allows today
        try:
            services.check_kind(product, k)
        except OcopError:
            continue
        kind = k
        break
    d = services.dossier_create(actor=None, product=product, kind=kind)
    answers = {c.code: (c.gate(4) or sorted(c.allowed)[len(c.allowed) // 2]) for c in sheet.criteria}
    services.self_assessment_save(actor=None, dossier=d, answers=answers)
    services.dossier_submit(actor=None, dossier=d)
    if until == "submitted":
        return d
    report = {
        "raw_materials": "Nguyên liệu trồng tại xã",
        "labour": "Lao động địa phương",
        "idea": "Sản phẩm truyền thống của địa phương",
        "identity": "Gắn với văn hóa các dân tộc Lai Châu",
    }
    services.commune_screen(actor=None, dossier=d, forward=True, report=report)
    services.province_intake(actor=None, dossier=d)
    if until == "review":
        return d
    services.round_assign(actor=None, rnd=rnd, dossier=d)
    return d
