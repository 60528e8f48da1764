"""Transactions and locks of the traceability services: all or nothing, deciding on locked rows."""

import datetime

import pytest
from django.utils import timezone

from ocop.core.errors import OcopError
from ocop.traceability import services
from ocop.traceability.models import Lot, ScanAlert, TraceEvent

pytestmark = pytest.mark.django_db


def _failing_audit(*args, **kwargs):
    raise RuntimeError("the audit log is unavailable")


@pytest.fixture
def alert(lai_chau_product):
    now = timezone.now()
    return ScanAlert.objects.create(
        product=lai_chau_product,
        province_id=lai_chau_product.commune.province_id,
        code="X",
        rule=ScanAlert.Rule.REPORT,
        first_seen=now,
        last_seen=now,
    )


def test_writes_are_undone_when_their_audit_entry_fails(
    lai_chau_product, lai_chau_officer, alert, monkeypatch
):
    lot = Lot.objects.create(product=lai_chau_product, code="L1", produced=datetime.date(2026, 1, 5))
    monkeypatch.setattr(services, "audit_entry", _failing_audit)
    with pytest.raises(RuntimeError):
        services.trace_event_add(
            actor=lai_chau_officer,
            lot=lot,
            kind=TraceEvent.Kind.PACKING,
            occurred_on=datetime.date(2026, 1, 6),
            place="Tam Đường",
            actor_name="HTX chè",
        )
    with pytest.raises(RuntimeError):
        services.alert_close(actor=lai_chau_officer, alert=alert, note="Đã kiểm tra điểm bán")
    assert not TraceEvent.objects.exists()
    assert ScanAlert.objects.get(pk=alert.pk).status == ScanAlert.Status.OPEN


def test_an_alert_closed_meanwhile_is_not_closed_again(lai_chau_officer, national, alert):
    seen_before = ScanAlert.objects.get(pk=alert.pk)  # the second officer's page, opened before
    services.alert_close(actor=lai_chau_officer, alert=alert, note="Đã kiểm tra điểm bán")
    with pytest.raises(OcopError) as e:
        services.alert_close(actor=national, alert=seen_before, note="Tôi cũng xử lý")
    assert e.value.code == "alert_closed"
    stored = ScanAlert.objects.get(pk=alert.pk)
    assert (stored.closed_by, stored.closed_note) == (lai_chau_officer, "Đã kiểm tra điểm bán")
