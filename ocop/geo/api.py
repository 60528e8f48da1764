from ninja import Path, Query, Router, Schema

from .models import Commune, Province
from .services import resolve_address

router = Router(tags=["Địa giới hành chính"])


class ProvinceOut(Schema):
    code: int
    name: str


class CommuneOut(Schema):
    code: int
    name: str
    province_code: int
    province_name: str


def _commune(c: Commune) -> dict:
    return {"code": c.code, "name": c.name, "province_code": c.province_id, "province_name": c.province.name}


@router.get("/provinces", response=list[ProvinceOut], auth=None)
def provinces(request):
    return Province.objects.all()


@router.get("/provinces/{code}/communes", response=list[CommuneOut], auth=None)
def communes(request, code: int = Path(..., ge=1, le=999)):  # an unbounded int overflowed SQLite
    return [_commune(c) for c in Commune.objects.filter(province_id=code).select_related("province")]


class ResolvedOut(Schema):
    commune: CommuneOut
    detail: str
    legacy: bool


@router.get("/resolve", response=ResolvedOut, auth=None)
def resolve(request, address: str = Query(..., max_length=500)):
    """Today's commune for a free-text address written with old (63 provinces) or new units."""
    r = resolve_address(address)
    return {"commune": _commune(r.commune), "detail": r.detail, "legacy": r.legacy}
