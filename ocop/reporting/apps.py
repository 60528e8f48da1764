from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "ocop.reporting"
    label = "reporting"
    verbose_name = _("Theo dõi, báo cáo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import facts

        facts.connect()
