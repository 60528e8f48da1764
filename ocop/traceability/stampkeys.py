"""Which keys issue and verify stamp codes. Pure Python.

A code does not say which key made it. Each batch records the id of the key it was issued under, so a
code verifies under key K only if its tag matches under K *and* its position lies in a batch issued
under K (services.verify tries the few configured keys). Settings (environment):

    OCOP_STAMP_KEYS = "k2:<secret>,k1:<secret>"   the first key issues new batches; all of them verify
    OCOP_STAMP_KEYS_RETIRED = "k1"                 still verify, never issue; their stamps read «Cần lưu ý»

Without OCOP_STAMP_KEYS, OCOP_STAMP_KEY alone is key "k1": the key of every batch issued before keys had
ids (migration traceability 0003), so a deployment that never rotated keeps working unchanged. Secrets
never reach the database or the logs; only ids do.
"""

import re
from dataclasses import dataclass

from ocop.core.errors import OcopError, gettext_noop

from .stampcode import StampCodec

LEGACY_ID = "k1"
MAX_KEYS = 6  # a counterfeit scan decodes under each key and may look up one batch per key
MIN_SECRET = 32
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,15}\Z")


class StampKeyError(OcopError, ValueError):
    """OCOP_STAMP_KEYS or OCOP_STAMP_KEYS_RETIRED cannot be used: a stable code, params, and a message
    saying what to fix (translated where it is read)."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(code, message, params=params)


@dataclass(frozen=True)
class StampKey:
    id: str
    codec: StampCodec
    retired: bool


class Keyring:
    def __init__(self, keys: list[tuple[str, str]], retired: set[str]):
        if not keys:
            raise StampKeyError("stamp_keys_empty", gettext_noop("OCOP_STAMP_KEYS không có khóa nào."))
        if len(keys) > MAX_KEYS:
            raise StampKeyError(
                "stamp_keys_too_many",
                gettext_noop("OCOP_STAMP_KEYS có %(n)s khóa, tối đa %(max)s: bỏ khóa cũ nhất đã ngừng dùng."),
                n=len(keys),
                max=MAX_KEYS,
            )
        ids = [key_id for key_id, _secret in keys]
        if len(set(ids)) != len(ids):
            raise StampKeyError(
                "stamp_keys_duplicate", gettext_noop("OCOP_STAMP_KEYS có mã khóa trùng nhau.")
            )
        unknown = retired - set(ids)
        if unknown:
            raise StampKeyError(
                "stamp_keys_retired_unknown",
                gettext_noop(
                    "OCOP_STAMP_KEYS_RETIRED nêu khóa không có trong OCOP_STAMP_KEYS: %(ids)s. "
                    "Khóa ngừng dùng vẫn phải nằm trong OCOP_STAMP_KEYS để tem cũ còn đọc được."
                ),
                ids=", ".join(sorted(unknown)),
            )
        if ids[0] in retired:
            raise StampKeyError(
                "stamp_key_current_retired",
                gettext_noop(
                    "Khóa phát hành «%(id)s» (khóa đầu tiên của OCOP_STAMP_KEYS) không thể ngừng dùng: "
                    "tạo khóa mới bằng «ocop stamps rotate-key» trước."
                ),
                id=ids[0],
            )
        self.keys = tuple(StampKey(k, StampCodec(s.encode()), k in retired) for k, s in keys)
        self.current = self.keys[0]
        self._by_id = {k.id: k for k in self.keys}

    def get(self, key_id: str) -> StampKey | None:
        return self._by_id.get(key_id)


def parse_keys(text: str) -> list[tuple[str, str]]:
    """ "k2:<secret>,k1:<secret>" → [("k2", secret), ("k1", secret)], in order."""
    keys = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, colon, secret = item.partition(":")
        key_id, secret = key_id.strip(), secret.strip()
        if not colon or not _ID.match(key_id):
            raise StampKeyError(
                "stamp_key_malformed",
                gettext_noop(
                    "OCOP_STAMP_KEYS phải có dạng «k2:<bí mật>,k1:<bí mật>»; mã khóa gồm chữ thường, số, "
                    "- hoặc _ (tối đa 16 ký tự), không phải «%(id)s»."
                ),
                id=key_id[:20],
            )
        if len(secret) < MIN_SECRET:
            raise StampKeyError(
                "stamp_key_short",
                gettext_noop(
                    "Bí mật của khóa «%(id)s» quá ngắn: cần ít nhất %(min)s ký tự ngẫu nhiên "
                    "(«ocop stamps rotate-key» tạo sẵn)."
                ),
                id=key_id,
                min=MIN_SECRET,
            )
        keys.append((key_id, secret))
    return keys


def keyring(keys: str, legacy: str, retired: str) -> Keyring:
    """The keyring of the settings: OCOP_STAMP_KEYS (or OCOP_STAMP_KEY as "k1"), OCOP_STAMP_KEYS_RETIRED."""
    listed = parse_keys(keys) if keys.strip() else [(LEGACY_ID, legacy)]
    return Keyring(listed, {r.strip() for r in retired.split(",") if r.strip()})


def next_id(used: set[str]) -> str:
    """k<n+1> after the highest k<n> ever used (in the settings or on a batch): an id is never reused."""
    numbers = [int(k[1:]) for k in used if re.fullmatch(r"k\d{1,6}", k)]
    return f"k{max(numbers, default=0) + 1}"
