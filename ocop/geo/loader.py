"""Load vietnam-provinces into the geo tables (used by the data migration and `ocop geo_load`)."""

from vietnam_provinces import Province as VP
from vietnam_provinces import Ward as VW
from vietnam_provinces import legacy
from vietnam_provinces._province_conversion_2025 import OLD_TO_NEW as PROVINCE_OLD_TO_NEW
from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW as WARD_OLD_TO_NEW

from ocop.core.textfold import admin_key


def _successor(old_code: int) -> int:
    # Tiền Giang (82) was split between Đồng Tháp (82) and Tây Ninh (80): keep the same-code successor.
    codes = [int(n.code) for n in PROVINCE_OLD_TO_NEW[old_code].new_provinces]
    return old_code if old_code in codes else codes[0]


def load(apps=None) -> dict:
    get = (lambda n: apps.get_model("geo", n)) if apps else None
    if get is None:
        from . import models as m

        get = lambda n: getattr(m, n)  # noqa: E731
    Province, Commune = get("Province"), get("Commune")
    LegacyProvince, LegacyDistrict = get("LegacyProvince"), get("LegacyDistrict")
    LegacyWard, WardSuccession = get("LegacyWard"), get("WardSuccession")
    if Province.objects.exists():
        return {"provinces": Province.objects.count(), "communes": Commune.objects.count()}

    Province.objects.bulk_create(
        Province(
            code=int(p.code),
            name=p.name,
            division_type=str(p.division_type),
            codename=p.codename,
            key=admin_key(p.name),
        )
        for p in VP.iter_all()
    )
    Commune.objects.bulk_create(
        (
            Commune(
                code=int(w.code),
                province_id=int(w.province_code),
                name=w.name,
                division_type=str(w.division_type),
                codename=w.codename,
                key=admin_key(w.name),
            )
            for w in VW.iter_all()
        ),
        batch_size=2000,
    )
    LegacyProvince.objects.bulk_create(
        LegacyProvince(
            code=int(p.code), name=p.name, key=admin_key(p.name), successor_id=_successor(int(p.code))
        )
        for p in legacy.Province.iter_all()
    )
    LegacyDistrict.objects.bulk_create(
        LegacyDistrict(code=int(d.code), province_id=int(d.province_code), name=d.name, key=admin_key(d.name))
        for d in legacy.District.iter_all()
    )
    district_province = dict(LegacyDistrict.objects.values_list("code", "province_id"))
    LegacyWard.objects.bulk_create(
        (
            LegacyWard(
                code=int(w.code),
                district_id=int(w.district_code),
                province_id=district_province[int(w.district_code)],
                name=w.name,
                key=admin_key(w.name),
            )
            for w in legacy.Ward.iter_all()
        ),
        batch_size=2000,
    )
    known = set(LegacyWard.objects.values_list("code", flat=True))
    WardSuccession.objects.bulk_create(
        (
            WardSuccession(legacy_ward_id=old, commune_id=int(n.code), partly=e.old_ward.is_partly_merged)
            for old, e in WARD_OLD_TO_NEW.items()
            if old in known
            for n in e.new_wards
        ),
        batch_size=5000,
    )
    return {"provinces": Province.objects.count(), "communes": Commune.objects.count()}
