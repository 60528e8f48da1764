"""The periodic report (kỳ báo cáo) an OCOP office sends upward, built from the dashboard sections
(dashboard.build): the same figures as tables, then as an XLSX workbook or an A4 PDF.

- ``tables(data)``: one Table per section (summary, sets, trend, expiring, coverage, inclusion, ecommerce,
  targets, outcomes); cells are plain numbers, strings and dates, never HTML. An empty section still gives
  its table with the headers and no rows.
- ``title(data)``, ``period(data)``, ``office(data)``: the words on the cover.
- ``write_xlsx(data, out)``: a "Tổng hợp" sheet with every table, then one sheet per table.
- ``write_pdf(data)``: A4 portrait, DejaVu Sans (Vietnamese), the national motto, long tables split across
  pages with the header row repeated, page numbers in the footer.

No HTTP here: the views call these functions and wrap the result."""

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ocop.core import pdffonts
from ocop.core.export import SHEET_CHARS, safe_cell, sheet_title
from ocop.core.pdffonts import FONT, FONT_BOLD
from ocop.registry.models import ProducerType

from .charts import fmt
from .models import RecognitionKind
from .stats import STARS, percent, sector_names


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    totals: list[int] = field(default_factory=list)  # indices of the total / subtotal rows (set in bold)


def _yes_no(flag) -> str:
    return _("Có") if flag else _("Không")


def _year(data: dict) -> int:
    return data["year"] or data["today"].year


# --- the tables ------------------------------------------------------------------------------------------


def tables(data: dict) -> list[Table]:
    """One table per dashboard section, in the order of the report."""
    return [
        summary_table(data),
        sets_table(data),
        trend_table(data),
        expiring_table(data),
        coverage_table(data),
        inclusion_table(data),
        ecommerce_table(data),
        targets_table(data),
        outcomes_table(data),
    ]


def summary_table(data: dict) -> Table:
    s = data["summary"]
    rows: list[list] = []
    totals: list[int] = []

    def total(label: str, value: int) -> None:
        totals.append(len(rows))
        rows.append([label, value])

    for star in STARS:
        rows.append([_("%(star)s sao") % {"star": star}, s["by_star"].get(star, 0)])
    total(_("Tổng số sản phẩm OCOP"), s["products"])
    names = sector_names()
    for code, n in s["by_sector"].items():
        rows.append([_("Ngành %(code)s - %(name)s") % {"code": code, "name": names.get(code, code)}, n])
    total(_("Cộng theo ngành"), sum(s["by_sector"].values()))
    types = dict(ProducerType.choices)
    for code, n in s["by_producer_type"].items():
        rows.append([str(types.get(code, code)), n])
    total(_("Cộng theo loại hình chủ thể"), sum(s["by_producer_type"].values()))
    rows.append([_("Số chủ thể có sản phẩm OCOP"), s["producers"]])
    rows.append([_("Số xã, phường có sản phẩm OCOP"), s["communes_with_product"]])
    rows.append([_("Số xã, phường chưa có sản phẩm OCOP"), s["communes"] - s["communes_with_product"]])
    total(_("Tổng số xã, phường"), s["communes"])
    return Table(
        "summary",
        _("Số lượng sản phẩm OCOP theo hạng sao, ngành và loại hình chủ thể"),
        [_("Nội dung"), _("Số lượng")],
        rows,
        totals,
    )


def sets_table(data: dict) -> Table:
    rows = [[r["set"], r["name"], r["products"]] for r in data["by_set"]]
    totals = []
    if rows:
        totals.append(len(rows))
        rows.append(["", _("Tổng cộng"), sum(r["products"] for r in data["by_set"])])
    return Table(
        "sets",
        _("Sản phẩm OCOP theo bộ sản phẩm"),
        [_("Bộ số"), _("Bộ sản phẩm"), _("Số sản phẩm")],
        rows,
        totals,
    )


def trend_table(data: dict) -> Table:
    kinds = list(RecognitionKind)
    rows = [
        [r["year"], *(r.get(k.value, 0) for k in kinds), r["total"], r["in_force"]] for r in data["trend"]
    ]
    return Table(
        "trend",
        _("Kết quả công nhận sản phẩm OCOP qua các năm"),
        [_("Năm"), *(str(k.label) for k in kinds), _("Tổng"), _("Còn hiệu lực cuối năm")],
        rows,
    )


