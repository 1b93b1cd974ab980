"""Reporting periods: presets, the period to compare with, and bad ranges said in words."""

from datetime import date

import pytest
from django.utils import translation

from shop.reporting import DateRange, PeriodForm, month_range, preset_range

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("month", date(2026, 12, 1), date(2026, 12, 31)),
        ("last-month", date(2026, 11, 1), date(2026, 11, 30)),
        ("quarter", date(2026, 10, 1), date(2026, 12, 31)),
        ("year", date(2026, 1, 1), date(2026, 12, 31)),
        ("last-year", date(2025, 1, 1), date(2025, 12, 31)),
        ("12-months", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_presets(name, start, end):
    assert preset_range(name, today=TODAY) == DateRange(start, end)


def test_whole_months_compare_with_the_months_before():
    assert month_range(2026, 3).previous() == month_range(2026, 2)
    assert DateRange(date(2026, 1, 1), date(2026, 3, 31)).previous() == DateRange(
        date(2025, 10, 1), date(2025, 12, 31)
    )


def test_other_ranges_compare_with_as_many_days_before():
    assert DateRange(date(2026, 3, 10), date(2026, 3, 19)).previous() == DateRange(
        date(2026, 2, 28), date(2026, 3, 9)
    )


def test_bounds_are_local_midnights():
    r = month_range(2026, 11)
    assert r.starts_at.isoformat() == "2026-11-01T00:00:00+07:00"
    assert r.ends_at.isoformat() == "2026-12-01T00:00:00+07:00"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "2026-11-30", "end": "2026-11-01"}, "ends before it starts"),
        ({"start": "2026-11-01"}, "both"),
        ({"start": "2010-01-01", "end": "2010-02-01"}, "2019"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "three years"),
        ({"start": "30/02/2026", "end": "2026-03-01"}, ""),
        ({"preset": "forever"}, ""),
    ],
)
def test_bad_periods_are_errors_in_words(data, message):
    form = PeriodForm(data, today=TODAY)
    with translation.override("en"):  # the messages are translated; read them in English
        assert not form.is_valid()
        assert message in " ".join(str(e) for e in form.errors.values())
    assert form.range == preset_range("month", today=TODAY)  # the page still shows something


def test_a_valid_custom_range():
    form = PeriodForm({"start": "2026-11-05", "end": "2026-11-20"}, today=TODAY)
    assert form.is_valid()
    assert form.range == DateRange(date(2026, 11, 5), date(2026, 11, 20))
