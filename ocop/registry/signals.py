"""Signals of the registry for writes that bypass model signals (bulk imports)."""

from django.dispatch import Signal

# Sent with `product_ids` after products were created or changed in bulk (bulk_create / bulk_update).
products_changed = Signal()
