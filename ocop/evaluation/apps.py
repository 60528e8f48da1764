from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "ocop.evaluation"
    verbose_name = _("Đánh giá, phân hạng")

    def ready(self):
        from ocop.core.versions import watch

        from .models import Certificate

        watch(Certificate, on_create=True)  # a new certificate changes what a product's stamps say
