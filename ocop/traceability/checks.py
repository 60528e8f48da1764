"""System check (`ocop check`, run before `migrate` and `runserver`): the stamp keys parse, so a typo in
OCOP_STAMP_KEYS is reported at deployment rather than as an error page on every scan."""

from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security)
def stamp_keys(app_configs, **kwargs):
    from .services import keyring

    try:
        keyring()
    except ImproperlyConfigured as e:
        return [Error(str(e), hint="docs/security.md, mục «Stamp keys».", id="ocop.E010")]
    return []
