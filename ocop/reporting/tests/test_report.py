import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest

from ocop.conftest import LAI_CHAU
from ocop.evaluation.services import certificate_record
from ocop.geo.models import Province
from ocop.registry import services as registry
from ocop.reporting import dashboard, report, stats
from ocop.reporting.models import Measure
from ocop.reporting.services import outcome_save, target_save

pytestmark = pytest.mark.django_db

KEYS = ["summary", "sets", "trend", "expiring", "coverage", "inclusion", "ecommerce", "targets", "outcomes"]
THANH_HOA = 38  # 166 communes: the coverage table runs over several pages
EVIL = '=HYPERLINK("http://x.example","Chè")'


def _pages(pdf: bytes) -> int:
    return int(re.search(rb"/Count (\d+)", pdf).group(1))


@pytest.fixture
def filled(lai_chau_product, son_la_product, lai_chau_producer, product_set):
    """Two products recognised in 2025, one whose certificate ends next month (its name a formula), a
    target of Lai Châu for this year and an outcome reported for last year."""
    today = datetime.date.today()
    for n, product in enumerate([lai_chau_product, son_la_product], 1):
        certificate_record(
            actor=None,
            product=product,
            number=f"GCN-TEST-{n}",
            star=4,
            decision_number="1/QĐ",
            decision_date=datetime.date(2025, 3, 1),
        )
    evil = registry.product_create(
        actor=None, name=EVIL, producer=lai_chau_producer, product_set=product_set, star=3, year=2024
    )
    certificate_record(
        actor=None,
        product=evil,
        number="GCN-TEST-3",
        star=3,
        decision_number="2/QĐ",
        decision_date=today - datetime.timedelta(days=400),
        valid_until=today + datetime.timedelta(days=30),
    )
    target_save(
        actor=None,
        province=Province.objects.get(pk=LAI_CHAU),
        year=today.year,
        measure=Measure.IN_FORCE,
        value=10,
    )
    outcome_save(
        actor=None,
        producer=lai_chau_producer,
        year=today.year - 1,
        revenue=1200,
        jobs=12,
        avg_income=Decimal("6.5"),
    )


def _cells(ws) -> list:
    return [c for row in ws.iter_rows() for c in row if c.value is not None]


def test_an_empty_programme_still_gives_every_table_with_its_headers():
    data = dashboard.build(stats.Area())
    tables = report.tables(data)
    assert [t.key for t in tables] == KEYS
    by_key = {t.key: t for t in tables}
    for key in ("sets", "expiring", "targets", "outcomes"):
        assert by_key[key].headers and by_key[key].rows == []
    summary = dict((r[0], r[1]) for r in by_key["summary"].rows)
    assert summary["3 sao"] == 0 and summary["Tổng số sản phẩm OCOP"] == 0
    assert summary["Tổng số xã, phường"] == data["summary"]["communes"] > 3000
    coverage = by_key["coverage"]
    assert coverage.headers[0] == "Tỉnh, thành phố" and len(coverage.rows) == 35  # 34 provinces + total
    for t in tables:
        assert all(len(r) == len(t.headers) for r in t.rows), t.key
        assert not any(isinstance(v, str) and "<" in v for r in t.rows for v in r)
    # Both writers cope with the empty sections.
    out = io.BytesIO()
    report.write_xlsx(data, out)
    assert openpyxl.load_workbook(io.BytesIO(out.getvalue())).sheetnames[0] == "Tổng hợp"
    assert report.write_pdf(data).startswith(b"%PDF")


def test_tables_of_a_province(filled):
    data = dashboard.build(stats.area_for(None, LAI_CHAU))
    assert data["summary"]["products"] == 2  # the Sơn La product is not counted
    t = {t.key: t for t in report.tables(data)}
    summary = dict((r[0], r[1]) for r in t["summary"].rows)
    assert summary["4 sao"] == 1 and summary["3 sao"] == 1 and summary["Tổng số sản phẩm OCOP"] == 2
    assert summary["Cộng theo ngành"] == summary["Cộng theo loại hình chủ thể"] == 2
    assert summary["Hợp tác xã"] == 2
    assert summary["Số xã, phường có sản phẩm OCOP"] == 1
    assert t["sets"].rows[-1][1:] == ["Tổng cộng", 2] and t["sets"].totals == [len(t["sets"].rows) - 1]
    assert [r[0] for r in t["trend"].rows][-1] == datetime.date.today().year
    [expiring] = t["expiring"].rows
    assert expiring[0] == EVIL and expiring[2] == 3 and isinstance(expiring[3], datetime.date)
    assert expiring[4] == "Không"
    coverage = t["coverage"]
    assert coverage.headers[0] == "Xã, phường" and len(coverage.rows) == data["coverage"]["communes"] + 1
    assert ["Xã Bình Lư", 2, "Có"] in coverage.rows
    [target] = t["targets"].rows
    assert target[1:4] == [10, 2, 20]
    outcomes = t["outcomes"].rows
    assert outcomes[0][:5] == ["Tỉnh Lai Châu", 1, 1200, 12, 6.5] and outcomes[-1][0] == "Tổng cộng"


