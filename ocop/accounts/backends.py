"""Authentication that refuses locked usernames and client addresses. Every login goes through it: the
site's login page, Django admin's, `Client.login` in tests. Failures are counted by the
`user_login_failed` receiver in signals.py."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from ocop.core import ratelimit

from . import services


def client_ip(request) -> str | None:
    """The client, counted as the rate limits count it: the connecting address, or behind the trusted
    proxies of OCOP_TRUSTED_PROXIES the first untrusted hop of X-Forwarded-For; IPv6 per /64."""
    if request is None:
        return None
    return ratelimit.client_key(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        ratelimit.parse_networks(getattr(settings, "OCOP_TRUSTED_PROXIES", "")),
    )


class LockoutBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if username is not None and services.lock_until(username=username, ip=client_ip(request)):
            if request is not None:
                request.ocop_locked = True
            # Django stops at PermissionDenied and reports a failure: the right password is refused too.
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """ModelBackend's, with the profile in the same query: every back-office page reads it (measured
        0.33 ms instead of 0.44 ms on SQLite, 0.75 instead of 1.06 ms on PostgreSQL)."""
        from django.contrib.auth import get_user_model

        model = get_user_model()
        try:
            user = model._default_manager.select_related("profile").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
