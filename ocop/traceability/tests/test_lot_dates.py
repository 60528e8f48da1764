"""Issue 20, item 16: a lot's dates must be plausible — produced from 01/01/2000 up to today, expiry after
production — whether the stamps are activated from the page, the API or `ocop stamps activate`
(1900-01-01, a spreadsheet's empty date, was accepted)."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ocop.core.errors import OcopError
from ocop.evaluation import services as evaluation
from ocop.traceability import services
from ocop.traceability.models import Lot, TraceEvent

TODAY = timezone.localdate()
ANCIENT = datetime.date(1900, 1, 1)


@pytest.fixture
def batch(lai_chau_product):
    evaluation.certificate_record(
        actor=None,
        product=lai_chau_product,
        number="GCN-TEST-1",
        star=4,
        decision_number="QĐ 1/QĐ-UBND",
        decision_date=TODAY - datetime.timedelta(days=30),
    )
    return services.stamps_issue(actor=None, product=lai_chau_product, count=20)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("produced", "expires", "code"),
    [
        (ANCIENT, None, "produced_too_early"),
        (datetime.date(1999, 12, 31), None, "produced_too_early"),
        (TODAY + datetime.timedelta(days=1), None, "produced_in_future"),
        (TODAY, TODAY, "expires_before_produced"),
        (TODAY, TODAY - datetime.timedelta(days=1), "expires_before_produced"),
    ],
)
def test_service_refuses_implausible_lot_dates(batch, produced, expires, code):
    with pytest.raises(OcopError) as e:
        services.stamps_activate(
            actor=None, batch=batch, lot_code="L1", produced=produced, expires=expires, first=1, last=5
        )
    assert e.value.code == code and e.value.field in ("produced", "expires")
    assert not Lot.objects.exists()


@pytest.mark.django_db
def test_the_first_day_of_2000_and_today_are_fine(batch):
    old = services.stamps_activate(
        actor=None, batch=batch, lot_code="L0", produced=datetime.date(2000, 1, 1), first=1, last=1
    )
    new = services.stamps_activate(actor=None, batch=batch, lot_code="L1", produced=TODAY, first=2, last=2)
    assert old.lot.produced.year == 2000 and new.lot.produced == TODAY


@pytest.mark.django_db
def test_api_page_and_cli_refuse_1900(client, batch, lai_chau_officer):
    client.force_login(lai_chau_officer)
    r = client.post(
        f"/api/v1/stamps/batches/{batch.public_id}/activate",
        json.dumps({"lot": "A1", "produced": "1900-01-01", "from": 1, "to": 3}),
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "produced_too_early"
    assert "01/01/2000" in r.json()["message"]
    r = client.post(
        f"/quan-ly/tem/dot/{batch.public_id}/",
        {"lot": "A1", "produced": "01/01/1900", "first": 1, "last": 3},
    )
    assert r.status_code == 200 and "Ngày sản xuất 01/01/1900 không hợp lệ" in r.content.decode()
    with pytest.raises((CommandError, OcopError)) as e:
        call_command(
            "stamps", "activate", "--batch", batch.public_id, "--lot", "A1", "--produced", "1900-01-01"
        )
    assert "01/01/2000" in str(e.value)
    assert not Lot.objects.exists()


@pytest.mark.django_db
def test_a_lot_event_is_dated_and_bounded(batch):
    a = services.stamps_activate(actor=None, batch=batch, lot_code="L1", produced=TODAY, first=1, last=1)
    kw = {"actor": None, "lot": a.lot, "kind": TraceEvent.Kind.values[0], "actor_name": "HTX"}
    with pytest.raises(OcopError) as e:
        services.trace_event_add(occurred_on=ANCIENT, place="Tam Đường", **kw)
    assert e.value.code == "date_too_early"
    with pytest.raises(OcopError) as e:
        services.trace_event_add(occurred_on=TODAY, place="\u200b\u200b", **kw)
    assert e.value.code == "event_incomplete"
    with pytest.raises(OcopError) as e:
        services.trace_event_add(occurred_on=TODAY, place="x" * 201, **kw)
    assert e.value.code == "too_long" and e.value.field == "place"
    event = services.trace_event_add(occurred_on=TODAY, place=" Tam\u200b Đường ", **kw)
    assert event.place == "Tam Đường"
