from hypothesis import given
from hypothesis import strategies as st

from ocop.registry.gtin import check_digit, is_valid_gtin, normalize_gtin


def test_known_gtins():
    assert is_valid_gtin("8934588012228")
    assert not is_valid_gtin("8934588012227")
    assert is_valid_gtin("96385074")
    assert not is_valid_gtin("89345880122a8")
    assert not is_valid_gtin("893458801222\u00b9")  # a superscript digit: isdigit() yes, int() no
    assert not is_valid_gtin("")
    assert normalize_gtin("8934588012228") == "08934588012228"


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_computed_check_digit_validates(body):
    assert is_valid_gtin(body + str(check_digit(body)))
    assert not is_valid_gtin(body + str((check_digit(body) + 1) % 10))
