"""The import's limits (issue 20, item 8): rows per file, what a workbook may inflate to, the error list."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.core.errors import OcopError
from ocop.core.models import AuditEntry
from ocop.registry.importing import MAX_ERRORS, import_file
from ocop.registry.models import ImportJob, Producer, Product
from ocop.registry.tabular import read_table

from .test_import import GOOD, HEADER, xlsx

ROW = ["", "Chè Shan tuyết", "HTX Chè Tủa Chùa", "Hợp tác xã", "Xã Tủa Chùa, Tỉnh Điện Biên", 11]


def csv_bytes(rows, header=HEADER, lineterminator="\n") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _distinct(n):
    return [[i, f"Chè số {i}", *ROW[2:]] for i in range(n)]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_file_over_the_row_cap_is_refused_with_the_limit_and_nothing_is_written(settings, kind):
    settings.OCOP_IMPORT_MAX_ROWS = 5
    name, data = ("ds.xlsx", xlsx(_distinct(6))) if kind == "xlsx" else ("ds.csv", csv_bytes(_distinct(6)))
    with pytest.raises(OcopError) as e:
        import_file(name, data)
    assert e.value.code == "file_too_many_rows"
    assert "hơn 5 dòng" in e.value.message and "tối đa 5 dòng" in e.value.message
    assert Product.objects.count() == 0 and Producer.objects.count() == 0
    assert not AuditEntry.objects.exists()
    # Empty rows (formatting left under the list) do not count; five rows of data pass.
    assert import_file("ds.csv", csv_bytes([*_distinct(5), ["", "", "", "", "", ""]])).ok


@pytest.mark.django_db
def test_row_cap_on_the_web_and_in_the_cli(settings, client, national, tmp_path):
    settings.OCOP_IMPORT_MAX_ROWS = 2
    client.force_login(national)
    r = client.post("/quan-ly/nhap/", {"file": SimpleUploadedFile("ds.xlsx", xlsx(GOOD))})
    assert r.status_code == 200 and "tối đa 2 dòng" in r.context["error"]
    assert "tối đa 2 dòng" in r.content.decode()
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx(GOOD))
    with pytest.raises(CommandError, match="tối đa 2 dòng"):
        call_command("import", str(path))
    assert Product.objects.count() == 0


def test_the_limits_are_written_with_vietnamese_digit_grouping(settings):
    settings.OCOP_IMPORT_MAX_ROWS = 50_000
    settings.LANGUAGE_CODE = "vi"
    from django.utils import translation

    rows = "\n".join(f"a{i}" for i in range(50_002)).encode()
    with translation.override("vi"), pytest.raises(OcopError) as e:
        read_table("ds.csv", rows)
    assert "50.000 dòng" in e.value.message


def _bomb(padding_mb: int) -> bytes:
    """A real workbook plus one member of zeros that inflates to `padding_mb` MB (compressed: a few KB per
    MB), as a zip bomb would."""
    buf = io.BytesIO(xlsx(GOOD))
    with zipfile.ZipFile(buf, "a", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/media/image1.bin", "w") as member:
            for _ in range(padding_mb):
                member.write(bytes(1024 * 1024))
    return buf.getvalue()


@pytest.mark.django_db
def test_zip_bomb_like_workbook_is_refused_before_parsing(monkeypatch, client, national):
    data = _bomb(101)  # over the default of 100 MB
    assert len(data) < 1024 * 1024

    def parse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", parse)
    with pytest.raises(OcopError) as e:
        import_file("ds.xlsx", data)
    assert e.value.code == "file_too_large_uncompressed"
    assert "giới hạn 100 MB" in e.value.message and "101 MB" in e.value.message
    client.force_login(national)
    r = client.post("/quan-ly/nhap/", {"file": SimpleUploadedFile("ds.xlsx", data)})
    assert "giới hạn 100 MB" in r.context["error"]
    assert not ImportJob.objects.exists() and Product.objects.count() == 0


@pytest.mark.django_db
def test_uncompressed_limit_is_a_setting(settings):
    settings.OCOP_IMPORT_MAX_UNCOMPRESSED_MB = 1
    with pytest.raises(OcopError) as e:
        import_file("ds.xlsx", _bomb(2))
    assert e.value.code == "file_too_large_uncompressed" and "giới hạn 1 MB" in e.value.message
    assert import_file("ds.xlsx", xlsx(GOOD), dry_run=True).ok


BAD = ["", "", "HTX", "Hợp tác xã", "", 11]  # no product name, no address: an error without a lookup


@pytest.mark.django_db
def test_error_list_stops_at_200_with_the_count_of_the_rest(client, national, tmp_path, capsys):
    data = csv_bytes([BAD] * (MAX_ERRORS + 50))
    result = import_file("ds.csv", data)
    assert len(result.errors) == MAX_ERRORS and result.errors_more == 50
    assert result.error_count == 250 and not result.ok
    assert result.errors[-1].startswith(f"Dòng {MAX_ERRORS + 1}:")
    assert result.more_errors() == "… và 50 lỗi khác."

    client.force_login(national)
    r = client.post("/quan-ly/nhap/", {"file": SimpleUploadedFile("ds.csv", data)})
    page = r.content.decode()
    assert page.count("Dòng ") == MAX_ERRORS and "… và 50 lỗi khác." in page
    assert "250 dòng có lỗi" in page

    path = tmp_path / "ds.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="250 dòng lỗi"):
        call_command("import", str(path))
    err = capsys.readouterr().err
    assert err.count("Dòng ") == MAX_ERRORS and "… và 50 lỗi khác." in err
    assert Product.objects.count() == 0


def test_a_sheet_whose_dimension_is_wrong_is_read_whole():
    """Some programs write <dimension ref="A1"/>: openpyxl's read-only mode then gave the header only."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx(GOOD))) as src, zipfile.ZipFile(buf, "w") as out:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b'<dimension ref="A1:L4" />', b'<dimension ref="A1" />')
                assert b'<dimension ref="A1" />' in body
            out.writestr(item, body)
    rows = read_table("ds.xlsx", buf.getvalue())
    assert len(rows) == 4 and rows[1][1] == "Mật ong hoa ban"


@pytest.mark.django_db
def test_a_large_file_written_in_chunks_gives_what_one_write_gives(monkeypatch):
    """Chunks hold the memory of a 200,000-row import down; the records, codes and counts are the same."""
    from django.db import transaction

    from ocop.registry import importing
    from ocop.registry.demo import generated_rows

    rows = generated_rows(120, seed=5)

    def run(chunk):
        monkeypatch.setattr(importing, "WRITE_CHUNK", chunk)
        with transaction.atomic():
            first = importing.import_rows(rows)
            again = importing.import_rows([rows[0], *(r[:] for r in rows[1:40])])
            made = sorted(Product.objects.values_list("name", "producer__name", "code", "commune_id"))
            counts = [
                (r.producers_created, r.producers_matched, r.products_created, r.products_updated)
                for r in (first, again)
            ]
            audit = AuditEntry.objects.count()
            transaction.set_rollback(True)
        return made, counts, audit

    whole, chunked = run(10_000), run(25)
    assert chunked == whole and whole[1][0][2] == 120
