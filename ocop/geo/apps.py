from django.apps import AppConfig


class Config(AppConfig):
    name = "ocop.geo"
    label = "geo"
    default_auto_field = "django.db.models.BigAutoField"
