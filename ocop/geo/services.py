"""Resolve a free-text Vietnamese address (old or new units) to today's commune, never by a silent guess."""

import difflib
import re
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from ocop.core.errors import OcopError
from ocop.core.textfold import ADMIN_PREFIXES, admin_key, fold

from .models import Commune, LegacyDistrict, LegacyProvince, LegacyWard, Province, WardSuccession

# Only commas and semicolons separate levels: unit names contain hyphens ("Phường Văn Miếu - Quốc Tử Giám").
_SPLIT = re.compile(r"\s*[,;]\s*")
_DISTRICT_WORDS = ("huyen", "quan", "thi xa", "tx", "tx.")
_WARD_TYPES = {"xa": "xa", "phuong": "phuong", "dac khu": "dac khu", "thi tran": "thi tran", "tt": "thi tran"}


def _type_of(folded_part: str) -> str | None:
    for prefix in ADMIN_PREFIXES:
        if folded_part.startswith(prefix + " "):
            return _WARD_TYPES.get(prefix, prefix)
    return None


@dataclass
class Resolved:
    commune: Commune
    detail: str
    legacy: bool


class GeoIndex:
    """All units in memory, so that an import of 20,000 rows resolves addresses without a query per row."""

    @cached_property
    def provinces(self) -> dict[str, list[Province]]:
        return _group(Province.objects.all())

    @cached_property
    def legacy_provinces(self) -> dict[str, list[LegacyProvince]]:
        return _group(LegacyProvince.objects.all())

    @cached_property
    def communes_by_province(self) -> dict[int, dict[str, list[Commune]]]:
        out: dict[int, dict[str, list[Commune]]] = {}
        for c in Commune.objects.select_related("province"):
            out.setdefault(c.province_id, {}).setdefault(c.key, []).append(c)
        return out

    @cached_property
    def communes(self) -> dict[int, Commune]:
        return {
            c.code: c for by_key in self.communes_by_province.values() for cs in by_key.values() for c in cs
        }

    @cached_property
    def districts_by_province(self) -> dict[int, dict[str, list[LegacyDistrict]]]:
        out: dict[int, dict[str, list[LegacyDistrict]]] = {}
        for d in LegacyDistrict.objects.all():
            out.setdefault(d.province_id, {}).setdefault(d.key, []).append(d)
        return out

    @cached_property
    def wards_by_district(self) -> dict[int, dict[str, list[LegacyWard]]]:
        out: dict[int, dict[str, list[LegacyWard]]] = {}
        for w in LegacyWard.objects.all():
            out.setdefault(w.district_id, {}).setdefault(w.key, []).append(w)
        return out

    @cached_property
    def wards_by_province(self) -> dict[int, dict[str, list[LegacyWard]]]:
        out: dict[int, dict[str, list[LegacyWard]]] = {}
        for by_key in self.wards_by_district.values():
            for key, ws in by_key.items():
                for w in ws:
                    out.setdefault(w.province_id, {}).setdefault(key, []).append(w)
        return out

    @cached_property
    def successors(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for old, new in WardSuccession.objects.values_list("legacy_ward_id", "commune_id").order_by(
            "commune_id"
        ):
            out.setdefault(old, []).append(new)
        return out

    def resolve(self, text: str) -> Resolved:
        parts = [p for p in _SPLIT.split(text or "") if p.strip()]
        if len(parts) < 2:
            raise OcopError(
                "address_incomplete",
                _(
                    "Địa chỉ «%(text)s» chưa đủ: cần ít nhất tên xã/phường và tên tỉnh/thành phố, "
                    "ví dụ «Xã Bản Hon, Tỉnh Lai Châu» hoặc «Xã Bản Hon, huyện Tam Đường, tỉnh Lai Châu»."
                )
                % {"text": text},
            )
        province_part = parts[-1]
        pkey = admin_key(province_part)
        new_provinces = self.provinces.get(pkey, [])
        old_provinces = self.legacy_provinces.get(pkey, [])
        if not new_provinces and not old_provinces:
            names = [p.name for ps in self.provinces.values() for p in ps] + [
                p.name for ps in self.legacy_provinces.values() for p in ps
            ]
            raise OcopError(
                "province_unknown",
                _("Không tìm thấy tỉnh/thành phố «%(name)s». Gần giống: %(candidates)s.")
                % {"name": province_part.strip(), "candidates": _suggest(province_part, names)},
            )

        rest = parts[:-1]
        # Old address with a district: "Xã X, huyện Y, tỉnh Z".
        if old_provinces and len(rest) >= 2:
            dkey_part = rest[-1]
            districts = self.districts_by_province.get(old_provinces[0].code, {}).get(
                admin_key(dkey_part), []
            )
            if districts or _type_of(fold(dkey_part)) in _DISTRICT_WORDS:
                if not districts:
                    names = [
                        d.name
                        for ds in self.districts_by_province.get(old_provinces[0].code, {}).values()
                        for d in ds
                    ]
                    raise OcopError(
                        "district_unknown",
                        _(
                            "Không tìm thấy huyện «%(name)s» thuộc %(province)s (địa giới cũ). Gần giống: "
                            "%(candidates)s."
                        )
                        % {
                            "name": dkey_part.strip(),
                            "province": old_provinces[0].name,
                            "candidates": _suggest(dkey_part, names),
                        },
                    )
                ward_part = rest[-2]
                wards = self._pick_type(
                    ward_part, self.wards_by_district.get(districts[0].code, {}).get(admin_key(ward_part), [])
                )
                if not wards:
                    # District boundaries moved between 2019 and 2025 (Mường Phăng went from huyện Điện Biên
                    # to TP Điện Biên Phủ): a ward name that exists elsewhere in the province still resolves,
                    # and an ambiguous one is reported by _from_legacy.
                    wards = self._pick_type(
                        ward_part,
                        self.wards_by_province.get(old_provinces[0].code, {}).get(admin_key(ward_part), []),
                    )
                if not wards:
                    names = [
                        w.name
                        for ws in self.wards_by_district.get(districts[0].code, {}).values()
                        for w in ws
                    ]
                    raise OcopError(
                        "ward_unknown",
                        _(
                            "Không tìm thấy xã «%(name)s» thuộc %(district)s, %(province)s (địa giới cũ). "
                            "Gần giống: %(candidates)s."
                        )
                        % {
                            "name": ward_part.strip(),
                            "district": districts[0].name,
                            "province": old_provinces[0].name,
                            "candidates": _suggest(ward_part, names),
                        },
                    )
                return self._from_legacy(text, wards, rest[:-2])

        ward_part = rest[-1]
        wkey = admin_key(ward_part)
        communes: list[Commune] = []
        for p in new_provinces:
            communes += self.communes_by_province.get(p.code, {}).get(wkey, [])
        communes = self._pick_type(ward_part, communes)
        # "Xã X, tỉnh Yên Bái": an old ward named without its district.
        wards: list[LegacyWard] = []
        for p in old_provinces:
            wards += self.wards_by_province.get(p.code, {}).get(wkey, [])
        wards = self._pick_type(ward_part, wards)
        wanted = _type_of(fold(ward_part))
        if (
            wanted
            and wards
            and not any(_type_of(fold(c.name)) == wanted for c in communes)
            and any(_type_of(fold(w.name)) == wanted for w in wards)
        ):
            # "Xã Tân Phong" when today only a "Phường Tân Phong" exists: the old xã is meant.
            communes = []
        if len(communes) == 1:
            return Resolved(communes[0], ", ".join(rest[:-1]), legacy=False)
        if len(communes) > 1:
            raise _ambiguous(text, communes)
        if wards:
            return self._from_legacy(text, wards, rest[:-1])
        names = [
            c.name
            for p in new_provinces
            for cs in self.communes_by_province.get(p.code, {}).values()
            for c in cs
        ]
        names += [
            w.name
            for p in old_provinces
            for ws in self.wards_by_province.get(p.code, {}).values()
            for w in ws
        ]
        where = (new_provinces or old_provinces)[0].name
        raise OcopError(
            "commune_unknown",
            _("Không tìm thấy xã/phường «%(name)s» thuộc %(province)s. Gần giống: %(candidates)s.")
            % {"name": ward_part.strip(), "province": where, "candidates": _suggest(ward_part, names)},
        )

    @staticmethod
    def _pick_type(part: str, units: list) -> list:
        """Narrow same-key candidates by the unit type written, then by the exact spelling with diacritics
        ("Ba Tơ" vs "Ba Tô" fold alike): a narrower match is what was written, not a guess."""
        wanted = _type_of(fold(part))
        if len(units) > 1 and wanted:
            units = [u for u in units if _type_of(fold(u.name)) == wanted] or units
        if len(units) > 1:
            written = _spelling(part)
            units = [u for u in units if _spelling(u.name) == written] or units
        return units

    def _from_legacy(self, text: str, wards: list[LegacyWard], detail_parts: list[str]) -> Resolved:
        codes = sorted({c for w in wards for c in self.successors.get(w.code, [])})
        if len(codes) == 1:
            return Resolved(self.communes[codes[0]], ", ".join(detail_parts), legacy=True)
        if not codes:
            raise OcopError(
                "ward_unmapped",
                _("Xã cũ «%(name)s» không có trong bảng chuyển đổi địa giới.") % {"name": wards[0].name},
            )
        raise _ambiguous(text, [self.communes[c] for c in codes], legacy=True)


_TYPE_WORDS = ("thành phố ", "thị trấn ", "thị xã ", "đặc khu ", "tỉnh ", "huyện ", "quận ", "phường ", "xã ")


def _spelling(name: str) -> str:
    """Lower case, single spaces, no unit type, diacritics kept."""
    words = " ".join(name.lower().split())
    for prefix in _TYPE_WORDS:
        if words.startswith(prefix):
            return words[len(prefix) :]
    return words


def _group(units) -> dict[str, list]:
    out: dict[str, list] = {}
    for u in units:
        out.setdefault(u.key, []).append(u)
    return out


def _suggest(name: str, names: list[str]) -> str:
    keyed = {admin_key(n): n for n in names}
    close = difflib.get_close_matches(admin_key(name), list(keyed), n=5, cutoff=0.6)
    return ", ".join(keyed[k] for k in close) or _("(không có tên nào gần giống)")


def _ambiguous(text: str, communes: list[Commune], legacy: bool = False) -> OcopError:
    listing = "; ".join(f"{c.name}, {c.province.name} (mã {c.code})" for c in communes)
    if legacy:
        msg = _(
            "Xã cũ trong địa chỉ «%(text)s» đã được chia cho nhiều xã mới: %(candidates)s. "
            "Hãy ghi tên xã mới."
        )
    else:
        msg = _("Địa chỉ «%(text)s» khớp nhiều xã: %(candidates)s. Hãy ghi rõ loại (xã/phường) hoặc mã xã.")
    return OcopError(
        "address_ambiguous", msg % {"text": text, "candidates": listing}, details=[c.code for c in communes]
    )


def resolve_address(text: str) -> Resolved:
    return GeoIndex().resolve(text)
