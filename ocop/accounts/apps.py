from django.apps import AppConfig


class Config(AppConfig):
    name = "ocop.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib import admin

        # Login failure counting and the second-factor mark; deployment checks of the mail settings.
        from . import checks, signals  # noqa: F401
        from .forms import AdminLoginForm

        admin.site.login_form = AdminLoginForm
