"""Background tasks of monitoring (Django's tasks framework; the database backend's worker runs them)."""

import datetime

from django.tasks import task

from . import reminders


@task
def send_reminders(day: str | None = None) -> dict:
    """The daily reminder job; `day` (ISO date) defaults to today. Returns the counts."""
    result = reminders.run(datetime.date.fromisoformat(day) if day else None)
    return {"created": result.created, "emailed": result.emailed, "failed": result.failed}
