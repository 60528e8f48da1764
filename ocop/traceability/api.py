"""Stamps in the API (the same services as the CLI and the pages) and the marketplaces' check."""

import datetime

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from ocop.evaluation.models import Certificate
from ocop.registry.models import Product

from . import services
from .links import path_of
from .models import StampBatch
from .public import verdict_json

router = Router(tags=["Tem, truy xuất"])


class IssueIn(Schema):
    product: str = Field(max_length=40, description="Mã số sản phẩm OCOP hoặc mã hệ thống")
    count: int


class ActivateIn(Schema):
    lot: str = Field(max_length=20)
    produced: datetime.date
    expires: datetime.date | None = None
    first: int | None = Field(None, alias="from")
    last: int | None = Field(None, alias="to")


def _product(request, ref: str) -> Product:
    qs = Product.objects.visible_to(request.user)
    return qs.filter(code=ref).first() or get_object_or_404(qs, public_id=ref)


def _batch(request, bid: str) -> StampBatch:
    return get_object_or_404(
        StampBatch.objects.visible_to(request.user).select_related("product"), public_id=bid
    )


@router.post("/stamps/batches", summary="Phát hành đợt tem (như `ocop stamps issue --json`)")
def issue(request, payload: IssueIn):
    batch = services.stamps_issue(
        actor=request.user, product=_product(request, payload.product), count=payload.count
    )
    return {
        "batch": batch.public_id,
        "count": batch.count,
        "first": services.batch_serial(batch, 1),
        "last": services.batch_serial(batch, batch.count),
    }


@router.post(
    "/stamps/batches/{bid}/activate", summary="Kích hoạt dải tem cho lô (như `ocop stamps activate`)"
)
def activate(request, bid: str, payload: ActivateIn):
    batch = _batch(request, bid)
    a = services.stamps_activate(
        actor=request.user,
        batch=batch,
        lot_code=payload.lot,
        produced=payload.produced,
        expires=payload.expires,
        first=payload.first,
        last=payload.last,
    )
    return {
        "batch": batch.public_id,
        "lot": a.lot.code,
        "from": a.first,
        "to": a.last,
        "count": a.last - a.first + 1,
    }


@router.get("/stamps/batches/{bid}/urls", summary="Danh sách URL của đợt tem, mỗi dòng một tem")
def urls(request, bid: str, limit: int | None = None):
    batch = _batch(request, bid)
    return StreamingHttpResponse(
        (u + "\n" for u in services.batch_urls(batch, limit)), content_type="text/plain; charset=utf-8"
    )


@router.get("/verify", auth=None, summary="Sàn thương mại điện tử kiểm tra tem hoặc sản phẩm OCOP theo URL")
def verify(request, url: str = Query(..., max_length=2000)):
    """Given a stamp URL (QR content) or a certificate page URL, say whether the OCOP badge holds.
    Nothing is recorded as a consumer scan."""
    path = path_of(url)
    if path.startswith("/chung-nhan/"):
        number = path.split("/")[2]
        cert = Certificate.objects.filter(number=number).select_related("product__producer").first()
        status = cert.status() if cert else None
        return {
            "ocop": status in services.LIVE_STATUSES,
            "verdict": "genuine"
            if status in services.LIVE_STATUSES
            else ("warning" if cert else "counterfeit"),
            "certificate": {
                "number": cert.number,
                "star": cert.star,
                "status": status,
                "valid_until": cert.valid_until.isoformat(),
            }
            if cert
            else None,
            "product": {"name": cert.product.name, "producer": cert.product.producer.name} if cert else None,
        }
    v = services.verify(path)
    data = verdict_json(v)
    data["ocop"] = v.verdict == "genuine"
    return data
