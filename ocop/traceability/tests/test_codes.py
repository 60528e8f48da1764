"""Pure logic: stamp codes, GS1 links, coarse places."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocop.core.codes import ALPHABET
from ocop.traceability import links, places
from ocop.traceability.links import LinkError, parse_path, path_of, stamp_url
from ocop.traceability.stampcode import CODE_LEN, SPACE, CodeError, StampCodec, display, normalize

codec = StampCodec(b"test key")
indexes = st.integers(min_value=0, max_value=SPACE - 1)


@given(indexes)
def test_code_round_trip(index):
    code = codec.code(index)
    assert len(code) == CODE_LEN and set(code) <= set(ALPHABET)
    decoded = codec.decode(code)
    assert decoded.index == index and decoded.tag_ok
    assert codec.decode(display(code).lower()).index == index  # typed with dashes, lower case


@settings(max_examples=300)
@given(indexes, st.integers(min_value=0, max_value=CODE_LEN - 1), st.sampled_from(ALPHABET))
def test_changing_any_character_is_caught(index, position, char):
    code = codec.code(index)
    tampered = code[:position] + char + code[position + 1 :]
    if tampered == code:
        return
    decoded = codec.decode(tampered)
    # Either the tag no longer matches or the body points elsewhere; never the same stamp passing as itself.
    assert not (decoded.tag_ok and decoded.index == index)
    assert not decoded.tag_ok  # a forged tag would need the key


def test_codes_need_the_key_and_hide_the_order():
    other = StampCodec(b"another key")
    assert codec.code(1) != other.code(1)
    assert not other.decode(codec.code(1)).tag_ok
    consecutive = [codec.code(i) for i in range(1000)]
    assert len(set(consecutive)) == 1000
    assert len({c[:3] for c in consecutive}) > 500  # neighbours share no prefix


def test_printed_codes_keep_reading_the_same():
    """Stamps already printed must decode to the same positions whatever the codec's code looks like."""
    printed = StampCodec(b"printed-key")
    known = {0: "4V8MBHTJ3YJWHS", 1: "59YB7C9BH6USEN", 123_456_789: "62KS3RARGJZQGF"}
    known[SPACE - 1] = "72FRGAYR39VUYV"
    for index, code in known.items():
        decoded = printed.decode(code)
        assert printed.code(index) == code and (decoded.index, decoded.tag_ok) == (index, True)


@pytest.mark.parametrize("text", ["", "ABC", "0" * 14, "I" * 14, "ABCDEFGHJKMNPQR", "ÀBCDEFGHJKMNPQ"])
def test_texts_that_are_not_codes(text):
    with pytest.raises(CodeError):
        codec.decode(text)


def test_normalize():
    assert normalize(" abcd-efgh jkmnpq ") == "ABCDEFGHJKMNPQ"


def test_gs1_link_round_trip_and_refusals():
    url = stamp_url("https://ocop.example.vn/", "32HA89R46UM6AX", "8936120300015", "MC-2611.A")
    assert url == "https://ocop.example.vn/01/08936120300015/10/MC-2611.A/21/32HA89R46UM6AX"
    link = parse_path(path_of(url))
    assert (link.gtin, link.lot, link.code) == ("08936120300015", "MC-2611.A", "32HA89R46UM6AX")
    assert parse_path("/01/08936120300015/21/X").lot == ""
    assert stamp_url("https://h", "X") == "https://h/t/X" and parse_path("/t/X").code == "X"
    for path, code in [
        ("/01/08936120300016/21/X", "bad_gtin"),  # check digit
        ("/01/08936120300015/21/X/10/L", "non_canonical"),  # lot after serial
        ("/01/08936120300015", "missing_serial"),
        ("/01/abc/21/x", "non_canonical"),
        ("/x/y", "not_a_stamp_link"),
        ("/t/", "not_a_stamp_link"),
        ("/t/a/b", "not_a_stamp_link"),
    ]:
        with pytest.raises(LinkError) as e:
            parse_path(path)
        assert e.value.code == code, path


@given(st.text(max_size=80))
def test_any_path_parses_or_fails_cleanly(text):
    try:
        parse_path(text)
    except LinkError:
        pass


def _outcome(parse, path):
    try:
        return parse(path)
    except LinkError as e:
        return e.code


@given(
    st.text("0123456789", min_size=12, max_size=15),
    st.one_of(st.none(), st.text("AZaz09._-%/ ", min_size=0, max_size=24)),
    st.text("ABCXYZ0123456789", min_size=1, max_size=22),
)
def test_fast_path_agrees_with_the_full_gs1_parse(gtin, lot, serial):
    """Printed links take a shortcut (biip checks each product+lot part once); it must read every such path
    exactly as the full GS1 Digital Link parse does."""
    path = f"/01/{gtin}" + (f"/10/{lot}" if lot is not None else "") + f"/21/{serial}"
    assert _outcome(parse_path, path) == _outcome(links._parse_gs1, path)


def test_coarse_place():
    assert places.coarse(22.3957, 103.4581) == (22.4, 103.5)
    assert places.coarse(48.85, 2.35) is None and places.coarse(float("nan"), 105) is None
    assert places.province_at(22.4, 103.5) == 12  # Lai Châu
    assert places.province_at(13.77, 109.2) == 52  # Quy Nhơn is Gia Lai since 2025
    assert places.province_at(10.78, 106.7) == 79
    assert len({s[0] for s in places.SEATS}) == 34
