"""Transactions and locks of the monitoring services (the race runs on PostgreSQL: SQLite serialises
writers)."""

import datetime

import pytest
from django.conf import settings

from ocop.core.errors import OcopError
from ocop.monitoring import services
from ocop.monitoring.models import Finding
from ocop.testing import meet_after, run_at_once

on_postgresql = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="a race: run on PostgreSQL"
)


def test_the_finding_steps_cover_every_status():
    assert set(Finding.TRANSITIONS) == set(Finding.Status.values)
    assert all(nexts <= set(Finding.Status.values) for nexts in Finding.TRANSITIONS.values())


@on_postgresql
def test_planning_one_producer_twice_at_once_gives_one_visit_and_a_clear_error(
    committed, lai_chau_officer, lai_chau_producer, monkeypatch
):
    today = datetime.date.today()
    campaign = services.campaign_create(
        actor=lai_chau_officer,
        province_id=12,
        name="Hậu kiểm",
        kind="scheduled",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
    )
    # Both requests pass the checks before either inserts, unless the campaign's lock makes one wait.
    meet_after(monkeypatch, services, "require_role")
    outcomes = []

    def go():
        try:
            services.inspection_plan(actor=lai_chau_officer, campaign=campaign, producer=lai_chau_producer)
            outcomes.append("planned")
        except OcopError as e:
            outcomes.append(e.code)
        except Exception as e:  # the race's unhandled error (IntegrityError) is what this test looks for
            outcomes.append(type(e).__name__)

    run_at_once(go, go)
    assert sorted(outcomes) == ["already_planned", "planned"]
    assert campaign.inspections.count() == 1
