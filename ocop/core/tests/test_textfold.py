from hypothesis import given
from hypothesis import strategies as st

from ocop.core.textfold import admin_key, fold, fold_words


def test_fold_strips_diacritics_case_and_spaces():
    assert fold("  Mật   ong HOA ban ") == "mat ong hoa ban"
    assert fold("Điện Biên") == "dien bien"
    assert fold("đường ĐÁ") == "duong da"


def test_admin_key_drops_unit_prefixes():
    assert admin_key("Tỉnh Điện Biên") == "dien bien"
    assert admin_key("Thành phố Hà Nội") == "ha noi"
    assert admin_key("TP. Hồ Chí Minh") == "ho chi minh"
    assert admin_key("xã  Tủa   Chùa") == "tua chua"
    assert admin_key("Phường Ba Đình") == "ba dinh"
    # Only one prefix goes: "Xã Xà Phìn" keeps the "Xà" of its name.
    assert admin_key("Xã Xà Phìn") == "xa phin"


def test_fold_words_removes_punctuation():
    assert fold_words("Mật ong hoa ban — HTX Ong mật Điện Biên") == "mat ong hoa ban htx ong mat dien bien"


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(text):
    once = fold(text)
    assert fold(once) == once
    assert once == once.strip()
    assert "  " not in once


@given(st.text(alphabet="ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ "))
def test_vietnamese_letters_fold_to_ascii(text):
    assert fold(text).isascii()
