"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), for the optional second login factor.

Pure Python: no Django. The authenticator apps (Google Authenticator, Microsoft Authenticator, FreeOTP…)
all use the defaults: SHA-1, 6 digits, 30-second steps."""

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP = 30
DIGITS = 6
# One step either side: a phone clock off by up to 30 s, or a code typed just as it changed.
WINDOW = 1
_DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


def new_secret(nbytes: int = 20) -> str:
    """A random base32 secret (160 bits, the size RFC 4226 recommends), without padding."""
    return base64.b32encode(secrets.token_bytes(nbytes)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    s = secret.replace(" ", "").upper()
    return base64.b32decode(s + "=" * (-len(s) % 8))


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = "SHA1") -> str:
    """RFC 4226 §5.3: HMAC of the 8-byte counter, dynamic truncation, the last `digits` decimal digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), _DIGESTS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def step_at(at: float, *, step: int = STEP) -> int:
    return int(at // step)


def totp(secret: str, at: float, *, digits: int = DIGITS, algorithm: str = "SHA1", step: int = STEP) -> str:
    """The code shown by an authenticator at Unix time `at` for a base32 `secret`."""
    return hotp(_key(secret), step_at(at, step=step), digits=digits, algorithm=algorithm)


def verify(secret: str, code: str, *, at: float, last_step: int | None = None) -> int | None:
    """The time step the code belongs to, or None if it is wrong.

    Accepts the current step and one either side, but never a step at or before `last_step` (the step of
    the last accepted code): a code seen over someone's shoulder cannot be used a second time."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    key = _key(secret)
    now = step_at(at)
    for candidate in range(now - WINDOW, now + WINDOW + 1):
        if last_step is not None and candidate <= last_step:
            continue
        if hmac.compare_digest(hotp(key, candidate), code):
            return candidate
    return None


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// URI the QR code carries (the Key Uri Format the authenticator apps read)."""
    label = quote(f"{issuer}:{account}", safe="")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP}
    )
    return f"otpauth://totp/{label}?{query}"


def group(secret: str, size: int = 4) -> str:
    """The secret in groups of four letters, for typing it into a phone by hand."""
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))
