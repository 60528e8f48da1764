"""Login events: count failures (any login form, Django admin included), reset on success, and mark a
session opened without the second factor of an account that has one."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import services
from .backends import client_ip

# Set on the session when a password alone opened it for an account with the second factor on (only
# possible outside the two-step login page); the middleware then closes it.
PENDING_SECOND_FACTOR = "ocop_second_factor_pending"


@receiver(user_login_failed)
def _failed(sender, credentials, request=None, **kwargs):
    if getattr(request, "ocop_locked", False):
        return  # tries while locked do not extend the lock
    username = credentials.get("username")
    if username:
        services.login_failure_record(username=username, ip=client_ip(request))


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    services.login_success_reset(username=user.get_username(), ip=client_ip(request))
    if request is None or not hasattr(request, "session"):
        return
    if not getattr(request, "ocop_second_factor_ok", False) and services.two_factor_enabled(user):
        request.session[PENDING_SECOND_FACTOR] = True
