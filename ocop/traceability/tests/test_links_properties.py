"""Properties of stamp links and stamp codes for any input (hypothesis): what the scan page reads first."""

import string
from urllib.parse import quote

from hypothesis import assume, example, given
from hypothesis import strategies as st

from ocop.core.codes import ALPHABET
from ocop.registry.gtin import check_digit, is_valid_gtin
from ocop.traceability.links import LOT_RE, LinkError, parse_path, path_of, stamp_url
from ocop.traceability.stampcode import CODE_LEN, SPACE, CodeError, StampCodec, display, normalize

codec = StampCodec(b"property key")
bodies = st.text("0123456789", min_size=7, max_size=13).filter(lambda s: len(s) in (7, 11, 12, 13))
gtins = bodies.map(lambda b: b + str(check_digit(b)))
lots = st.from_regex(LOT_RE, fullmatch=True)
codes = st.integers(min_value=0, max_value=SPACE - 1).map(codec.code)
hosts = st.sampled_from(["https://ocop.example.vn", "https://ocop.example.vn/", "http://localhost:8000"])
LINK_ERRORS = {"not_a_stamp_link", "bad_gtin", "non_canonical", "missing_serial"}


@given(hosts, gtins, st.one_of(st.just(""), lots), codes)
def test_every_printed_link_reads_back(host, gtin, lot, code):
    link = parse_path(path_of(stamp_url(host, code, gtin, lot)))
    assert (link.gtin, link.lot, link.code) == (gtin.zfill(14), lot, code)


@given(hosts, codes)
def test_every_short_link_reads_back(host, code):
    assert parse_path(path_of(stamp_url(host, code))).code == code


@given(bodies, st.integers(0, 9), codes)
def test_a_wrong_gtin_check_digit_is_refused(body, digit, code):
    assume(str(digit) != str(check_digit(body)))
    gtin = (body + str(digit)).zfill(14)
    assert not is_valid_gtin(gtin)
    try:
        parse_path(f"/01/{gtin}/21/{code}")
    except LinkError as e:
        assert e.code in ("bad_gtin", "non_canonical")
    else:
        raise AssertionError(f"{gtin} accepted")


segment = st.one_of(
    st.text(max_size=12),
    st.text(string.printable, max_size=12).map(lambda t: quote(t, safe="")),
    st.sampled_from(["01", "10", "21", "..", ".", "%", "%zz", "%00", "%ED%A0%80", "", "9" * 400]),
    gtins,
    codes,
)


@given(st.sampled_from(["/t/", "/01/", "/", "t/", "01/"]), st.lists(segment, max_size=8), st.text(max_size=8))
@example("/01/", ["08936120300015", "21", "9" * 5000], "")
@example("/01/", ["08936120300015", "10", "L" * 300, "21", "X"], "")
@example("/t/", ["..", "..", "etc", "passwd"], "")
@example("/t/", ["%00"], "")
def test_any_path_is_a_link_or_a_known_refusal(prefix, parts, tail):
    """Traversal, percent junk, huge serials, keys in any order: a Link or one of the LinkError codes."""
    try:
        link = parse_path(prefix + "/".join(parts) + tail)
    except LinkError as e:
        assert e.code in LINK_ERRORS
        return
    assert link.code and "/" not in link.code and link.code.isprintable()
    assert link.gtin == "" or is_valid_gtin(link.gtin)


@given(st.text())
def test_path_of_any_text_never_crashes(text):
    assert isinstance(path_of(text), str)


@given(st.text(max_size=40))
@example("4V8MBHTJ3YJWHS\x00")
@example("４V8MBHTJ3YJWHS")  # a full-width digit upper-cases to itself and is not in the alphabet
def test_only_codes_made_with_the_key_decode_with_a_good_tag(text):
    """Any string: refused as not a code, or decoded; a good tag only for the code the key makes."""
    try:
        decoded = codec.decode(text)
    except CodeError:
        clean = normalize(text)
        assert len(clean) != CODE_LEN or not set(clean) <= set(ALPHABET)
        return
    if decoded.tag_ok:
        assert codec.code(decoded.index) == normalize(text)
    else:
        assert decoded.index == -1 or 0 <= decoded.index < SPACE


@given(st.text(ALPHABET, min_size=CODE_LEN, max_size=CODE_LEN))
def test_random_codes_in_the_alphabet_are_forgeries(text):
    decoded = codec.decode(text)
    assert not decoded.tag_ok or codec.code(decoded.index) == text


@given(st.text())
def test_normalize_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


@given(codes)
def test_displayed_codes_normalize_back(code):
    assert normalize(display(code)) == code
    assert normalize(" " + display(code).lower().replace("-", " . ") + " ") == code