def expiring_table(data: dict) -> Table:
    e = data["expiring"]
    rows = [
        [
            r["name"],
            r["commune"],
            r["star"],
            r["ends_on"],
            _yes_no(r["reevaluating"]),
        ]
        for r in e["rows"]
    ]
    title = _("Sản phẩm OCOP hết hạn giấy chứng nhận đến ngày %(until)s: %(count)s sản phẩm") % {
        "until": f"{e['until']:%d/%m/%Y}",
        "count": e["count"],
    }
    if e["count"] > len(rows):
        title += _(" (liệt kê %(shown)s sản phẩm hết hạn sớm nhất)") % {"shown": len(rows)}
    return Table(
        "expiring",
        title,
        [_("Sản phẩm"), _("Xã, phường"), _("Hạng sao"), _("Hết hạn ngày"), _("Đang đánh giá lại")],
        rows,
    )


def coverage_table(data: dict) -> Table:
    c = data["coverage"]
    if data["area"].level == "country":
        headers = [
            _("Tỉnh, thành phố"),
            _("Số xã, phường"),
            _("Xã, phường có sản phẩm OCOP"),
            _("Tỷ lệ (%)"),
        ]
        rows = [[r["name"], r["communes"], r["with_product"], r["share"]] for r in c["table"]]
        total = [_("Cả nước"), c["communes"], c["with_product"], percent(c["with_product"], c["communes"])]
    else:
        # One row per commune: its products and whether it has one; the total row counts the communes.
        headers = [_("Xã, phường"), _("Số sản phẩm OCOP"), _("Có sản phẩm OCOP")]
        rows = [[r["name"], r.get("products", 0), _yes_no(r["with_product"])] for r in c["table"]]
        total = [
            _("Tổng cộng: %(n)s xã, phường") % {"n": c["communes"]},
            sum(r.get("products", 0) for r in c["table"]),
            _("%(with)s xã, phường (%(share)s %%)")
            % {"with": c["with_product"], "share": percent(c["with_product"], c["communes"])},
        ]
    totals = []
    if rows:
        totals.append(len(rows))
        rows.append(total)
    title = _("Xã, phường có sản phẩm OCOP: %(with)s/%(communes)s (%(share)s %%)") % {
        "with": c["with_product"],
        "communes": c["communes"],
        "share": percent(c["with_product"], c["communes"]),
    }
    return Table("coverage", title, headers, rows, totals)


def inclusion_table(data: dict) -> Table:
    i = data["inclusion"]
    rows = [
        [_("Tất cả chủ thể có sản phẩm OCOP"), i["producers"], 100 if i["producers"] else 0, i["products"]],
        [
            _("Chủ thể do phụ nữ làm chủ, đại diện"),
            i["female"],
            percent(i["female"], i["producers"]),
            i["female_products"],
        ],
        [
            _("Chủ thể do người dân tộc thiểu số làm chủ, đại diện"),
            i["ethnic"],
            percent(i["ethnic"], i["producers"]),
            i["ethnic_products"],
        ],
    ]
    return Table(
        "inclusion",
        _("Chủ thể do phụ nữ, người dân tộc thiểu số làm chủ"),
        [_("Nhóm chủ thể"), _("Số chủ thể"), _("Tỷ lệ chủ thể (%)"), _("Số sản phẩm")],
        rows,
        [0],
    )


def ecommerce_table(data: dict) -> Table:
    e = data["ecommerce"]
    return Table(
        "ecommerce",
        _("Sản phẩm OCOP bán trên sàn thương mại điện tử"),
        [_("Sản phẩm OCOP còn hiệu lực"), _("Có gian hàng thương mại điện tử"), _("Tỷ lệ (%)")],
        [[e["products"], e["online"], e["share"]]],
    )


def targets_table(data: dict) -> Table:
    rows = [[t["measure"], t["goal"], t["value"], t["share"], t["forecast"]] for t in data["targets"]]
    return Table(
        "targets",
        _("Thực hiện chỉ tiêu năm %(year)s") % {"year": _year(data)},
        [
            _("Chỉ tiêu"),
            _("Mức phấn đấu"),
            pgettext("targets table", "Đạt"),
            _("Tỷ lệ (%)"),
            _("Dự báo cuối năm"),
        ],
        rows,
    )


