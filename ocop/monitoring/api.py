from django.http import HttpRequest
from ninja import Router

from .access import watch_province
from .watchlist import as_json, watchlist

router = Router(tags=["Giám sát"])


@router.get("/monitoring/watchlist", summary="Danh sách ưu tiên kiểm tra của một tỉnh")
def watch(request: HttpRequest, province: int | None = None):
    """Producers ranked by the signals in the data (copied stamps, stamps scanned after expiry or
    revocation, consumers' reports, stamps never activated, expired certificates, no lot in 12 months,
    re-evaluation due), each with its reasons. Province officers and inspectors get their own province."""
    p = watch_province(request.auth, province)
    return {"province": {"code": p.pk, "name": p.name}, "producers": as_json(watchlist(p.pk))}
