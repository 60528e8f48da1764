"""The pure tidying of typed text (issue 20, item 16): invisible characters out, Vietnamese kept, NFC."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocop.core.textclean import clean_line, clean_text, phone_ok

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐƯƠ"

INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\u202a",  # left-to-right embedding … right-to-left override
    "\u202e",
    "\u2066",  # isolates
    "\u2069",
    "\u180e",  # Mongolian vowel separator
    "\u3164",  # Hangul filler: a "letter" that shows nothing
    "\u2800",  # braille blank
    "\x00",
    "\x07",
]


@pytest.mark.parametrize("ch", INVISIBLE)
def test_a_name_of_invisible_characters_is_empty(ch):
    assert clean_line(ch * 5) == ""
    assert clean_line(f" {ch}\u00a0{ch} ") == ""
    assert clean_text(f"{ch}\n{ch}\t{ch}") == ""


def test_invisible_characters_are_taken_out_of_a_name_and_vietnamese_is_kept():
    assert clean_line("\u200bChè\u200d Shan\u202e tuyết  Tam\u00a0Đường\ufeff") == "Chè Shan tuyết Tam Đường"
    name = "Hợp tác xã Nông nghiệp Ứng Hòa — Mật ong hoa bạc hà Đồng Văn"
    assert clean_line(name) == name


def test_accents_typed_as_combining_marks_become_the_precomposed_letters():
    nfd = unicodedata.normalize("NFD", "Bánh chưng Bờ Đậu, Thái Nguyên")
    assert nfd != "Bánh chưng Bờ Đậu, Thái Nguyên"
    assert clean_line(nfd) == "Bánh chưng Bờ Đậu, Thái Nguyên"
    assert clean_text(nfd) == "Bánh chưng Bờ Đậu, Thái Nguyên"


def test_a_description_keeps_its_lines_but_not_its_padding():
    text = "\r\n  Dòng một\u200b \r\nDòng\thai  \n\n\n\n\u2028Dòng ba\u2029  "
    assert clean_text(text) == "Dòng một\nDòng\thai\n\nDòng ba"


def test_a_line_loses_its_line_breaks():
    assert clean_line("Tổ 5,\nphường\r\nĐoàn Kết") == "Tổ 5, phường Đoàn Kết"
    assert clean_line(None) == "" and clean_text(None) == ""


@pytest.mark.parametrize(
    "phone",
    [
        "",
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84 912 345 678",
        "(0213) 3876 555",
        "0213 3876 555",
        "1800 1234",
        "912345678",  # Excel dropped the leading 0
        "0912 345 678, 0213 3876 555",
        "0912345678; 0987654321",
        "0912345678 / 0987654321",
        "+33 1 42 68 53 00",
    ],
)
def test_phone_numbers_people_write(phone):
    assert phone_ok(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "<b>0912345678</b>",
        "0912345678<script>",
        "gọi anh Tuấn",
        "0912 abc 678",
        "12345",  # too short
        "0912345678901234",  # too long without '+'
        "+1234567890123456",
        "0912345678,",  # an empty number after the comma
        "javascript:alert(1)",
        "0912\u200b345\u200b678x",
    ],
)
def test_what_is_not_a_phone_number(phone):
    assert not phone_ok(phone)


@given(st.text())
def test_for_any_text_the_result_is_nfc_visible_and_stable(text):
    for clean in (clean_line, clean_text):
        out = clean(text)
        assert unicodedata.is_normalized("NFC", out)
        assert not any(unicodedata.category(ch) == "Cf" for ch in out)
        assert all(ch in "\n\t" or unicodedata.category(ch) != "Cc" for ch in out)
        assert out == out.strip()
    assert "\n" not in clean_line(text) and "\t" not in clean_line(text)


@given(st.text(VIETNAMESE + " "))
def test_vietnamese_words_come_out_as_they_went_in(text):
    assert clean_line(text) == " ".join(text.split())