def outcomes_table(data: dict) -> Table:
    o = data["outcomes"]

    def row(r: dict, name: str) -> list:
        return [
            name,
            r["producers"],
            r["revenue"],
            r["jobs"],
            r["avg_income"],
            r["compared"],
            r["median_growth"],
            r["over_10"],
            r["over_20"],
        ]

    rows = [row(r, r["name"]) for r in o["table"]]
    totals = []
    if rows:
        totals.append(len(rows))
        rows.append(row(o["total"], _("Tổng cộng")))
    return Table(
        "outcomes",
        _("Kết quả sản xuất, kinh doanh của chủ thể năm %(year)s") % {"year": o["year"]},
        [
            _("Tỉnh, thành phố"),
            _("Chủ thể báo cáo"),
            _("Doanh thu (triệu đồng)"),
            _("Lao động"),
            _("Thu nhập bình quân (triệu đồng/người/tháng)"),
            _("Chủ thể so sánh được"),
            _("Tăng trưởng doanh thu trung vị (%)"),
            _("Số chủ thể tăng trên 10 %"),
            _("Số chủ thể tăng trên 20 %"),
        ],
        rows,
        totals,
    )


# --- the cover -------------------------------------------------------------------------------------------


def title(data: dict) -> str:
    """E.g. "Báo cáo kết quả Chương trình OCOP — Tỉnh Lai Châu — năm 2024"."""
    if data["year"]:
        when = _("năm %(year)s") % {"year": data["year"]}
    else:
        when = _("số liệu đến ngày %(date)s") % {"date": f"{data['today']:%d/%m/%Y}"}
    return _("Báo cáo kết quả Chương trình OCOP — %(area)s — %(when)s") % {
        "area": data["area"].name,
        "when": when,
    }


def period(data: dict) -> str:
    if data["year"]:
        text = _("Kỳ báo cáo: năm %(year)s (sản phẩm được công nhận trong năm, số liệu đến ngày %(date)s)")
        return text % {
            "year": data["year"],
            "date": f"{data['today']:%d/%m/%Y}",
        }
    return _("Kỳ báo cáo: sản phẩm OCOP còn hiệu lực đến ngày %(date)s") % {
        "date": f"{data['today']:%d/%m/%Y}"
    }


def office(data: dict) -> str:
    area = data["area"]
    if area.level == "country":
        return _("Văn phòng Điều phối nông thôn mới Trung ương")
    return _("Cơ quan OCOP %(area)s") % {"area": area.name}


def _place(data: dict) -> str:
    """The place in the date line: "Lai Châu" for Tỉnh Lai Châu, "Hà Nội" for the country."""
    area = data["area"]
    if area.province is None:
        return "Hà Nội"
    name = area.province.name
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


# --- XLSX ------------------------------------------------------------------------------------------------

SHEET_NAMES = {
    "summary": "Số lượng sản phẩm",
    "sets": "Bộ sản phẩm",
    "trend": "Qua các năm",
    "expiring": "Sắp hết hạn",
    "coverage": "Xã có sản phẩm",
    "inclusion": "Phụ nữ, dân tộc thiểu số",
    "ecommerce": "Thương mại điện tử",
    "targets": "Chỉ tiêu",
    "outcomes": "Kết quả sản xuất",
}


def _xlsx_value(value):
    """Numbers stay numbers, dates stay dates; text is escaped against formula injection."""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float | datetime.date) or value is None:
        return value
    return safe_cell(str(value))


