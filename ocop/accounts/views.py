"""Login in one or two steps, a forgotten password, one's own account: password, second factor, API keys."""

import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from ocop.core.codes import ALPHABET
from ocop.core.errors import OcopError
from ocop.core.http import form_error

from . import services, totp
from .backends import client_ip
from .forms import (
    CodeForm,
    LoginForm,
    PasswordChangeForm,
    PasswordForm,
    PasswordResetForm,
    RecoveryCodesForm,
    SetPasswordForm,
    TokenForm,
)
from .models import ApiToken, LoginFailure, RecoveryCode, TwoFactor

# Between the password and the code the session holds only this (no authenticated user), for 5 minutes.
PENDING = "ocop_login_pending"
PENDING_SECONDS = 300


def _next_url(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    nxt = request.POST.get("next") or request.GET.get("next", "")
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if services.two_factor_enabled(user):
            request.session.cycle_key()
            request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "next": nxt,
            }
            return redirect("accounts:second_factor")
        login(request, user)
        return redirect(_next_url(request, nxt))
    return render(request, "accounts/login.html", {"form": form, "next": nxt})


@never_cache
def second_factor(request):
    pending = request.session.get(PENDING)
    user = None
    if pending and time.time() - pending["at"] <= PENDING_SECONDS:
        user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING, None)
        messages.info(request, _("Phiên đăng nhập đã hết hạn: hãy nhập lại tên đăng nhập và mật khẩu."))
        return redirect("accounts:login")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        until = services.lock_until(username=user.get_username(), ip=ip)
        if until is None:
            if services.second_factor_check(user=user, code=form.cleaned_data["code"]):
                del request.session[PENDING]
                request.ocop_second_factor_ok = True
                login(request, user, backend=pending["backend"])
                return redirect(_next_url(request, pending["next"]))
            services.login_failure_record(
                username=user.get_username(), ip=ip, reason=LoginFailure.Reason.CODE
            )
            until = services.lock_until(username=user.get_username(), ip=ip)
        if until is not None:
            del request.session[PENDING]
            messages.error(request, services.lockout_message(until))
            return redirect("accounts:login")
        form.add_error(
            "code",
            _("Mã không đúng hoặc đã dùng. Hãy nhập mã đang hiện trong ứng dụng, hoặc một mã khôi phục."),
        )
    return render(request, "accounts/second_factor.html", {"form": form})


@login_required
def account(request):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "two_factor_allowed": services.two_factor_allowed(user),
            "two_factor_on": services.two_factor_enabled(user),
            "tokens": ApiToken.objects.active().filter(owner=user).count(),
        },
    )


@login_required
@sensitive_post_parameters()
def password_change(request):
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except OcopError as exc:
            form_error(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # other sessions of this user are closed
            messages.success(request, _("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã bị đăng xuất."))
            return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@sensitive_post_parameters()
def two_factor(request):
    user = request.user
    if not services.two_factor_allowed(user):
        messages.error(request, _("Vai trò của bạn không dùng xác thực hai lớp."))
        return redirect("accounts:account")
    if services.two_factor_enabled(user):
        form = PasswordForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.two_factor_disable(user=user, password=form.cleaned_data["password"])
            except OcopError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Đã tắt xác thực hai lớp."))
                return redirect("accounts:account")
        left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
        return render(request, "accounts/two_factor_on.html", {"form": form, "recovery_left": left})
    device = services.two_factor_start(user=user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_confirm(user=user, code=form.cleaned_data["code"])
        except OcopError as exc:
            form_error(form, exc)
        else:
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
    return render(request, "accounts/two_factor_setup.html", {"form": form, **_enrolment(device)})


@login_required
@sensitive_post_parameters()
@never_cache
def recovery_codes(request):
    """New recovery codes, after a current app code or the password; shown once."""
    user = request.user
    if not services.two_factor_enabled(user):
        messages.info(request, _("Xác thực hai lớp chưa bật nên không có mã khôi phục."))
        return redirect("accounts:account")
    form = RecoveryCodesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.recovery_codes_regenerate(
                user=user, code=form.cleaned_data["code"], password=form.cleaned_data["password"]
            )
        except OcopError as exc:
            form_error(form, exc)
        else:
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "regenerated": True})
    left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
    return render(request, "accounts/recovery_codes_new.html", {"form": form, "recovery_left": left})


def _enrolment(device: TwoFactor) -> dict:
    uri = totp.provisioning_uri(device.secret, account=device.user.get_username(), issuer="OCOP")
    # segno writes the SVG itself (no JavaScript, no external image): only the secret goes into it.
    qr = segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff")
    return {"qr": mark_safe(qr), "secret": totp.group(device.secret)}


@login_required
def tokens(request):
    form = TokenForm(request.POST if request.method == "POST" else None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, created = services.token_create(
                actor=request.user,
                owner=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except OcopError as exc:
            form_error(form, exc)
        else:
            form = TokenForm()
    rows = ApiToken.objects.filter(owner=request.user)
    return render(request, "accounts/tokens.html", {"form": form, "rows": rows, "created": created})


@login_required
@require_POST
def token_revoke(request, prefix: str):
    if len(prefix) != 8 or not set(prefix) <= set(ALPHABET):  # never send a NUL or 100 kB to the database
        raise Http404
    token = get_object_or_404(ApiToken, owner=request.user, prefix=prefix)
    try:
        services.token_revoke(actor=request.user, token=token)
    except OcopError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã thu hồi khóa %(name)s.") % {"name": token.name})
    return redirect("accounts:tokens")


# Forgotten password: Django's views (signed token, expiry PASSWORD_RESET_TIMEOUT, the token kept out of the
# address bar and the Referer), with the site's pages and the setting of the password in the service.


@method_decorator(never_cache, name="dispatch")
class PasswordReset(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    subject_template_name = "accounts/password_reset_subject.txt"
    email_template_name = "accounts/password_reset_email.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        # The link is built on OCOP_PUBLIC_URL, never on the request's Host header (which a client writes).
        return {"public_url": settings.OCOP_PUBLIC_URL, "minutes": settings.PASSWORD_RESET_TIMEOUT // 60}


class PasswordResetDone(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(minutes=settings.PASSWORD_RESET_TIMEOUT // 60, **kwargs)


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        token = self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN, "")
        try:
            services.password_reset(
                user=self.user, token=token, new_password=form.cleaned_data["new_password"]
            )
        except OcopError as exc:
            form_error(form, exc)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
