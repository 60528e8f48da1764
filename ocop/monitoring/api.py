import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from ocop.core.errors import PermissionDenied

from . import services
from .access import sees_findings, watch_province
from .models import Finding, SalesPoint
from .watchlist import as_json, watchlist

router = Router(tags=["Giám sát"])


@router.get("/monitoring/watchlist", summary="Danh sách ưu tiên kiểm tra của một tỉnh")
def watch(request: HttpRequest, province: int | None = None):
    """Producers ranked by the signals in the data (copied stamps, stamps scanned after expiry or
    revocation, consumers' reports, stamps never activated, expired certificates, no lot in 12 months,
    re-evaluation due), each with its reasons. Province officers and inspectors get their own province."""
    p = watch_province(request.auth, province)
    return {"province": {"code": p.pk, "name": p.name}, "producers": as_json(watchlist(p.pk))}


def _finding_json(f: Finding, today: datetime.date) -> dict:
    return {
        "id": f.public_id,
        "product": {"id": f.product.public_id, "name": f.product.name},
        "producer": {"id": f.inspection.producer.public_id, "name": f.inspection.producer.name},
        "item": f.item,
        "severity": f.severity,
        "note": f.note,
        "remediation": f.remediation,
        "due": f.due.isoformat(),
        "status": f.status,
        "overdue": f.overdue(today),
        "ground": f.ground or None,
        "certificate": f.certificate.number if f.certificate_id else None,
    }


@router.get("/monitoring/findings", summary="Phát hiện khi kiểm tra (trong phạm vi của người dùng)")
def findings(request: HttpRequest, status: str | None = Query(None, max_length=10), overdue: bool = False):
    """Findings the user may see: the province's for its office and inspectors, the commune's for its
    officer, a producer's own. Council and advisory-team accounts are refused."""
    if not sees_findings(request.auth):
        raise PermissionDenied(
            "forbidden", _("Chỉ cơ quan OCOP, thanh tra, cấp xã và chủ thể được kiểm tra xem các phát hiện.")
        )
    today = datetime.date.today()
    qs = Finding.objects.visible_to(request.auth).select_related(
        "product", "inspection__producer", "certificate"
    )
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=Finding.Status.OPEN, due__lt=today)
    return [_finding_json(f, today) for f in qs[:500]]


class FollowUpIn(Schema):
    visited_on: datetime.date
    fixed: bool
    note: str = Field("", max_length=2000)


class EscalateIn(Schema):
    ground: str = Field(max_length=2, description="Căn cứ thu hồi: a, b, c, d, dd, e (Điều 8 khoản 1).")
    proposal: str = Field(max_length=2000)


class RevokeIn(Schema):
    decision: str = Field(max_length=120)
    date: datetime.date


def _finding(request, fid: str) -> Finding:
    qs = Finding.objects.visible_to(request.auth).select_related("product", "inspection__producer")
    return get_object_or_404(qs, public_id=fid)


@router.post("/monitoring/findings/{fid}/followup", summary="Kết quả kiểm tra lại")
def followup(request: HttpRequest, fid: str, payload: FollowUpIn):
    f = services.finding_followup(actor=request.auth, finding=_finding(request, fid), **payload.dict())
    return _finding_json(f, datetime.date.today())


@router.post("/monitoring/findings/{fid}/escalate", summary="Đề nghị thu hồi giấy chứng nhận")
def escalate(request: HttpRequest, fid: str, payload: EscalateIn):
    f = services.finding_escalate(actor=request.auth, finding=_finding(request, fid), **payload.dict())
    return _finding_json(f, datetime.date.today())


@router.post("/monitoring/findings/{fid}/revoke", summary="Ghi quyết định thu hồi")
def revoke(request: HttpRequest, fid: str, payload: RevokeIn):
    f = services.finding_revoke(actor=request.auth, finding=_finding(request, fid), **payload.dict())
    return _finding_json(f, datetime.date.today())


@router.get("/monitoring/sales-points", summary="Điểm giới thiệu và bán sản phẩm OCOP")
def sales_points(request: HttpRequest):
    qs = (
        SalesPoint.objects.visible_to(request.auth)
        .select_related("commune")
        .prefetch_related("products", "checks")
    )
    return [
        {
            "id": p.public_id,
            "name": p.name,
            "commune": {"code": p.commune_id, "name": p.commune.name},
            "operator": p.operator,
            "products": [x.public_id for x in p.products.all()],
            "checks": [
                {"date": c.checked_on.isoformat(), "score": c.score, "levels": c.levels}
                for c in p.checks.all()
            ],
        }
        for p in qs[:500]
    ]
