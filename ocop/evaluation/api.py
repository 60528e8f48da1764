"""POST /api/v1/score (the CLI contract), POST /api/v1/score/advice (upgrade advisor) and GET
/api/v1/public/certificates/{number} (a certificate as issued, like its public page)."""

import datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from pydantic import StringConstraints

from ocop.evaluation.advisor import advise
from ocop.evaluation.models import Certificate
from ocop.evaluation.rubric import CURRENT, load_sheet
from ocop.evaluation.scoring import score as score_members

router = Router(tags=["Chấm điểm"])


# Bounded like the models (Dossier.rubric, Evidence.criterion): a criterion code is short, an answer a number;
# a long string would only come back in the error message.
Code = Annotated[str, StringConstraints(max_length=20)]
Answer = float | int | bool | Annotated[str, StringConstraints(max_length=40)] | None


class ScoreIn(Schema):
    set: int
    rubric: str = Field(CURRENT, max_length=20)
    answers: list[dict[Code, Answer]]


class AdviceIn(Schema):
    set: int
    rubric: str = Field(CURRENT, max_length=20)
    answers: dict[Code, Answer]


@router.post("/score", auth=None, summary="Chấm điểm một hoặc nhiều phiếu (như `ocop score --json`)")
def score(request, payload: ScoreIn):
    sheet = load_sheet(payload.set, payload.rubric)
    return score_members(sheet, payload.answers).as_dict()


@router.post("/score/advice", auth=None, summary="Gợi ý cải thiện ít tiêu chí nhất để lên hạng sao kế tiếp")
def advice(request, payload: AdviceIn):
    sheet = load_sheet(payload.set, payload.rubric)
    return advise(sheet, payload.answers).as_dict()


class ProductSetOut(Schema):
    number: int
    name: str


class CertificateOut(Schema):
    number: str
    status: str
    star: int
    score: float | None
    product_name: str
    product_code: str
    producer: str
    producer_address: str
    place: str
    product_set: ProductSetOut | None
    current_name: str
    decision_number: str
    decision_date: datetime.date
    issued_on: datetime.date
    valid_until: datetime.date
    revoked_on: datetime.date | None


@router.get(
    "/public/certificates/{number}",
    response=CertificateOut,
    auth=None,
    summary="Một giấy chứng nhận OCOP: thông tin tại thời điểm công nhận và hiệu lực hôm nay",
    description=(
        "Tên sản phẩm, mã số, chủ thể, địa chỉ, bộ sản phẩm, hạng sao và điểm là bản ghi tại thời điểm "
        "quyết định công nhận; `current_name` là tên sản phẩm hiện nay (khác `product_name` nếu sản phẩm "
        "đã đổi tên)."
    ),
)
def certificate(request, number: str):
    cert = get_object_or_404(Certificate.objects.select_related("product"), number=number)
    return {
        "number": cert.number,
        "status": cert.status(),
        "star": cert.star,
        "score": float(cert.score) if cert.score is not None else None,
        "product_name": cert.product_name,
        "product_code": cert.product_code,
        "producer": cert.producer_name,
        "producer_address": cert.producer_address,
        "place": cert.place,
        "product_set": {"number": cert.set_number, "name": cert.set_name} if cert.set_number else None,
        "current_name": cert.product.name,
        "decision_number": cert.decision_number,
        "decision_date": cert.decision_date,
        "issued_on": cert.issued_on,
        "valid_until": cert.valid_until,
        "revoked_on": cert.revoked_on,
    }
