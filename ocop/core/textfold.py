"""Vietnamese text folding for matching and search. Pure Python: imports nothing from Django.

fold("  Tỉnh   Điện Biên ") == "tinh dien bien": lower case, no diacritics, đ→d, single spaces.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)

# Longest first, so "thành phố" wins over a shorter prefix.
ADMIN_PREFIXES = (
    "thanh pho truc thuoc trung uong",
    "thanh pho",
    "thi tran",
    "thi xa",
    "dac khu",
    "tinh",
    "huyen",
    "quan",
    "phuong",
    "xa",
    "tp.",
    "tp",
    "tx.",
    "tx",
    "tt.",
    "tt",
)


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics (đ→d) and collapse white space."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()


def fold_words(text: str | None) -> str:
    """fold() and turn punctuation into spaces: for search columns and header matching."""
    return _SPACES.sub(" ", _PUNCT.sub(" ", fold(text))).strip()


def strip_admin_prefix(folded: str) -> str:
    """Drop one leading unit type ("tinh", "thanh pho", "xa", …) from an already folded name."""
    for prefix in ADMIN_PREFIXES:
        if folded.startswith(prefix + " ") or (prefix.endswith(".") and folded.startswith(prefix)):
            rest = folded[len(prefix) :].strip()
            if rest:
                return rest
    return folded


def admin_key(name: str | None) -> str:
    """Key used to match an administrative unit's name: folded, punctuation-free, no type prefix."""
    return strip_admin_prefix(fold(name).replace("tp.", "tp ")).replace(".", " ").strip()