def _sheet_name(name: str, used: set[str]) -> str:
    base = sheet_title(name)
    candidate, n = base, 1
    while candidate.lower() in used:
        n += 1
        suffix = f" ({n})"
        candidate = base[: SHEET_CHARS - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


def _width(value) -> int:
    if isinstance(value, datetime.date):
        return 10
    return len(str(value)) if value is not None else 0


def write_xlsx(data: dict, out) -> None:
    """The workbook: "Tổng hợp" (title, area, period, date made, every table), then a sheet per table.
    `out` is a path or a binary file object."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E8EEF4")
    wrap = Alignment(wrap_text=True, vertical="top")

    def put_table(ws, row: int, t: Table, widths: dict[int, int]) -> int:
        for col, h in enumerate(t.headers, 1):
            cell = ws.cell(row, col, safe_cell(h))
            cell.font, cell.fill, cell.alignment = bold, fill, wrap
            widths[col] = max(widths.get(col, 0), min(len(h), 24))
        for i, values in enumerate(t.rows):
            row += 1
            for col, v in enumerate(values, 1):
                cell = ws.cell(row, col, _xlsx_value(v))
                if isinstance(v, datetime.date):
                    cell.number_format = "DD/MM/YYYY"
                if i in t.totals:
                    cell.font = bold
                widths[col] = max(widths.get(col, 0), _width(v))
        return row + 1

    def fit(ws, widths: dict[int, int]) -> None:
        for col, w in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = max(8, min(w + 2, 60))

    all_tables = tables(data)
    wb = openpyxl.Workbook()
    ws = wb.active
    used: set[str] = set()
    ws.title = _sheet_name(_("Tổng hợp"), used)
    ws.cell(1, 1, safe_cell(title(data))).font = Font(bold=True, size=14)
    ws.cell(2, 1, safe_cell(office(data)))
    ws.cell(3, 1, safe_cell(_("Địa bàn: %(area)s") % {"area": data["area"].name}))
    ws.cell(4, 1, safe_cell(period(data)))
    ws.cell(5, 1, safe_cell(_("Ngày lập: %(date)s") % {"date": f"{datetime.date.today():%d/%m/%Y}"}))
    row, widths = 7, {}
    for t in all_tables:
        ws.cell(row, 1, safe_cell(t.title)).font = Font(bold=True, size=12)
        row = put_table(ws, row + 1, t, widths) + 1
    fit(ws, widths)

    for t in all_tables:
        sheet = wb.create_sheet(_sheet_name(SHEET_NAMES.get(t.key, t.title), used))
        sheet.cell(1, 1, safe_cell(t.title)).font = Font(bold=True, size=12)
        widths = {}
        put_table(sheet, 2, t, widths)
        sheet.freeze_panes = "A3"
        fit(sheet, widths)
    wb.save(out)


# --- PDF -------------------------------------------------------------------------------------------------


def _pdf_number(value, plain: bool = False) -> str:
    """Vietnamese style: 12.345 and 4,5; `plain` leaves years alone."""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, int) and plain:
        return str(value)
    return fmt(value) if isinstance(value, int | float | Decimal) else ""


def _pdf_cell(value, styles: dict, *, bold: bool, plain: bool):
    from reportlab.platypus import Paragraph

    if value is None or value == "":
        return Paragraph("", styles["cell"])
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Paragraph(_pdf_number(value, plain), styles["number_bold" if bold else "number"])
    if isinstance(value, datetime.date):
        text = f"{value:%d/%m/%Y}"
    else:
        text = str(value)
    return Paragraph(escape(text), styles["cell_bold" if bold else "cell"])


def _col_widths(t: Table, available: float) -> list[float]:
    """Share the width by the longest text of each column (headers count up to 14 characters)."""
    n = len(t.headers)
    wants = []
    for col in range(n):
        longest = min(len(t.headers[col]), 14)
        for r in t.rows:
            v = r[col] if col < len(r) else None
            text = _pdf_number(v) if isinstance(v, int | float | Decimal) else str(v or "")
            longest = max(longest, min(len(text), 60))
        wants.append(max(longest, 5))
    total = sum(wants)
    return [available * w / total for w in wants]


def _pdf_table(t: Table, styles: dict, available: float):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, TableStyle
    from reportlab.platypus import Table as PdfTable

    plain = {i for i, h in enumerate(t.headers) if h == _("Năm")}
    head = [Paragraph(escape(h), styles["head"]) for h in t.headers]
    body = [
        [_pdf_cell(v, styles, bold=i in t.totals, plain=col in plain) for col, v in enumerate(r)]
        for i, r in enumerate(t.rows)
    ]
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8a94a6")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if not body:
        body = [[Paragraph(escape(_("Không có số liệu.")), styles["cell"])] + [""] * (len(head) - 1)]
        commands.append(("SPAN", (0, 1), (-1, 1)))
    for i in t.totals:
        commands.append(("BACKGROUND", (0, i + 1), (-1, i + 1), colors.HexColor("#f4f6f8")))
    return PdfTable(
        [head, *body],
        colWidths=_col_widths(t, available),
        repeatRows=1,
        style=TableStyle(commands),
        hAlign="LEFT",
    )


def _styles() -> dict:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=11.5)
    return {
        "office": ParagraphStyle("office", base, fontName=FONT_BOLD, alignment=TA_CENTER, fontSize=9.5),
        "nation": ParagraphStyle("nation", base, fontName=FONT_BOLD, alignment=TA_CENTER, fontSize=9.5),
        "motto": ParagraphStyle("motto", base, fontName=FONT_BOLD, alignment=TA_CENTER, fontSize=10),
        "date": ParagraphStyle("date", base, alignment=TA_CENTER, spaceBefore=4),
        "title": ParagraphStyle(
            "title", base, fontName=FONT_BOLD, fontSize=14, leading=18, alignment=TA_CENTER, spaceBefore=14
        ),
        "period": ParagraphStyle("period", base, alignment=TA_CENTER, spaceBefore=4, spaceAfter=8),
        "heading": ParagraphStyle(
            "heading", base, fontName=FONT_BOLD, fontSize=10.5, leading=13, spaceBefore=10, spaceAfter=4
        ),
        "head": ParagraphStyle("head", base, fontName=FONT_BOLD, fontSize=8, leading=10, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10),
        "cell_bold": ParagraphStyle("cell_bold", base, fontName=FONT_BOLD, fontSize=8, leading=10),
        "number": ParagraphStyle("number", base, fontSize=8, leading=10, alignment=TA_RIGHT),
        "number_bold": ParagraphStyle(
            "number_bold", base, fontName=FONT_BOLD, fontSize=8, leading=10, alignment=TA_RIGHT
        ),
    }


def story(data: dict, available: float) -> list:
    """The flowables of the PDF (exposed for tests and for reuse in a longer document)."""
    from reportlab.platypus import KeepTogether, Paragraph, Spacer
    from reportlab.platypus import Table as PdfTable

    pdffonts.register()
    styles = _styles()
    made = datetime.date.today()
    left = [Paragraph(escape(office(data)).upper(), styles["office"])]
    motto = escape(_("Độc lập - Tự do - Hạnh phúc"))
    right = [
        Paragraph(escape(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")), styles["nation"]),
        Paragraph(f"<u>{motto}</u>", styles["motto"]),
        Paragraph(
            escape(
                _("%(place)s, ngày %(d)02d tháng %(m)02d năm %(y)s")
                % {"place": _place(data), "d": made.day, "m": made.month, "y": made.year}
            ),
            styles["date"],
        ),
    ]
    header = PdfTable([[left, right]], colWidths=[available * 0.42, available * 0.58])
    header.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    flowables = [
        header,
        Paragraph(escape(title(data)), styles["title"]),
        Paragraph(escape(period(data)), styles["period"]),
    ]
    for n, t in enumerate(tables(data), 1):
        heading = Paragraph(escape(f"{n}. {t.title}"), styles["heading"])
        table = _pdf_table(t, styles, available)
        if len(t.rows) <= 12:
            flowables.append(KeepTogether([heading, table]))
        else:  # long tables split across pages, header row repeated (repeatRows=1)
            flowables += [heading, table]
        flowables.append(Spacer(1, 2))
    return flowables


def write_pdf(data: dict) -> bytes:
    """The report as A4 portrait PDF bytes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    pdffonts.register()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title(data),
        author=office(data),
        subject=period(data),
    )
    footer = title(data)

    def on_page(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillGray(0.35)
        width, _height = A4
        canvas.drawString(doc.leftMargin, 10 * mm, footer[:110])
        canvas.drawRightString(width - doc.rightMargin, 10 * mm, _("Trang %(n)s") % {"n": document.page})
        canvas.restoreState()

    doc.build(story(data, doc.width), onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()
