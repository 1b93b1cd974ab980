"""Settlement periods by the local calendar (Asia/Ho_Chi_Minh)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from shop.settlements import periods

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("moment", "start", "end"),
    [
        (datetime(2026, 11, 15, 23, 59, tzinfo=HCM), date(2026, 11, 1), date(2026, 11, 15)),
        # 23:59 on the 15th in Hà Nội is 16:59 UTC: still the first half.
        (datetime(2026, 11, 15, 16, 59, tzinfo=UTC), date(2026, 11, 1), date(2026, 11, 15)),
        # 17:00 UTC on the 15th is midnight of the 16th locally: the second half.
        (datetime(2026, 11, 15, 17, 0, tzinfo=UTC), date(2026, 11, 16), date(2026, 11, 30)),
        (datetime(2026, 11, 1, 0, 0, tzinfo=HCM), date(2026, 11, 1), date(2026, 11, 15)),
        (datetime(2028, 2, 20, 8, 0, tzinfo=HCM), date(2028, 2, 16), date(2028, 2, 29)),
        (datetime(2026, 12, 31, 23, 59, tzinfo=HCM), date(2026, 12, 16), date(2026, 12, 31)),
    ],
)
def test_twice_a_month_by_local_day(moment, start, end):
    assert periods.period_containing(moment) == periods.Period(start, end)


def test_bounds_and_neighbours():
    first = periods.Period(date(2026, 11, 1), date(2026, 11, 15))
    assert first.ends_at == datetime(2026, 11, 16, tzinfo=HCM)
    assert first.next() == periods.Period(date(2026, 11, 16), date(2026, 11, 30))
    assert first.previous() == periods.Period(date(2026, 10, 16), date(2026, 10, 31))
    assert periods.last_finished(datetime(2026, 11, 16, 0, 5, tzinfo=HCM)) == first


@override_settings(SETTLEMENT_PERIOD_START_DAYS=(1,))
def test_periods_are_configurable():
    assert periods.period_containing(datetime(2026, 11, 20, tzinfo=HCM)) == periods.Period(
        date(2026, 11, 1), date(2026, 11, 30)
    )
