from django.apps import AppConfig


class Config(AppConfig):
    name = "ocop.registry"
    label = "registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ocop.core.versions import watch

        from .models import EcommerceLink, Photo, Producer, Product

        watch(Product, Producer)  # a new product or producer is on no public page yet
        watch(Photo, EcommerceLink, on_create=True)
