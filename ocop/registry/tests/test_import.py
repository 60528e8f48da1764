import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.core.models import AuditEntry
from ocop.registry.importing import TEMPLATE_HEADERS, import_file
from ocop.registry.models import Producer, Product

HEADER = [
    "STT",
    "TÊN SẢN PHẨM",
    "Tên chủ thể",
    "Loai hinh chu the",
    "Địa   chỉ",
    "Bộ sản phẩm",
    "Mã số thuế",
    "Số sao",
    "Số quyết định",
    "Ngày quyết định",
    "Năm",
    "GTIN",
]
GOOD = [
    # new address
    [
        1,
        "Mật ong hoa ban",
        "HTX Ong mật Điện Biên",
        "Hợp tác xã",
        "Xã Mường Phăng, Tỉnh Điện Biên",
        4,
        "",
        4,
        "123/QĐ-UBND",
        "15/11/2024",
        2024,
        "8934588012228",
    ],
    # old three-level address; same producer (by name) → matched, not duplicated
    [
        2,
        "Mật ong bạc hà",
        "HTX Ong mật Điện Biên",
        "HTX",
        "Xã Mường Phăng, huyện Điện Biên, tỉnh Điện Biên",
        "Mật ong, mật khác và nông sản thực phẩm khác",
        "",
        "3 sao",
        "",
        "",
        "2023",
        "",
    ],
    # old province that no longer exists
    [
        3,
        "Gạo nếp Tú Lệ",
        "Hộ kinh doanh Lò Văn Hùng",
        "Hộ kinh doanh",
        "Xã Tú Lệ, huyện Văn Chấn, tỉnh Yên Bái",
        3,
        "5200111222",
        "★★★",
        "",
        "",
        "",
        "",
    ],
]


def xlsx(rows, header=HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.django_db
def test_good_file_mixing_old_and_new_addresses():
    result = import_file("ds.xlsx", xlsx(GOOD))
    assert result.errors == []
    assert (result.producers_created, result.products_created, result.legacy_addresses) == (2, 3, 2)
    honey = Product.objects.get(name="Mật ong hoa ban")
    assert honey.commune.name == "Xã Mường Phăng"
    assert honey.star == 4 and honey.gtin == "8934588012228" and honey.year == 2024
    assert honey.code == f"11-{honey.commune_id:05d}-001-2024"
    assert Product.objects.get(name="Mật ong bạc hà").producer == honey.producer
    rice = Product.objects.get(name="Gạo nếp Tú Lệ")
    assert rice.commune.province.name == "Tỉnh Lào Cai"
    assert rice.star == 3
    assert AuditEntry.objects.filter(action="product.import").count() == 3


@pytest.mark.django_db
def test_reimport_matches_producers_and_updates_products():
    import_file("ds.xlsx", xlsx(GOOD))
    changed = [list(r) for r in GOOD]
    changed[0][7] = 5
    result = import_file("ds.xlsx", xlsx(changed))
    assert (result.producers_created, result.producers_matched) == (0, 2)
    assert (result.products_created, result.products_updated) == (0, 1)
    assert Producer.objects.count() == 2 and Product.objects.count() == 3
    assert Product.objects.get(name="Mật ong hoa ban").star == 5


@pytest.mark.django_db
def test_bad_rows_are_all_reported_and_nothing_is_written():
    bad = [
        *GOOD,
        [4, "", "HTX A", "Hợp tác xã", "Xã Tủa Chùa, Tỉnh Điện Biên", 4, "", "", "", "", "", ""],
        [
            5,
            "Chè",
            "HTX B",
            "Câu lạc bộ",
            "Xã Không Có, Tỉnh Lai Châu",
            27,
            "",
            "6",
            "",
            "31/02/2024",
            "",
            "123",
        ],
        [6, "Chè", "HTX B", "HTX", "Xã Tủa Chùa, Tỉnh Điện Biên", 11, "abc", "", "", "", "20x4", ""],
    ]
    result = import_file("ds.xlsx", xlsx(bad))
    assert len(result.errors) == 3
    assert result.errors[0].startswith("Dòng 5: thiếu «Tên sản phẩm»")
    line6 = result.errors[1]
    assert line6.startswith("Dòng 6:")
    for expected in (
        "Câu lạc bộ",
        "Xã Không Có",
        "bộ sản phẩm «27»",
        "số sao «6»",
        "31/02/2024",
        "GTIN «123»",
    ):
        assert expected in line6
    assert "mã số thuế «abc»" in result.errors[2] and "năm «20x4»" in result.errors[2]
    assert Product.objects.count() == 0 and Producer.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_missing_column_is_a_file_error():
    from ocop.core.errors import OcopError

    with pytest.raises(OcopError) as e:
        import_file("ds.xlsx", xlsx([["x"]], header=["Tên sản phẩm", "Địa chỉ"]))
    assert e.value.code == "columns_missing"
    assert "Tên chủ thể" in e.value.message


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    result = import_file("ds.xlsx", xlsx(GOOD), dry_run=True)
    assert result.ok and result.products_created == 3
    assert Product.objects.count() == 0 and AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_csv_with_semicolons():
    text = ";".join(TEMPLATE_HEADERS[:5]) + "\nChè Shan tuyết;HTX Chè;Hợp tác xã;Xã Tủa Chùa, Điện Biên;11\n"
    result = import_file("ds.csv", text.encode("utf-8-sig"))
    assert result.ok and Product.objects.get().commune.name == "Xã Tủa Chùa"


@pytest.mark.django_db
def test_non_utf8_csv_is_refused_clearly():
    from ocop.core.errors import OcopError

    with pytest.raises(OcopError) as e:
        import_file("ds.csv", "Tên sản phẩm".encode("utf-16"))
    assert e.value.code == "file_encoding"


@pytest.mark.django_db
def test_cli_exit_code_and_messages(tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([*GOOD, [9, "Chè", "HTX", "HTX", "Xã Bịa, Tỉnh Lai Châu", 11]]))
    with pytest.raises(CommandError) as e:
        call_command("import", str(bad))
    assert "không ghi gì" in str(e.value)
    assert "Dòng 5:" in capsys.readouterr().err
    assert Product.objects.count() == 0
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(GOOD))
    call_command("import", str(good), "--dry-run")
    assert Product.objects.count() == 0
    call_command("import", str(good))
    assert "3 sản phẩm mới" in capsys.readouterr().out
    assert Product.objects.count() == 3


@pytest.mark.django_db
def test_province_officer_cannot_import_other_province(lai_chau_officer):
    result = import_file("ds.xlsx", xlsx(GOOD[:1]), actor=lai_chau_officer)
    assert result.errors and "ngoài địa bàn" in result.errors[0]
    assert Product.objects.count() == 0


@pytest.mark.django_db
def test_web_import_preview_then_confirm(client, national):
    client.force_login(national)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post("/quan-ly/nhap/", {"file": SimpleUploadedFile("ds.xlsx", xlsx(GOOD))})
    assert r.status_code == 200
    assert Product.objects.count() == 0
    token = r.context["token"]
    r = client.post("/quan-ly/nhap/", {"token": token})
    assert r.status_code == 302
    assert Product.objects.count() == 3


@pytest.mark.django_db
def test_template_download_round_trips(client, national, tmp_path):
    client.force_login(national)
    r = client.get("/quan-ly/nhap/mau.xlsx")
    result = import_file("mau.xlsx", r.content, dry_run=True)
    assert result.ok, result.errors
