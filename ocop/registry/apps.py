from django.apps import AppConfig


class Config(AppConfig):
    name = "ocop.registry"
    label = "registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models import fields
        from django.utils.translation import gettext_lazy

        from ocop.core.versions import watch

        # Django 6.1's empty choice of every select (ModelChoiceField, a model field's choices) reads
        # "- Select an option -", a text its Vietnamese catalogue lacks. Django says to set it in ready();
        # lazy, so each request gets its language. (Forms defined before this runs keep Django's text.)
        fields.BLANK_CHOICE_LABEL = gettext_lazy("— Chọn —")

        from .models import EcommerceLink, Photo, Producer, Product

        watch(Product, Producer)  # a new product or producer is on no public page yet
        watch(Photo, EcommerceLink, on_create=True)
