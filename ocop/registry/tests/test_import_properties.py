"""Properties of the import's cell parsers and of GTIN check digits, for any input (hypothesis)."""

import datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ocop.core.errors import OcopError
from ocop.registry.gtin import check_digit, is_valid_gtin, normalize_gtin
from ocop.registry.importing import (
    _STAR_RE,
    _text,
    match_headers,
    parse_date,
    parse_producer_type,
    read_table,
)
from ocop.registry.models import ProducerType

dates = st.dates(min_value=datetime.date(1000, 1, 1), max_value=datetime.date(9999, 12, 31))
cells = st.one_of(
    st.none(),
    st.text(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.booleans(),
)


@given(dates, st.sampled_from("/.-"), st.booleans())
def test_dates_in_every_accepted_spelling_read_back(day, sep, padded):
    text = (
        f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}"
        if padded
        else f"{day.day}{sep}{day.month}{sep}{day.year}"
    )
    assert parse_date(f"  {text} ") == day
    assert parse_date(datetime.datetime.combine(day, datetime.time(8, 30))) == day
    assert parse_date(day) == day


@given(cells)
@example("31/02/2024")
@example("00/00/0000")
@example("1/1/10000")
@example("٣١/١٢/٢٠٢٤")  # Arabic-Indic digits are \d in Python's re
def test_any_cell_is_a_date_or_a_value_error(cell):
    try:
        day = parse_date(cell)
    except ValueError:
        return
    assert isinstance(day, datetime.date)


@given(cells)
def test_cell_text_is_one_trimmed_line(cell):
    text = _text(cell)
    assert text == text.strip() and "  " not in text
    assert not any(c in text for c in "\n\r\t")
    assert _text(text) == text


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_whole_numbers_from_excel_lose_their_point_zero(n):
    assert _text(float(n)) == str(n) == _text(n)


@given(st.text())
@example("Hợp tác xã Ong mật")
@example("CÔNG TY TNHH")
def test_producer_type_is_one_of_the_choices_or_none(text):
    kind = parse_producer_type(text)
    assert kind is None or kind in ProducerType.values


@given(st.text())
def test_star_cell_reads_only_one_to_five(text):
    m = _STAR_RE.match(text)
    assert m is None or 1 <= int(m.group(1)) <= 5


@given(st.lists(st.one_of(st.none(), st.text(max_size=30)), max_size=20))
def test_headers_map_to_distinct_columns_or_say_what_is_missing(header):
    try:
        found = match_headers(header)
    except OcopError as e:
        assert e.code == "columns_missing" and "Thiếu cột bắt buộc" in e.message
        return
    assert len(set(found.values())) == len(found)
    assert all(0 <= i < len(header) for i in found.values())


@given(st.binary(max_size=2000), st.sampled_from(["a.csv", "a.txt", "a.xlsx", "a.xls", "a", "a.CSV"]))
@example(b"mot cot\nmot dong\n", "a.csv")  # one column: nothing to sniff a delimiter from
@example(b'"', "a.csv")
@example(b"a,b\n" + b"x" * 140_000 + b"\n", "a.csv")  # a cell over the csv module's field limit
@example(b"PK\x03\x04 not a zip", "a.xlsx")
@settings(deadline=None)  # openpyxl takes a while to give up on a damaged zip
def test_any_file_gives_rows_or_a_message(data, name):
    """A damaged, empty or odd file is a message for the person importing it, never a crash."""
    try:
        rows = read_table(name, data)
    except OcopError as e:
        assert e.code in ("file_unreadable", "file_encoding", "file_type") and e.message
        return
    assert isinstance(rows, list) and all(isinstance(r, list) for r in rows)


@given(st.text("0123456789", min_size=7, max_size=13).filter(lambda s: len(s) in (7, 11, 12, 13)))
def test_gtin_with_its_check_digit_is_valid_and_any_other_digit_is_not(body):
    good = body + str(check_digit(body))
    assert is_valid_gtin(good) and is_valid_gtin(normalize_gtin(good))
    for d in "0123456789":
        if d != good[-1]:
            assert not is_valid_gtin(body + d)


@given(st.text(max_size=20))
def test_gtin_validation_never_crashes(text):
    assert is_valid_gtin(text) in (True, False)
