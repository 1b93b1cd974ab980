"""Reporting periods: the dates an operator picks a report for, and the period before them.

A `DateRange` is whole days of the floor's calendar (Asia/Ho_Chi_Minh), first and last day
included; `starts_at` and `ends_at` are the aware instants that bound it (the end exclusive).
`previous()` is the period to compare with: the same number of whole months before when the
range is whole calendar months (March is compared with February, a quarter with the quarter
before), otherwise the same number of days just before.

`PeriodForm` reads a range from a query string: a preset (``month``, ``last-month``,
``quarter``, ``last-quarter``, ``half-year``, ``last-half-year``, ``year``, ``last-year``,
``12-months``) or ``start`` and ``end`` dates. A range
that ends before it starts, starts before the floor's first year or spans more than
`MAX_DAYS` is a form error, said in words.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_DAYS = 3 * 366 + 1
EARLIEST = date(2019, 1, 1)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _add_months(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True, order=True)
class DateRange:
    start: date
    end: date  # inclusive

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=local_zone())

    @property
    def ends_at(self) -> datetime:
        """The first instant after the period (exclusive)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=local_zone())

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def months(self) -> int | None:
        """How many whole calendar months the range is, or None if it is not whole months."""
        if self.start.day != 1 or self.end != _month_end(self.end):
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self) -> DateRange:
        months = self.months
        if months is not None:
            start = _add_months(self.start, -months)
            return DateRange(start, _add_months(start, months) - timedelta(days=1))
        return DateRange(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def contains(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at

    def __str__(self) -> str:
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    @property
    def slug(self) -> str:
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"


def month_range(year: int, month: int) -> DateRange:
    first = date(year, month, 1)
    return DateRange(first, _month_end(first))


def year_range(year: int) -> DateRange:
    return DateRange(date(year, 1, 1), date(year, 12, 31))


def preset_range(name: str, *, today: date | None = None) -> DateRange:
    today = today or timezone.localdate()
    this_month = date(today.year, today.month, 1)
    if name == "month":
        return DateRange(this_month, _month_end(this_month))
    if name == "last-month":
        start = _add_months(this_month, -1)
        return DateRange(start, _month_end(start))
    if name == "quarter":
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return DateRange(start, _add_months(start, 3) - timedelta(days=1))
    if name == "last-quarter":
        start = _add_months(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), -3)
        return DateRange(start, _add_months(start, 3) - timedelta(days=1))
    if name == "half-year":
        start = date(today.year, 1 if today.month <= 6 else 7, 1)
        return DateRange(start, _add_months(start, 6) - timedelta(days=1))
    if name == "last-half-year":
        start = _add_months(date(today.year, 1 if today.month <= 6 else 7, 1), -6)
        return DateRange(start, _add_months(start, 6) - timedelta(days=1))
    if name == "year":
        return year_range(today.year)
    if name == "last-year":
        return year_range(today.year - 1)
    if name == "12-months":
        start = _add_months(this_month, -11)
        return DateRange(start, _month_end(this_month))
    raise ValueError(f"unknown period {name!r}")


PRESETS = [
    ("month", _("This month")),
    ("last-month", _("Last month")),
    ("quarter", _("This quarter")),
    # The Ministry of Industry and Trade asks floors for figures per quarter and half-year.
    ("last-quarter", _("Last quarter")),
    ("half-year", _("This half-year")),
    ("last-half-year", _("Last half-year")),
    ("year", _("This year")),
    ("last-year", _("Last year")),
    ("12-months", _("The last 12 months")),
]


class PeriodForm(forms.Form):
    """A period from GET parameters; unbound or empty means `default` (this month)."""

    # "reporting": the words for a report's period, apart from settlements' and addresses'.
    preset = forms.ChoiceField(
        label=pgettext_lazy("reporting", "Period"), choices=PRESETS, required=False
    )
    start = forms.DateField(
        label=pgettext_lazy("reporting", "From"),
        required=False,
        widget=forms.DateInput({"type": "date"}),
    )
    end = forms.DateField(
        label=pgettext_lazy("reporting", "To"),
        required=False,
        widget=forms.DateInput({"type": "date"}),
    )

    def __init__(self, *args, default: str = "month", today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = default
        self.today = today

    def clean(self):
        data = super().clean()
        start, end, preset = data.get("start"), data.get("end"), data.get("preset")
        if self.errors:
            return data
        if start or end:
            if not (start and end):
                raise forms.ValidationError(_("Give both the first and the last day."))
            if end < start:
                raise forms.ValidationError(_("The period ends before it starts."))
            if start < EARLIEST:
                raise forms.ValidationError(
                    _("The floor has no figures before %(year)s.") % {"year": EARLIEST.year}
                )
            if (end - start).days + 1 > MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
            data["range"] = DateRange(start, end)
        else:
            data["range"] = preset_range(preset or self.default, today=self.today)
        return data

    @property
    def range(self) -> DateRange:
        """The chosen range once valid; the default range for an unbound form."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["range"]
        return preset_range(self.default, today=self.today)
