"""An import that fails while it writes leaves nothing behind (benchmarks/faults.py does the same with a
real `ocop import` killed by SIGKILL, on SQLite and PostgreSQL)."""

import pytest
from django.apps import apps
from django.db import OperationalError

from ocop.core.models import AuditEntry
from ocop.registry.importing import import_file
from ocop.registry.models import Product
from ocop.registry.tests.test_import import GOOD, xlsx


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in apps.get_models() if not m._meta.proxy}


@pytest.mark.django_db
def test_import_failing_in_its_last_write_leaves_every_table_as_it_was(monkeypatch):
    assert import_file("ds.xlsx", xlsx(GOOD[:1])).errors == []  # a producer and a product exist
    before = row_counts()
    changed = [list(r) for r in GOOD]
    changed[0][7] = 5  # an update of the existing product, and two new products
    seen = {}

    def disk_gone(objs, **kwargs):
        # The producers and products are already written in the transaction when the audit entries fail.
        seen["products"] = Product.objects.count()
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(AuditEntry.objects, "bulk_create", disk_gone)
    with pytest.raises(OperationalError):
        import_file("ds.xlsx", xlsx(changed))
    assert seen["products"] == 3
    assert row_counts() == before
    assert Product.objects.get(name="Mật ong hoa ban").star == 4
    assert not Product.objects.filter(name="Gạo nếp Tú Lệ").exists()

    monkeypatch.undo()
    result = import_file("ds.xlsx", xlsx(changed))
    assert (result.products_created, result.products_updated) == (2, 1)
    assert Product.objects.get(name="Mật ong hoa ban").star == 5
    assert AuditEntry.objects.count() == before["core.AuditEntry"] + 1 + 2 + 1  # update, 2 products, producer
