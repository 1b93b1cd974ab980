"""Reading the satisfaction index: a few rows per page, names looked up once per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop import charts as plot
from shop import geo
from shop.satisfaction import method
from shop.satisfaction.models import MonthlyFigures, Scope
from shop.satisfaction.services import LOCAL, month_start

SORTS = ("index", "name", "rating", "on_time", "complaints")


@dataclass
class Row:
    """One scope's figures for one month, with what the page shows."""

    figures: MonthlyFigures
    name: str = ""
    url: str = ""

    def __getattr__(self, name):  # the figures' fields
        return getattr(self.figures, name)

    @property
    def on_time(self) -> Decimal | None:
        f = self.figures
        return method.on_time_share(delivered=f.delivered, on_time=f.delivered_on_time)

    @property
    def complaint_rate(self) -> Decimal | None:
        f = self.figures
        return method.complaint_rate(complaints=f.complaints, delivered=f.delivered)

    @property
    def in_time(self) -> Decimal | None:
        f = self.figures
        return method.in_time_share(
            resolved=f.complaints_resolved, in_time=f.complaints_resolved_in_time
        )

    @property
    def dimension_rows(self) -> list[tuple[str, str, float | None]]:
        return [
            (name, method.LABELS[name], self.figures.dimensions.get(name))
            for name in method.DIMENSIONS
        ]


def months_last(*, now: datetime | None = None, count: int = 12) -> list[date]:
    """The last `count` months, oldest first, this one last."""
    month = month_start(timezone.localtime(now or timezone.now(), LOCAL).date())
    months = []
    for _i in range(count):
        months.append(month)
        month = month_start(month - timedelta(days=1))
    return months[::-1]


def month_label(month: date, *, short: bool = False) -> str:
    if short:
        return f"{month.month:02d}/{month.year}"
    if get_language() == "vi":
        return f"tháng {month.month}/{month.year}"
    return formats.date_format(month, "F Y")


def month_parse(value: str | None, months: list[date]) -> date:
    """The month asked for ("2026-11"), if it is one of `months`; else the latest."""
    try:
        year, number = (int(part) for part in (value or "").split("-"))
        asked = date(year, number, 1)
    except (TypeError, ValueError):
        return months[-1]
    return asked if asked in months else months[-1]


def floor_history(months: list[date]) -> list[Row]:
    """The floor's figures for each of `months` (a blank row for a month not computed)."""
    found = {f.month: f for f in MonthlyFigures.objects.filter(scope=Scope.FLOOR, month__in=months)}
    return [Row(found.get(m) or MonthlyFigures(month=m, scope=Scope.FLOOR)) for m in months]


def scope_history(scope: str, key: int, months: list[date]) -> list[Row]:
    found = {
        f.month: f for f in MonthlyFigures.objects.filter(scope=scope, key=key, month__in=months)
    }
    return [Row(found.get(m) or MonthlyFigures(month=m, scope=scope, key=key)) for m in months]


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    def high_first(value):
        return (value is None, -(value or 0))

    keys = {
        "name": lambda r: (r.name.casefold(),),
        "index": lambda r: (*high_first(r.figures.index), r.name.casefold()),
        "rating": lambda r: (*high_first(r.figures.rating), r.name.casefold()),
        "on_time": lambda r: (*high_first(r.on_time), r.name.casefold()),
        "complaints": lambda r: (
            r.complaint_rate is None,
            r.complaint_rate or 0,
            r.name.casefold(),
        ),
    }
    return sorted(rows, key=keys.get(sort, keys["index"]))


def producers_table(month: date, *, sort: str = "index") -> list[Row]:
    """Public producers' figures for `month` (two queries)."""
    from django.urls import reverse

    Partner = get_model("partner", "Partner")
    figures = list(MonthlyFigures.objects.filter(scope=Scope.PRODUCER, month=month))
    names = dict(
        Partner.objects.filter(
            pk__in=[f.key for f in figures], is_public=True, suspended_at__isnull=True
        ).values_list("pk", "name")
    )
    rows = [
        Row(f, name=names[f.key], url=reverse("satisfaction:producer", args=[f.key]))
        for f in figures
        if f.key in names
    ]
    return _sorted(rows, sort)


def places_table(scope: str, month: date) -> list[Row]:
    """Provinces' or communes' figures for `month`, named from the official list."""
    rows = []
    for f in MonthlyFigures.objects.filter(scope=scope, month=month):
        if scope == Scope.PROVINCE:
            name = geo.place_name(geo.province(f.key))
        else:
            unit = geo.ward(f.key)
            name = unit and geo.place_label(ward_code=f.key, province_code=int(unit.province_code))
        if name:
            rows.append(Row(f, name=name))
    return _sorted(rows, "index")


def chart_data(rows: list[Row]) -> dict:
    """What the charts draw, as `shop.charts` specs (the page's tables show the same figures)."""
    months = [month_label(r.figures.month, short=True) for r in rows]
    return {
        "index": plot.chart(
            kind=plot.LINE,
            labels=months,
            minimum=0,
            maximum=100,
            series=[plot.series(_("Satisfaction index (0–100)"), [r.figures.index for r in rows])],
        ),
        "shares": plot.chart(
            kind=plot.BAR,
            unit=plot.PERCENT,
            labels=months,
            minimum=0,
            series=[
                plot.series(_("Delivered on time (%)"), [r.on_time for r in rows]),
                plot.series(_("Complaints resolved in time (%)"), [r.in_time for r in rows]),
            ],
        ),
        "rating": plot.chart(
            kind=plot.LINE,
            labels=months,
            minimum=1,
            maximum=5,
            series=[plot.series(_("Average rating (1–5)"), [r.figures.rating for r in rows])],
        ),
    }


def advice_for(own: Row, floor: Row) -> list[tuple[str, str, float | None, float | None]]:
    """Advice for a producer, weakest dimension first: every measured dimension under 80 or
    under the floor's, and always the weakest one (label, advice, own score, floor's)."""
    dims = own.figures.dimensions or {}
    floor_dims = floor.figures.dimensions or {}
    weakest = method.weakest(dims)
    chosen = []
    for name in sorted(dims, key=lambda n: (dims[n], method.DIMENSIONS.index(n))):
        below = dims[name] < 80 or (name in floor_dims and dims[name] < floor_dims[name])
        if name == weakest or below:
            chosen.append(
                (method.LABELS[name], method.ADVICE[name], dims[name], floor_dims.get(name))
            )
    return chosen
