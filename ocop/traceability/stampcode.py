"""Stamp serials that cannot be guessed or forged without the server's key. Pure Python.

A stamp is a position in one global sequence (0 … 2**38 − 1); batches reserve contiguous ranges of it, so
issuing a batch of any size is one database row. The printed code is 14 characters of an alphabet
without look-alikes (no 0/O, 1/I/L):

    BODY (8) = the position, encrypted with a keyed 19+19-bit Feistel permutation, in base 31
    TAG  (6) = a keyed BLAKE2b tag of the body, in base 31 (≈ 30 bits)

The permutation hides order and volume (neighbouring stamps share nothing), and decrypting the body gives
the position back without any lookup table. Guessing a valid code means guessing an issued position
(a few in 2**38) and its tag (1 in 887,503,681) at once.
"""

import hashlib
import hmac
from dataclasses import dataclass

from ocop.core.codes import ALPHABET
from ocop.core.errors import OcopError, gettext_noop

BASE = len(ALPHABET)  # 31
HALF_BITS = 19
MASK = (1 << HALF_BITS) - 1
SPACE = 1 << (2 * HALF_BITS)  # 274,877,906,944 stamp positions
BODY_LEN = 8  # 31**8 > 2**38
TAG_LEN = 6
TAG_SPACE = BASE**TAG_LEN
CODE_LEN = BODY_LEN + TAG_LEN
ROUNDS = 6
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_LETTERS = frozenset(ALPHABET)


class CodeError(OcopError, ValueError):
    """A text that is not a stamp code at all (wrong length or characters)."""

    def __init__(self, text: str):
        super().__init__(
            "stamp_code_malformed",
            gettext_noop(
                "«%(text)s» không phải mã tem: mã tem có 14 ký tự, chữ in hoa và chữ số không gồm "
                "0, 1, I, L, O (ví dụ ABCD-EFGH-JKMNPQ)."
            ),
            params={"text": text[:40]},
        )


@dataclass(frozen=True)
class Decoded:
    index: int  # the stamp's position in the global sequence
    tag_ok: bool


def _b31(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, BASE)
        out.append(ALPHABET[r])
    return "".join(reversed(out))


def _from_b31(text: str) -> int:
    n = 0
    for c in text:
        n = n * BASE + _VALUE[c]
    return n


def normalize(text: str) -> str:
    """What a person may type or a scanner may give: spaces, dashes and lower case are tolerated."""
    return text.replace("-", "").replace(" ", "").replace(".", "").strip().upper()


def display(code: str) -> str:
    """ABCD-EFGH-JKMNPQ: easy to read aloud and to type."""
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


class StampCodec:
    def __init__(self, key: bytes):
        master = hashlib.sha256(b"ocop-stamps\x00" + key).digest()
        rounds = hashlib.blake2b(key=master, digest_size=4, person=b"feistel")
        self._rounds = []  # the hash of round r has already read r: a scan only feeds it the half
        for r in range(ROUNDS):
            h = rounds.copy()
            h.update(bytes((r,)))
            self._rounds.append(h)
        self._tag = hashlib.blake2b(key=master, digest_size=8, person=b"tag")

    def _f(self, r: int, half: int) -> int:
        h = self._rounds[r].copy()
        h.update(half.to_bytes(3))  # HALF_BITS ≤ 24
        return int.from_bytes(h.digest()) & MASK

    def _encrypt(self, x: int) -> int:
        left, right = x >> HALF_BITS, x & MASK
        for r in range(ROUNDS):
            left, right = right, left ^ self._f(r, right)
        return (left << HALF_BITS) | right

    def _decrypt(self, y: int) -> int:
        left, right = y >> HALF_BITS, y & MASK
        for r in reversed(range(ROUNDS)):
            left, right = right ^ self._f(r, left), left
        return (left << HALF_BITS) | right

    def _tag_of(self, body: str) -> str:
        h = self._tag.copy()
        h.update(body.encode("ascii"))
        return _b31(int.from_bytes(h.digest()) % TAG_SPACE, TAG_LEN)

    def code(self, index: int) -> str:
        if not 0 <= index < SPACE:
            raise ValueError(f"stamp position out of range: {index}")
        body = _b31(self._encrypt(index), BODY_LEN)
        return body + self._tag_of(body)

    def codes(self, start: int, count: int):
        """The codes of positions start … start+count−1, lazily (for streaming exports)."""
        for index in range(start, start + count):
            yield self.code(index)

    def decode(self, text: str) -> Decoded:
        """Raises CodeError for a text that cannot be a code; otherwise the position and whether the
        tag matches (a code with a wrong tag was made without the key)."""
        code = normalize(text)
        if len(code) != CODE_LEN or not _LETTERS.issuperset(code):
            raise CodeError(code)
        value = _from_b31(code[:BODY_LEN])
        if value >= SPACE:
            # Not an output of the permutation: no key ever produced it. Report a position no batch holds.
            return Decoded(index=-1, tag_ok=False)
        expected = self._tag_of(code[:BODY_LEN])
        return Decoded(index=self._decrypt(value), tag_ok=hmac.compare_digest(expected, code[BODY_LEN:]))
