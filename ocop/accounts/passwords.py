"""Password rules (AUTH_PASSWORD_VALIDATORS) with messages in Vietnamese that say what to fix.

Django's own validators do the checking; these subclasses only replace their wording (Django's Vietnamese
catalogue is incomplete), and two rules are added: letters and digits both, and no password built on the
words everyone here tries first (mật khẩu, anh yêu em, the programme's name…)."""

import re

from django.contrib.auth import password_validation as base
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ocop.core.textfold import fold


class MinimumLengthValidator(base.MinimumLengthValidator):
    def get_error_message(self):
        return _("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.")

    def get_help_text(self):
        return _("Ít nhất %(min_length)d ký tự.") % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(base.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return _("Mật khẩu quá giống %(verbose_name)s của bạn: hãy chọn mật khẩu khác hẳn.")

    def get_help_text(self):
        return _("Không giống tên đăng nhập, họ tên hay thư điện tử.")


class CommonPasswordValidator(base.CommonPasswordValidator):
    def get_error_message(self):
        return _("Mật khẩu này quá phổ biến, dễ bị đoán: hãy chọn mật khẩu khác.")

    def get_help_text(self):
        return _("Không dùng mật khẩu phổ biến.")


class NumericPasswordValidator(base.NumericPasswordValidator):
    def get_error_message(self):
        return _("Mật khẩu không được chỉ gồm chữ số.")

    def get_help_text(self):
        return _("Không chỉ gồm chữ số.")


class LettersAndDigitsValidator:
    """At least one letter and one digit (Vietnamese letters with diacritics count as letters)."""

    def validate(self, password, user=None):
        if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
            raise ValidationError(self.get_error_message(), code="password_letters_digits")

    def get_error_message(self):
        return _("Mật khẩu cần có cả chữ cái và chữ số, ví dụ thêm vài chữ số vào giữa.")

    def get_help_text(self):
        return _("Có cả chữ cái và chữ số.")


# The letters of a password once digits and symbols are removed, folded (no diacritics, lower case).
COMMON_WORDS = {
    "matkhau",
    "password",
    "anhyeuem",
    "emyeuanh",
    "iloveyou",
    "ocop",
    "motxamotsanpham",
    "quantri",
    "admin",
    "administrator",
    "vietnam",
    "hanoi",
    "qwerty",
    "abc",
    "abcd",
    "abcdef",
}


class VietnameseCommonWordsValidator:
    """Refuses "Matkhau@2026", "anhyeuem123", "ocop-2026"…: a common word padded with digits and symbols."""

    def validate(self, password, user=None):
        letters = re.sub(r"[^a-z]", "", fold(password).replace(" ", ""))
        if letters in COMMON_WORDS:
            raise ValidationError(self.get_error_message(), code="password_common_word")

    def get_error_message(self):
        return _(
            "Mật khẩu chỉ là một từ quen thuộc thêm số hoặc ký hiệu, dễ bị đoán: hãy dùng một cụm từ riêng."
        )

    def get_help_text(self):
        return _("Không chỉ là một từ quen thuộc (mật khẩu, anh yêu em, ocop…) thêm số.")
