"""Settlement periods: by default twice a month, the 1st-15th and the 16th-end of month.

Periods are calendar days in the marketplace's time zone (Asia/Ho_Chi_Minh): a delivery at
23:59 on the 15th, local time, belongs to the first half. ``SETTLEMENT_PERIOD_START_DAYS``
(days of the month on which a period starts, 1 first; default ``(1, 16)``) changes the cut:
``(1,)`` settles monthly, ``(1, 8, 15, 22)`` about weekly. Pure functions, no database.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

DEFAULT_START_DAYS = (1, 16)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def start_days() -> tuple[int, ...]:
    days = tuple(sorted(set(getattr(settings, "SETTLEMENT_PERIOD_START_DAYS", DEFAULT_START_DAYS))))
    if not days or days[0] != 1 or days[-1] > 28:
        raise ValueError("SETTLEMENT_PERIOD_START_DAYS must start with 1 and stay within 1-28")
    return days


@dataclass(frozen=True, order=True)
class Period:
    start: date  # first day
    end: date  # last day, inclusive

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=local_zone())

    @property
    def ends_at(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=local_zone())

    def previous(self) -> Period:
        return period_of_day(self.start - timedelta(days=1))

    def next(self) -> Period:
        return period_of_day(self.end + timedelta(days=1))


def period_of_day(day: date) -> Period:
    days = start_days()
    first = max(d for d in days if d <= day.day)
    later = [d for d in days if d > first]
    if later:
        last = date(day.year, day.month, later[0] - 1)
    else:
        last = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return Period(start=date(day.year, day.month, first), end=last)


def period_containing(moment: datetime) -> Period:
    """The period an aware instant falls in, by the local calendar."""
    return period_of_day(moment.astimezone(local_zone()).date())


def last_finished(now: datetime) -> Period:
    return period_containing(now).previous()