def test_title_names_the_area_and_the_period(lai_chau_commune):
    province = stats.area_for(None, LAI_CHAU)
    data = dashboard.build(province, 2024)
    assert report.title(data) == "Báo cáo kết quả Chương trình OCOP — Tỉnh Lai Châu — năm 2024"
    data = dashboard.build(province, today=datetime.date(2026, 11, 23))
    assert report.title(data).endswith("— Tỉnh Lai Châu — số liệu đến ngày 23/11/2026")
    assert report.office(data) == "Cơ quan OCOP Tỉnh Lai Châu"
    assert report.office(dashboard.build(stats.Area())).startswith("Văn phòng Điều phối")
    commune = dashboard.build(stats.area_for(None, LAI_CHAU, lai_chau_commune.pk))
    assert "Xã Bình Lư, Tỉnh Lai Châu" in report.title(commune)


def test_xlsx_summary_sheet_then_a_sheet_per_table(filled):
    data = dashboard.build(stats.Area())
    out = io.BytesIO()
    report.write_xlsx(data, out)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert wb.sheetnames[0] == "Tổng hợp" and len(wb.sheetnames) == 1 + len(KEYS)
    assert len(set(wb.sheetnames)) == len(wb.sheetnames) and all(len(n) <= 31 for n in wb.sheetnames)
    ws = wb["Tổng hợp"]
    assert ws["A1"].value == report.title(data) and ws["A1"].font.bold
    labels = {row[0].value: row[1].value for row in ws.iter_rows(min_row=2) if row[0].value}
    assert labels["Tổng số sản phẩm OCOP"] == data["summary"]["products"] == 3
    headers = [c for c in _cells(ws) if c.value == "Số lượng"]
    assert headers and headers[0].font.bold
    for sheet in wb.worksheets:
        cells = _cells(sheet)
        assert not any(c.data_type == "f" for c in cells), sheet.title  # nothing runs as a formula
        assert not any(isinstance(c.value, str) and c.value.startswith("=") for c in cells)
    expiring = wb.worksheets[1 + KEYS.index("expiring")]
    row = next(r for r in expiring.iter_rows(min_row=3) if r[0].value and "HYPERLINK" in r[0].value)
    assert row[0].value == "'" + EVIL
    assert row[2].value == 3 and isinstance(row[3].value, datetime.datetime)  # numbers and dates stay so
    assert row[3].number_format == "DD/MM/YYYY"
    assert expiring.column_dimensions["A"].width > 20


def test_pdf_of_a_province(filled):
    data = dashboard.build(stats.area_for(None, LAI_CHAU))
    pdf = report.write_pdf(data)
    assert pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf and b"DejaVuSans-Bold" in pdf
    assert _pages(pdf) >= 2


def test_pdf_text_keeps_the_vietnamese_diacritics(filled):
    pypdf = pytest.importorskip("pypdf")
    data = dashboard.build(stats.area_for(None, LAI_CHAU))
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(report.write_pdf(data))).pages)
    assert "Tỉnh Lai Châu" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Trang 2" in text


def test_long_coverage_tables_split_across_pages_with_the_header_repeated():
    from reportlab.platypus import Table as PdfTable

    for area in (stats.area_for(None, THANH_HOA), stats.Area()):
        data = dashboard.build(area)
        tables = [f for f in report.story(data, 500) if isinstance(f, PdfTable) and f._nrows > 30]
        assert tables and all(t.repeatRows == 1 for t in tables)
        pdf = report.write_pdf(data)
        assert pdf.startswith(b"%PDF")
    assert _pages(report.write_pdf(dashboard.build(stats.area_for(None, THANH_HOA)))) >= 4


@pytest.mark.parametrize("province", ["12", ""])  # Lai Châu (it has a target) and the country
def test_every_table_downloads_in_both_formats(filled, client, national, province):
    """Each table's own download link on the dashboard (a title with ':' once made openpyxl refuse the sheet
    name, and a target's translated label the cell: both were 500s)."""
    client.force_login(national)
    for key in KEYS:
        xlsx = client.get(f"/quan-ly/thong-ke/bang/{key}.xlsx", {"province": province})
        assert xlsx.status_code == 200, key
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
        assert not set(sheet.title) & set("[]:*?/\\") and len(sheet.title) <= 31
        cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        csv = client.get(f"/quan-ly/thong-ke/bang/{key}.csv", {"province": province})
        assert csv.status_code == 200, key
        assert str(cells[0]) in csv.content.decode("utf-8-sig")
        if key == "targets" and province:
            assert "Sản phẩm OCOP còn hiệu lực cuối năm" in cells
