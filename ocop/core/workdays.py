"""Working-day arithmetic for legal deadlines (e.g. the commune's 15 working days). Pure Python."""

import datetime
from collections.abc import Iterable


def add_working_days(
    start: datetime.date, days: int, holidays: Iterable[datetime.date] = ()
) -> datetime.date:
    """The date `days` working days after `start` (Saturdays, Sundays and the holidays do not count)."""
    off = set(holidays)
    current = start
    left = days
    while left > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current not in off:
            left -= 1
    return current


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day `months` later, clamped to the month's end (31/1 + 1 month = 28 or 29/2)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
