from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .signals import PENDING_SECOND_FACTOR


class SecondFactorMiddleware:
    """Closes a session that a password alone opened for an account with the second factor on (a login
    form other than the site's two-step one): no page, back office or API, is served to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(PENDING_SECOND_FACTOR):
            logout(request)
            messages.warning(
                request, _("Tài khoản này dùng xác thực hai lớp: hãy đăng nhập tại đây rồi nhập mã.")
            )
            return redirect("accounts:login")
        return self.get_response(request)
