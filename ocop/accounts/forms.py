import datetime
import hashlib

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.core import throttle
from ocop.core.forms import date_field

from . import services
from .backends import client_ip
from .models import TokenScope


class _Lockout:
    """Says when a locked username or address may try again, instead of "wrong password"."""

    def clean(self):
        username = self.cleaned_data.get("username")
        ip = client_ip(self.request)
        if username and (until := services.lock_until(username=username, ip=ip)):
            raise ValidationError(services.lockout_message(until), code="locked")
        try:
            return super().clean()
        except ValidationError:
            if username and (until := services.lock_until(username=username, ip=ip)):
                raise ValidationError(services.lockout_message(until), code="locked") from None
            raise


class LoginForm(_Lockout, AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Hãy kiểm tra lại (phân biệt chữ hoa, chữ thường)."
        ),
        "inactive": _("Tài khoản này đã bị khóa. Hãy liên hệ quản trị của tỉnh."),
    }


class AdminLoginForm(_Lockout, AdminAuthenticationForm):
    """Django admin's login, with the lockout; accounts with a second factor are sent to the site's login."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if services.two_factor_enabled(user):
            raise ValidationError(
                _(
                    "Tài khoản này dùng xác thực hai lớp: hãy đăng nhập ở trang /tai-khoan/dang-nhap/ "
                    "rồi mở lại trang quản trị."
                ),
                code="second_factor",
            )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=20,
        help_text=_("6 chữ số trong ứng dụng xác thực, hoặc một mã khôi phục (dạng XXXXX-XXXXX)."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Mật khẩu"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class RecoveryCodesForm(forms.Form):
    """New recovery codes: a current app code, or the password."""

    code = forms.CharField(
        label=_("Mã trong ứng dụng xác thực"),
        max_length=20,
        required=False,
        help_text=_("6 chữ số đang hiện trong ứng dụng (không dùng mã khôi phục ở đây)."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
    password = forms.CharField(
        label=_("Hoặc mật khẩu"),
        required=False,
        help_text=_("Khi không có điện thoại bên cạnh."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class NewPasswordForm(forms.Form):
    new_password = forms.CharField(
        label=_("Mật khẩu mới"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password"].help_text = password_validation.password_validators_help_text_html()

    def clean(self):
        data = super().clean()
        if (
            data.get("new_password")
            and data.get("new_password2")
            and data["new_password"] != data["new_password2"]
        ):
            self.add_error("new_password2", _("Hai lần nhập mật khẩu mới không giống nhau."))
        return data


class PasswordChangeForm(NewPasswordForm):
    old_password = forms.CharField(
        label=_("Mật khẩu hiện tại"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    field_order = ["old_password", "new_password", "new_password2"]


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The address to mail a reset link to. Django's form: it mails active accounts with a usable password
    whose address matches, and says nothing about the others (the page is the same either way)."""

    email = forms.EmailField(
        label=_("Thư điện tử"),
        max_length=254,
        help_text=_("Địa chỉ thư điện tử đã khai trong tài khoản OCOP của bạn."),
        error_messages={
            "required": _("Hãy nhập địa chỉ thư điện tử."),
            "invalid": _("Địa chỉ thư điện tử không đúng dạng (ví dụ: ten@example.vn)."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email):
        """Django's, and at most `reset_mail` (3 an hour) mails to one address whoever asks: the per-client
        limit alone lets many clients fill one mailbox. Over it, nothing is sent and the page is the same."""
        users = list(super().get_users(email))
        who = "e:" + hashlib.sha256(email.casefold().encode()).hexdigest()[:32]
        if users and not throttle.take("reset_mail", who):
            return []
        return users


class SetPasswordForm(NewPasswordForm):
    """The new password, on the page the mailed link opens (PasswordResetConfirmView passes the user)."""

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


def _in_90_days():
    return timezone.localdate() + datetime.timedelta(days=90)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên khóa"), max_length=100, help_text=_("Hệ thống nào sẽ dùng khóa này."))
    scopes = forms.MultipleChoiceField(
        label=_("Quyền"),
        choices=TokenScope.choices,
        initial=[TokenScope.READ],
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = date_field(_("Hết hạn ngày"))
    expires_on.initial = _in_90_days
    expires_on.help_text = _("Không quá một năm kể từ hôm nay.")
