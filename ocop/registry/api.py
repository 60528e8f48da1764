"""Registry endpoints. Every list goes through visible_to(); every write through a service."""

import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from ocop.core.audit import history
from ocop.geo.models import Commune

from . import services
from .models import Producer, ProducerType, Product, ProductSet

router = Router(tags=["Chủ thể và sản phẩm"])


class ProducerOut(Schema):
    id: str = Field(alias="public_id")
    name: str
    type: str
    tax_code: str
    legal_rep: str
    rep_female: bool
    rep_ethnic_minority: bool
    rep_disabled: bool
    commune_code: int = Field(alias="commune_id")
    address_detail: str
    phone: str
    email: str


class ProducerIn(Schema):
    name: str = Field(max_length=255)
    type: ProducerType
    commune_code: int
    tax_code: str = Field("", max_length=20)
    legal_rep: str = Field("", max_length=150)
    rep_female: bool = False
    rep_ethnic_minority: bool = False
    rep_disabled: bool = False
    address_detail: str = Field("", max_length=255)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)


class ProducerPatch(Schema):
    name: str | None = Field(None, max_length=255)
    type: ProducerType | None = None
    commune_code: int | None = None
    tax_code: str | None = Field(None, max_length=20)
    legal_rep: str | None = Field(None, max_length=150)
    rep_female: bool | None = None
    rep_ethnic_minority: bool | None = None
    rep_disabled: bool | None = None
    address_detail: str | None = Field(None, max_length=255)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)


class ProductOut(Schema):
    id: str = Field(alias="public_id")
    code: str | None
    name: str
    product_set: int = Field(alias="product_set.number")
    producer_id: str = Field(alias="producer.public_id")
    producer_name: str = Field(alias="producer.name")
    commune_code: int = Field(alias="commune_id")
    province_code: int = Field(alias="commune.province_id")
    gtin: str
    star: int | None
    decision_number: str
    decision_date: datetime.date | None
    year: int | None
    description: str


# The service checks the year (services.recognition_year_ok), the same rule as the form and the import; the
# star, decision and year are refused (403 recognition_forbidden) to a producer or a commune officer.
YEAR_HELP = f"Năm đánh giá: từ {services.FIRST_YEAR} đến năm nay."


class ProductIn(Schema):
    name: str = Field(max_length=255)
    product_set: int = Field(ge=1, le=26)
    producer_id: str = Field(max_length=12)
    commune_code: int | None = None
    description: str = Field("", max_length=5000)
    gtin: str = Field("", max_length=20)
    star: int | None = Field(None, ge=1, le=5)
    decision_number: str = Field("", max_length=60)
    decision_date: datetime.date | None = None
    year: int | None = Field(None, description=YEAR_HELP)


class ProductPatch(Schema):
    name: str | None = Field(None, max_length=255)
    product_set: int | None = Field(None, ge=1, le=26)
    description: str | None = Field(None, max_length=5000)
    gtin: str | None = Field(None, max_length=20)
    star: int | None = Field(None, ge=1, le=5)
    decision_number: str | None = Field(None, max_length=60)
    decision_date: datetime.date | None = None
    year: int | None = Field(None, description=YEAR_HELP)


class AuditOut(Schema):
    at: datetime.datetime
    actor: str | None
    action: str
    changes: dict


def _commune(code: int) -> Commune:
    return get_object_or_404(Commune, pk=code)


def _set(number: int) -> ProductSet:
    return get_object_or_404(ProductSet, taxonomy__current=True, number=number)


def _audit(obj) -> list[dict]:
    return [
        {"at": e.at, "actor": e.actor.username if e.actor else None, "action": e.action, "changes": e.changes}
        for e in history(obj)
    ]


# Bounded: a negative slice or a number past 64 bits was a 500 (found by the hostile-input tests).
PROVINCE = Query(None, ge=1, le=999)
SEARCH = Query("", max_length=200)
MAX_LIMIT = 500
LIMIT = Query(50, ge=0, description=f"Tối đa {MAX_LIMIT} dòng một lần; tổng số ở tiêu đề X-Total-Count.")
OFFSET = Query(0, ge=0, le=10**9)


def _page(response: HttpResponse, qs, limit: int, offset: int):
    """At most MAX_LIMIT rows from offset; how many match in X-Total-Count, so a client knows when to stop."""
    response["X-Total-Count"] = str(qs.count())
    return qs[offset : offset + min(limit, MAX_LIMIT)]


@router.get("/producers", response=list[ProducerOut])
def producer_list(
    request,
    response: HttpResponse,
    q: str = SEARCH,
    province: int | None = PROVINCE,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    qs = Producer.objects.visible_to(request.user)
    if q:
        qs = qs.search(q)
    if province:
        qs = qs.filter(commune__province_id=province)
    return _page(response, qs, limit, offset)


@router.get("/producers/{pid}", response=ProducerOut)
def producer_get(request, pid: str):
    return get_object_or_404(Producer.objects.visible_to(request.user), public_id=pid)


@router.get("/producers/{pid}/history", response=list[AuditOut])
def producer_history(request, pid: str):
    return _audit(get_object_or_404(Producer.objects.visible_to(request.user), public_id=pid))


@router.post("/producers", response={201: ProducerOut})
def producer_create(request, payload: ProducerIn):
    data = payload.dict()
    data["commune"] = _commune(data.pop("commune_code"))
    return Status(201, services.producer_create(actor=request.user, **data))


@router.patch("/producers/{pid}", response=ProducerOut)
def producer_update(request, pid: str, payload: ProducerPatch):
    producer = get_object_or_404(Producer.objects.visible_to(request.user), public_id=pid)
    data = payload.dict(exclude_unset=True)
    if "commune_code" in data:
        data["commune"] = _commune(data.pop("commune_code"))
    return services.producer_update(actor=request.user, producer=producer, **data)


@router.get("/products", response=list[ProductOut])
def product_list(
    request,
    response: HttpResponse,
    q: str = SEARCH,
    province: int | None = PROVINCE,
    star: int | None = None,
    product_set: int | None = None,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    qs = Product.objects.visible_to(request.user).with_related()
    if q:
        qs = qs.search(q)
    if province:
        qs = qs.filter(commune__province_id=province)
    if star:
        qs = qs.filter(star=star)
    if product_set:
        qs = qs.filter(product_set__number=product_set)
    return _page(response, qs, limit, offset)


@router.get("/products/{pid}", response=ProductOut)
def product_get(request, pid: str):
    return get_object_or_404(Product.objects.visible_to(request.user).with_related(), public_id=pid)


@router.get("/products/{pid}/history", response=list[AuditOut])
def product_history(request, pid: str):
    return _audit(get_object_or_404(Product.objects.visible_to(request.user), public_id=pid))


@router.post("/products", response={201: ProductOut})
def product_create(request, payload: ProductIn):
    data = payload.dict()
    data["producer"] = get_object_or_404(
        Producer.objects.visible_to(request.user), public_id=data.pop("producer_id")
    )
    code = data.pop("commune_code")
    if code:
        data["commune"] = _commune(code)
    data["product_set"] = _set(data["product_set"])
    return Status(201, services.product_create(actor=request.user, **data))


@router.patch("/products/{pid}", response=ProductOut)
def product_update(request, pid: str, payload: ProductPatch):
    product = get_object_or_404(Product.objects.visible_to(request.user), public_id=pid)
    data = payload.dict(exclude_unset=True)
    if "product_set" in data:
        data["product_set"] = _set(data["product_set"])
    return services.product_update(actor=request.user, product=product, **data)
