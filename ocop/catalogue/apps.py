from django.apps import AppConfig


class Config(AppConfig):
    name = "ocop.catalogue"
    label = "catalogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import listings

        listings.connect()
