from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceabilityConfig(AppConfig):
    name = "ocop.traceability"
    verbose_name = _("Truy xuất nguồn gốc, tem")

    def ready(self):
        from ocop.core.versions import watch

        from . import checks  # noqa: F401 (registers the stamp keys check)
        from .models import Activation, Lot, StampBatch, TraceEvent

        watch(Lot, StampBatch)
        watch(Activation, TraceEvent, on_create=True)
