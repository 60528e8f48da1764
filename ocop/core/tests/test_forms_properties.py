"""Properties of the shared form pieces and date arithmetic for any input (hypothesis)."""

import datetime

import pytest
from django import forms
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ocop.core.forms import ModelMultipleChoiceField, date_field
from ocop.core.workdays import add_months, add_working_days
from ocop.geo.models import Province

dates = st.dates(min_value=datetime.date(1000, 1, 1), max_value=datetime.date(9999, 12, 31))
field = date_field("Ngày")


@given(dates)
def test_both_spellings_of_a_date_read_back(day):
    assert field.clean(day.isoformat()) == day
    assert field.clean(day.strftime("%d/%m/%Y")) == day
    assert field.clean(f"{day.day}/{day.month}/{day.year}") == day


@given(st.text(max_size=40))
@example("31/02/2024")
@example("2024-13-01")
@example("2024-01-01\x00")
@example("٢٠٢٤-٠١-٠١")
@example("99999999999999999999/1/1")
def test_any_text_is_a_date_or_a_message(text):
    try:
        value = field.clean(text)
    except forms.ValidationError as e:
        assert e.messages and all(m.strip() for m in e.messages)
        return
    assert isinstance(value, datetime.date)


@pytest.mark.django_db
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(st.lists(st.one_of(st.integers(), st.text(max_size=30)), max_size=4))
@example(["9" * 40])
@example([str(-(2**63))])
@example([2**63])
def test_multiple_choice_is_a_list_of_records_or_a_message(values):
    choice = ModelMultipleChoiceField(queryset=Province.objects.all(), required=False)
    try:
        chosen = choice.clean(values)
    except forms.ValidationError as e:
        assert e.messages
        return
    assert {p.pk for p in chosen} == {int(str(v).strip()) for v in values}


@given(dates.filter(lambda d: d.year < 9999), st.integers(0, 60), st.sets(dates, max_size=10))
def test_working_days_skip_weekends_and_holidays(start, days, holidays):
    end = add_working_days(start, days, holidays)
    counted = [
        start + datetime.timedelta(n)
        for n in range(1, (end - start).days + 1)
        if (start + datetime.timedelta(n)).weekday() < 5 and start + datetime.timedelta(n) not in holidays
    ]
    assert len(counted) == days
    assert days == 0 or (end.weekday() < 5 and end not in holidays)


@given(dates.filter(lambda d: d.year < 9990), st.integers(0, 120))
def test_months_added_land_in_the_right_month_clamped(day, months):
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + datetime.timedelta(1)).day == 1)
