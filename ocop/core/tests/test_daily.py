import datetime
import json

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from ocop.traceability.partitions import TABLE


def _daily(*args) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("daily", "--json", "--no-mail", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_daily_removes_expired_sessions_only():
    old = SessionStore()
    old.create()
    Session.objects.filter(pk=old.session_key).update(expire_date=timezone.now() - datetime.timedelta(days=1))
    live = SessionStore()
    live.create()
    data = _daily()
    assert data["sessions_removed"] == 1
    assert list(Session.objects.values_list("pk", flat=True)) == [live.session_key]
    assert _daily()["sessions_removed"] == 0  # safe to run again


@pytest.mark.django_db
def test_daily_creates_the_scan_log_partitions_ahead_on_postgresql():
    day = datetime.date(2031, 5, 10)
    data = _daily("--date", day.isoformat())
    if connection.vendor != "postgresql":
        assert data["partitions_created"] == []
        return
    assert f"{TABLE}_y2031m08" in data["partitions_created"]  # three months ahead
    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass(%s)", [f"{TABLE}_y2031m08"])
        assert cur.fetchone()[0]
    assert _daily("--date", day.isoformat())["partitions_created"] == []


@pytest.mark.django_db
def test_daily_bad_date_is_a_clear_message():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("daily", "--date", "31/12/2026")
