"""The programme's figures for an area (the country, a province or a commune) and a period. Every number on
the dashboard, in `ocop stats`, in GET /api/v1/stats and in the periodic report comes from here.

Without a year the figures are the OCOP products in force today (certificate neither expired nor revoked,
or in the transition grace). With a year they are the products recognised (by a decision) in that year, at
the star of their last recognition of that year."""

import datetime
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.accounts.permissions import profile_of
from ocop.core.errors import NotFound, OcopError, PermissionDenied
from ocop.geo.models import Commune, Province
from ocop.registry.models import ProducerType, Sector, Taxonomy
from ocop.registry.services import FIRST_YEAR, recognition_year_ok

from . import sql

STARS = ("3", "4", "5")
VIEWER_ROLES = {Role.NATIONAL, Role.PROVINCE, Role.ADVISORY, Role.INSPECTOR, Role.COMMUNE}


@dataclass(frozen=True)
class Area:
    province: Province | None = None
    commune: Commune | None = None

    @property
    def level(self) -> str:
        return "commune" if self.commune else "province" if self.province else "country"

    @property
    def name(self) -> str:
        if self.commune:
            return f"{self.commune.name}, {self.commune.province.name}"
        return self.province.name if self.province else _("Toàn quốc")

    def communes(self) -> int:
        if self.commune:
            return 1
        return _commune_count(self.province.pk if self.province else None)


@cache
def _provinces() -> dict[int, Province]:
    """The provinces by code (reference data: the administrative map changes only by migration)."""
    return {p.pk: p for p in Province.objects.all()}


@cache
def _commune_count(province_id: int | None) -> int:
    qs = Commune.objects.all() if province_id is None else Commune.objects.filter(province_id=province_id)
    return qs.count()


def area_for(user, province: int | None = None, commune: int | None = None) -> Area:
    """The area a user asks for, inside what they may see (None: the system — CLI, scripts)."""
    p = None if user is None else profile_of(user)
    if user is not None:
        if p is None or p.role not in VIEWER_ROLES:
            raise PermissionDenied("forbidden", _("Bạn không có quyền xem số liệu thống kê."))
        if p.role == Role.COMMUNE:
            if (commune and commune != p.commune_id) or (province and province != p.commune.province_id):
                raise PermissionDenied("forbidden", _("Bạn chỉ xem được số liệu của xã mình."))
            commune = p.commune_id
        elif p.role != Role.NATIONAL:
            if province and province != p.province_id:
                raise PermissionDenied("forbidden", _("Bạn chỉ xem được số liệu của tỉnh mình."))
            province = p.province_id
    if commune:
        c = Commune.objects.select_related("province").filter(pk=commune).first()
        if c is None or (province and c.province_id != province):
            raise _unknown("commune", commune)
        return Area(province=c.province, commune=c)
    if province:
        prov = _provinces().get(province)
        if prov is None:
            raise _unknown("province", province)
        return Area(province=prov)
    return Area()


def check_year(year: int | None) -> None:
    """A period of the statistics: a year of recognition the registry accepts (2018 to this year)."""
    if year is not None and not recognition_year_ok(year):
        message = _("Năm %(year)s không có trong chương trình: chọn một năm từ %(first)s đến %(last)s.") % {
            "year": year,
            "first": FIRST_YEAR,
            "last": datetime.date.today().year,
        }
        raise OcopError("year_invalid", message, field="year")


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _unknown(field, code):
    message = (
        _("Không có tỉnh, thành phố mã %(code)s.")
        if field == "province"
        else _("Không có xã, phường mã %(code)s.")
    )
    return NotFound(f"{field}_unknown", message % {"code": code}, field=field)


def period(year: int | None = None, on: datetime.date | None = None) -> sql.Where:
    """The rows counted: in force on `on` (today by default) or, with a year, recognised in that year."""
    return sql.recognised_in(year) if year is not None else sql.in_force(on or datetime.date.today())


def recognitions(area: Area, year: int | None = None, *, on: datetime.date | None = None) -> sql.Where:
    return sql.place(area) & period(year, on)


def tally(area: Area, year: int | None = None, *, on: datetime.date | None = None, **more) -> dict:
    """Everything the summary, the product sets and the inclusion section count, in two queries: the rows
    grouped on (star, sector, producer type, set) — a few hundred groups at most — and the distinct counts
    (`more`: the other figures sql.figures gives in the same pass)."""
    return {
        "groups": sql.groups(recognitions(area, year, on=on)),
        **sql.figures(sql.place(area), period(year, on), **more),
    }


def summary(
    area: Area, year: int | None = None, *, today: datetime.date | None = None, tallied: dict | None = None
) -> dict:
    """{"products", "by_star", "by_sector", "by_producer_type", "producers", "communes_with_product",
    "communes"} — the shape of `ocop stats --json` and GET /api/v1/stats."""
    t = tallied or tally(area, year, on=today)
    by_star = dict.fromkeys(STARS, 0)
    by_sector = dict.fromkeys(sector_names(), 0)
    by_type = dict.fromkeys(ProducerType.values, 0)
    for star, sector, kind, _set, n in t["groups"]:
        by_star[str(star)] = by_star.get(str(star), 0) + n
        by_sector[sector] = by_sector.get(sector, 0) + n
        by_type[kind] = by_type.get(kind, 0) + n
    return {
        "products": sum(by_star.values()),
        "by_star": by_star,
        "by_sector": by_sector,
        "by_producer_type": by_type,
        "producers": t["producers"],
        "communes_with_product": t["communes"],
        "communes": area.communes(),
    }


@cache
def sector_names() -> dict[str, str]:
    """Sector code → name in the current classification (QĐ 26/2026)."""
    current = Taxonomy.objects.filter(current=True).first()
    return dict(Sector.objects.filter(taxonomy=current).order_by("id").values_list("code", "name"))
