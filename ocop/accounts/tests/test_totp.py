"""RFC 6238 Appendix B test vectors, the ±1 step window and no reuse within a step."""

import base64
import re
from urllib.parse import parse_qs, urlparse

import pytest

from ocop.accounts import totp

SHA1 = base64.b32encode(b"12345678901234567890").decode()
SHA256 = base64.b32encode(b"12345678901234567890123456789012").decode()
SHA512 = base64.b32encode(b"1234567890123456789012345678901234567890123456789012345678901234").decode()

# RFC 6238 Appendix B: (time, SHA-1, SHA-256, SHA-512), 8 digits, 30-second steps.
VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("at", "sha1", "sha256", "sha512"), VECTORS)
def test_rfc6238_vectors(at, sha1, sha256, sha512):
    assert totp.totp(SHA1, at, digits=8) == sha1
    assert totp.totp(SHA256, at, digits=8, algorithm="SHA256") == sha256
    assert totp.totp(SHA512, at, digits=8, algorithm="SHA512") == sha512


def test_rfc4226_hotp_vectors():
    # RFC 4226 Appendix D, counters 0..9.
    expected = "755224 287082 359152 969429 338314 254676 287922 162583 399871 520489".split()
    assert [totp.hotp(b"12345678901234567890", c) for c in range(10)] == expected


def test_window_is_one_step_either_side():
    secret, at = totp.new_secret(), 1_800_000_015.0
    step = totp.step_at(at)
    for offset in (-1, 0, 1):
        code = totp.totp(secret, at + offset * totp.STEP)
        assert totp.verify(secret, code, at=at) == step + offset
    for offset in (-2, 2):
        assert totp.verify(secret, totp.totp(secret, at + offset * totp.STEP), at=at) is None


def test_a_code_is_not_accepted_twice_nor_an_older_one():
    secret, at = totp.new_secret(), 1_800_000_015.0
    code = totp.totp(secret, at)
    step = totp.verify(secret, code, at=at)
    assert totp.verify(secret, code, at=at, last_step=step) is None
    # The previous step's code is still inside the window but older than the accepted one.
    assert totp.verify(secret, totp.totp(secret, at - totp.STEP), at=at, last_step=step) is None
    assert totp.verify(secret, totp.totp(secret, at + totp.STEP), at=at, last_step=step) == step + 1


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "12a456", "abcdef"])
def test_malformed_codes_are_refused(bad):
    assert totp.verify(totp.new_secret(), bad, at=1_800_000_000) is None


def test_spaces_in_a_typed_code_are_ignored():
    secret, at = totp.new_secret(), 1_800_000_000
    code = totp.totp(secret, at)
    assert totp.verify(secret, f"{code[:3]} {code[3:]}", at=at) is not None


def test_secret_is_160_bits_of_base32_and_grouped_for_typing():
    secret = totp.new_secret()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert len(base64.b32decode(secret)) == 20
    assert totp.group(secret).replace(" ", "") == secret
    # The grouped form is accepted too, as someone may copy it back.
    assert totp.totp(totp.group(secret), 1e9) == totp.totp(secret, 1e9)


def test_provisioning_uri():
    uri = urlparse(totp.provisioning_uri("JBSWY3DPEHPK3PXP", account="lai châu", issuer="OCOP"))
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert uri.path == "/OCOP%3Alai%20ch%C3%A2u"
    q = parse_qs(uri.query)
    assert q == {
        "secret": ["JBSWY3DPEHPK3PXP"],
        "issuer": ["OCOP"],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
    }
