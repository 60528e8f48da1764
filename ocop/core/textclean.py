"""Tidy what people type before it is stored. Pure Python: imports nothing from Django.

clean_line("\u200b Hợp tác xã\u00a0 Tân Uyên \u202e") == "Hợp tác xã Tân Uyên"

- Unicode NFC, so a name typed with combining accents (NFD, some Windows keyboards and PDFs) and the same
  name typed precomposed are one string; Vietnamese letters are kept as they are.
- Invisible characters are removed: format characters (category Cf: zero-width space, joiner and
  non-joiner U+200B–U+200D, word joiner U+2060, BOM U+FEFF, soft hyphen, bidi controls U+202A–U+202E and
  U+2066–U+2069…), control characters (Cc) except a line break or tab in a multi-line text, and the "blank
  letters" that render as nothing (Hangul fillers, braille blank). A name made only of them is empty.
- White space: a single line collapses every run of white space (NBSP, ideographic space…) to one space; a
  multi-line text keeps its line breaks (CR LF → LF, at most one empty line in a row) and trims each line.
"""

import re
import unicodedata

# Letters (Lo/So) that display as nothing: used to make a name look empty or to pad it.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_SPACES = re.compile(r"\s+")
_LINE_SPACES = re.compile(r"[^\S\n\t]+")
_MANY_BREAKS = re.compile(r"\n{3,}")


def _visible(ch: str, keep: str) -> bool:
    if ch in keep:
        return True
    if ch in _BLANK_LETTERS:
        return False
    cat = unicodedata.category(ch)
    if cat in ("Cf", "Cc"):
        # \t \n \r are Cc; outside `keep` they become white space (collapsed), not glued words
        return ch in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85"
    return True


def _strip_invisible(text: str, keep: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if _visible(ch, keep))


def clean_line(value: object) -> str:
    """One line: NFC, no invisible characters, white space collapsed to single spaces, trimmed."""
    if value is None:
        return ""
    return _SPACES.sub(" ", _strip_invisible(str(value), "")).strip()


def clean_text(value: object) -> str:
    """Several lines (a description, a note): NFC, no invisible characters, line breaks and tabs kept (CR LF
    and the other line separators become LF), spaces collapsed within a line, at most one empty line in a
    row, trimmed."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n")
    text = re.sub(r"[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]", "\n", text)
    text = _strip_invisible(text, "\n\t")
    lines = [_LINE_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_BREAKS.sub("\n\n", "\n".join(lines)).strip()


# --- phone numbers --------------------------------------------------------------------------------------

PHONE_SEPARATORS = re.compile(r"[,;/]")
_PHONE_PART = re.compile(r"\+?[0-9(][0-9 .\-()]*")
PHONE_DIGITS = (8, 12)  # 1800 1234 … 0084 2xx xxx xxxx; a number without its leading 0 (Excel) has 9–10
PHONE_DIGITS_INTERNATIONAL = (8, 15)  # E.164: at most 15 digits after the +


def phone_ok(value: str) -> bool:
    """One or more phone numbers, separated by ',' ';' or '/'. Each is digits with spaces, dots, dashes or
    parentheses between them and an optional leading '+': 8–12 digits (a Vietnamese number: 0912 345 678,
    0213 3876 555, 1800 1234, +84 912 345 678), or 8–15 after a '+' (another country). No letters, no
    markup. An empty value is fine (the field is optional)."""
    text = clean_line(value)
    if not text:
        return True
    for part in PHONE_SEPARATORS.split(text):
        part = part.strip()
        if not _PHONE_PART.fullmatch(part):
            return False
        digits = sum(ch.isdigit() for ch in part)
        low, high = PHONE_DIGITS_INTERNATIONAL if part.startswith("+") else PHONE_DIGITS
        if not low <= digits <= high:
            return False
    return True
