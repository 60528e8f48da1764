import pytest
from django.db.models import Count

from ocop.core.errors import OcopError
from ocop.geo.models import Commune, LegacyDistrict, LegacyProvince, LegacyWard, Province
from ocop.geo.services import resolve_address


@pytest.mark.django_db
def test_official_counts_are_loaded():
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    assert LegacyProvince.objects.count() == 63
    assert LegacyDistrict.objects.count() == 696
    assert LegacyWard.objects.count() == 10051


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "commune", "legacy"),
    [
        ("Xã Tủa Chùa, Tỉnh Điện Biên", "Xã Tủa Chùa", False),
        ("  xa   tua chua , tinh dien bien ", "Xã Tủa Chùa", False),
        ("Phường Ba Đình, Thành phố Hà Nội", "Phường Ba Đình", False),
        ("Phường Ba Đình, TP. Hà Nội", "Phường Ba Đình", False),
        # Old three-level address: the ward was merged into Xã Khun Há.
        ("Xã Bản Hon, huyện Tam Đường, tỉnh Lai Châu", "Xã Khun Há", True),
        ("Bản Nà Tăm, xã Bản Hon, huyện Tam Đường, tỉnh Lai Châu", "Xã Khun Há", True),
        # Yên Bái no longer exists: it is part of Lào Cai today.
        ("Xã Mường Lai, huyện Lục Yên, tỉnh Yên Bái", "Xã Mường Lai", True),
        # Mường Phăng moved from huyện Điện Biên to TP Điện Biên Phủ before 2025: still found in the province.
        ("Xã Mường Phăng, huyện Điện Biên, tỉnh Điện Biên", "Xã Mường Phăng", True),
        # Hyphens belong to names; only commas separate levels.
        ("Phường Văn Miếu - Quốc Tử Giám, Thành phố Hà Nội", "Phường Văn Miếu - Quốc Tử Giám", False),
        # "Ba Tơ" and "Ba Tô" fold alike: the spelling with diacritics decides.
        ("Xã Ba Tơ, Tỉnh Quảng Ngãi", "Xã Ba Tơ", False),
        ("Xã Ba Tô, Tỉnh Quảng Ngãi", "Xã Ba Tô", False),
    ],
)
def test_resolve(address, commune, legacy):
    r = resolve_address(address)
    assert r.commune.name == commune
    assert r.legacy is legacy


@pytest.mark.django_db
def test_yen_bai_resolves_into_lao_cai():
    assert (
        resolve_address("Xã Mường Lai, huyện Lục Yên, tỉnh Yên Bái").commune.province.name == "Tỉnh Lào Cai"
    )


@pytest.mark.django_db
def test_detail_is_kept():
    assert resolve_address("Bản Nà Tăm, xã Bản Hon, huyện Tam Đường, tỉnh Lai Châu").detail == "Bản Nà Tăm"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("Xã Không Có, Tỉnh Lai Châu", "commune_unknown"),
        ("Xã Bản Hon, Tỉnh Atlantis", "province_unknown"),
        ("Lai Châu", "address_incomplete"),
        ("Xã Bản Hon, huyện Không Có, tỉnh Lai Châu", "district_unknown"),
    ],
)
def test_unknown_names_are_errors(address, code):
    with pytest.raises(OcopError) as e:
        resolve_address(address)
    assert e.value.code == code


@pytest.mark.django_db
def test_unknown_name_lists_close_candidates():
    with pytest.raises(OcopError) as e:
        resolve_address("Xã Tủa Chua, Tỉnh Điện Biên lớn")
    assert e.value.code == "province_unknown"
    assert "Điện Biên" in e.value.message
    with pytest.raises(OcopError) as e:
        resolve_address("Xã Tủa Chùaa, Tỉnh Điện Biên")
    assert "Xã Tủa Chùa" in e.value.message


@pytest.mark.django_db
def test_split_old_ward_is_ambiguous_and_lists_candidates():
    # An old ward split over several new communes must never be guessed.
    ward = (
        LegacyWard.objects.annotate(n=Count("wardsuccession"))
        .filter(n__gt=1)
        .select_related("district", "province")
        .order_by("code")
        .first()
    )
    with pytest.raises(OcopError) as e:
        resolve_address(f"{ward.name}, {ward.district.name}, {ward.province.name}")
    assert e.value.code == "address_ambiguous"
    assert len(e.value.details) == ward.n


@pytest.mark.django_db
def test_folded_twins_without_diacritics_are_ambiguous_and_list_both():
    with pytest.raises(OcopError) as e:
        resolve_address("xa ba to, tinh quang ngai")
    assert e.value.code == "address_ambiguous"
    assert "Xã Ba Tơ" in e.value.message and "Xã Ba Tô" in e.value.message
