import csv
import io

import openpyxl

from ocop.core.export import safe_cell, write


def test_formula_cells_are_escaped():
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for bad in ("+1", "-1+2", "@SUM(A1)", "\t=1"):
        assert safe_cell(bad).startswith("'")
    assert safe_cell("Mật ong") == "Mật ong"
    assert safe_cell(3) == 3


def test_xlsx_and_csv_round_trip_escaped():
    rows = [["=1+1", "Chè"], ["ok", None]]
    buf = io.BytesIO()
    write("xlsx", ["A", "B"], rows, buf)
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    assert [c.value for c in ws[2]] == ["'=1+1", "Chè"]
    buf = io.BytesIO()
    write("csv", ["A", "B"], rows, buf)
    text = buf.getvalue().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ["'=1+1", "Chè"]
