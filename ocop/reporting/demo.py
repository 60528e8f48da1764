"""Demo data for the dashboards, through the same services as the pages: re-evaluations and upgrades of
products recognised before mid-2023 (so the yearly chart shows all three kinds), who leads the producers,
targets for Lai Châu and the country, and yearly outcomes reported by producers of the Tây Bắc provinces."""

import datetime
import random

from django.db.models import Min

from ocop.catalogue import listings
from ocop.core.workdays import add_months
from ocop.evaluation.models import Certificate
from ocop.evaluation.services import certificate_record
from ocop.geo.models import Province
from ocop.registry.models import Producer
from ocop.registry.signals import products_changed

from . import services
from .models import Measure, Recognition, Target

LAI_CHAU = 12
TAY_BAC = {11, 12, 14}  # Điện Biên, Lai Châu, Sơn La: many producers led by ethnic minority people


def load(today: datetime.date | None = None) -> None:
    today = today or datetime.date.today()
    if Target.objects.exists():
        return
    rng = random.Random(7)
    with listings.deferred():  # the catalogue rows and the facts rebuilt once
        _leaders(rng)
        _reevaluations(rng, today)
    _targets(today)
    _outcomes(rng, today)


def _leaders(rng: random.Random) -> None:
    """Women lead about a third of producers; ethnic minority people most of those in Tây Bắc."""
    female, ethnic = [], []
    for pk, province in Producer.objects.values_list("pk", "commune__province_id").order_by("pk"):
        if rng.random() < 0.33:
            female.append(pk)
        if rng.random() < (0.6 if province in TAY_BAC else 0.08):
            ethnic.append(pk)
    Producer.objects.filter(pk__in=female).update(rep_female=True)
    Producer.objects.filter(pk__in=ethnic).update(rep_ethnic_minority=True)
    products_changed.send(
        sender=Producer,
        product_ids=list(Producer.objects.filter(pk__in=female + ethnic).values_list("products", flat=True)),
    )


def _reevaluations(rng: random.Random, today: datetime.date) -> None:
    """Two in five products recognised before mid-2023 were re-evaluated near the end of their 36 months,
    one in six of those a star higher."""
    old = Certificate.objects.filter(decision_date__lt=datetime.date(2023, 7, 1), revoked_on__isnull=True)
    for cert in old.select_related("product").order_by("pk"):
        if Certificate.objects.filter(product=cert.product_id).count() > 1 or rng.random() > 0.4:
            continue
        day = add_months(cert.decision_date, 35)
        if day > today:
            continue
        star = cert.star + 1 if cert.star < 5 and rng.random() < 0.17 else cert.star
        certificate_record(
            actor=None,
            product=cert.product,
            number=f"GCN-R-{cert.product.public_id}",
            star=star,
            decision_number=f"{rng.randint(100, 4999)}/QĐ-UBND",
            decision_date=day,
        )


def _targets(today: datetime.date) -> None:
    lai_chau = Province.objects.get(pk=LAI_CHAU)
    plan = "Kế hoạch thực hiện Chương trình OCOP tỉnh Lai Châu"
    for year, measure, value in [
        (today.year, Measure.IN_FORCE, 12),
        (today.year, Measure.RECOGNISED, 5),
        (today.year, Measure.FOUR_STAR, 4),
        (today.year, Measure.COMMUNES, 12),
        (today.year - 1, Measure.IN_FORCE, 10),
    ]:
        services.target_save(
            actor=None, province=lai_chau, year=year, measure=measure, value=value, source=plan
        )
    services.target_save(
        actor=None,
        province=None,
        year=today.year,
        measure=Measure.IN_FORCE,
        value=round(Recognition.objects.filter(ends_on__gte=today).count() * 1.1) or 1,
        source="Chương trình OCOP giai đoạn 2026–2030 (minh hoạ)",
    )


def _outcomes(rng: random.Random, today: datetime.date) -> None:
    """Producers of Tây Bắc report every year from the year before their first recognition: revenue grows by
    0–35 % a year, jobs slowly."""
    firsts = (
        Recognition.objects.filter(province_id__in=TAY_BAC, year__isnull=False)
        .values("producer_id")
        .annotate(first=Min("year"))
        .order_by("producer_id")
    )
    producers = Producer.objects.in_bulk([r["producer_id"] for r in firsts])
    for r in firsts:
        producer = producers[r["producer_id"]]
        revenue, jobs = rng.randint(300, 6000), rng.randint(3, 40)
        for year in range(r["first"] - 1, today.year):
            services.outcome_save(
                actor=None,
                producer=producer,
                year=year,
                revenue=revenue,
                jobs=jobs,
                avg_income=round(rng.uniform(4.5, 9.5), 1),
            )
            revenue = round(revenue * rng.uniform(1.0, 1.35))
            jobs += rng.randint(0, 3)
