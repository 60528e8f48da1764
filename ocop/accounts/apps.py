from django.apps import AppConfig


class Config(AppConfig):
    name = "ocop.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib import admin

        from . import signals  # noqa: F401  (login failure counting and the second-factor mark)
        from .forms import AdminLoginForm

        admin.site.login_form = AdminLoginForm
