"""The province dashboard's tables and charts, built from `selectors.Dashboard`.

Every table is a `shop.exports.Table`: the page shows it under its chart, and the same object is
downloaded as CSV or Excel, so the page and the files never disagree. Each comparison is with the
previous period (`DateRange.previous`); a change is a fraction (0.25 is +25 %), None when the
previous period had nothing to compare with.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats, numberformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.core.loading import get_model

from payments import gateways_registry
from shop import charts as plot
from shop import geo
from shop.exports import DATE, INT, MONEY, PERCENT, Column, Table
from shop.partner.models import ProducerKind
from shop.province.selectors import Dashboard, Delivery, Figures, Sales

# The tables in the page's order: key, title. A key is also the export's `table` parameter.
TITLES = {
    "summary": gettext_lazy("Headline figures"),
    "rates": gettext_lazy("Delivery and origin rates"),
    "trend": gettext_lazy("Sales over the period"),
    "province": gettext_lazy("Sales by province of origin"),
    "commune": gettext_lazy("Sales by commune of origin"),
    "category": gettext_lazy("Sales by category"),
    "kind": gettext_lazy("Sales by producer type"),
    "stars": gettext_lazy("Sales by OCOP stars"),
    "payments": gettext_lazy("Payment methods"),
    "deliveries": gettext_lazy("Delivery times by carrier"),
    "income": gettext_lazy("Income paid to producers"),
    "traceability": gettext_lazy("Traceability coverage"),
    "satisfaction": gettext_lazy("Complaints and satisfaction"),
}
NO_CHART = {"summary", "rates", "commune"}  # figures and a long list: tables only


def change(current, previous) -> Decimal | None:
    if not previous:
        return None
    return (Decimal(current) - Decimal(previous)) / Decimal(previous)


def share(part, whole) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def median(histogram: dict[int, int]) -> int | None:
    """The median of whole hours counted in `histogram` (the lower middle value)."""
    total = sum(histogram.values())
    if not total:
        return None
    seen = 0
    for hours in sorted(histogram):
        seen += histogram[hours]
        if seen * 2 >= total:
            return hours
    return None  # pragma: no cover (unreachable)


def average(histogram: dict[int, int]) -> Decimal | None:
    total = sum(histogram.values())
    if not total:
        return None
    return Decimal(sum(h * n for h, n in histogram.items())) / total


@dataclass
class Built:
    tables: dict[str, Table]
    charts: dict[str, dict]
    refreshed_at: object = None  # when the summaries were last rebuilt


def _gmv_column(label: str) -> Column:
    return Column("gmv", label, MONEY)


def _breakdown(name: str, dashboard: Dashboard, names: dict) -> tuple[list, dict]:
    cur = dashboard.current.breakdowns[name]
    prev = dashboard.previous.breakdowns[name]
    rows = []
    for key in set(cur) | set(prev):
        now, before = cur.get(key, Sales()), prev.get(key, Sales())
        rows.append(
            [names(key), now.gmv, before.gmv, change(now.gmv, before.gmv), now.units, now.producers]
        )
    rows.sort(key=lambda r: (-r[1], -r[2], r[0]))
    chart = plot.chart(
        kind=plot.DOUGHNUT if name == "kind" else plot.BAR,  # a doughnut: this period only
        unit=plot.MONEY,
        labels=[r[0] for r in rows[:15]],
        series=[
            plot.series(_("This period"), [r[1] for r in rows[:15]]),
            plot.series(_("Previous period"), [r[2] for r in rows[:15]]),
        ],
    )
    return rows, chart


BREAKDOWN_COLUMNS = [
    Column("name", ""),
    Column("gmv", gettext_lazy("Sales (₫)"), MONEY),
    Column("previous", gettext_lazy("Previous period (₫)"), MONEY),
    Column("change", gettext_lazy("Change"), PERCENT),
    Column("units", gettext_lazy("Units sold"), INT),
    Column("producers", gettext_lazy("Producers who sold"), INT),
]
NAME_LABELS = {
    "province": gettext_lazy("Province"),
    "commune": gettext_lazy("Commune"),
    "category": gettext_lazy("Category"),
    "kind": gettext_lazy("Producer type"),
    "stars": gettext_lazy("OCOP stars"),
}


def _namers(dashboard: Dashboard) -> dict:
    category_ids = {
        key[0]
        for figures in (dashboard.current, dashboard.previous)
        for key in figures.breakdowns["category"]
    }
    Category = get_model("catalogue", "Category")
    categories = dict(Category.objects.filter(pk__in=category_ids).values_list("pk", "name"))
    not_given = _("Not given")

    def province(key):
        return geo.place_name(geo.province(key[0])) or not_given

    def commune(key):
        return geo.place_label(ward_code=key[1], province_code=key[0]) or not_given

    def category(key):
        return categories.get(key[0]) or _("No category")

    def kind(key):
        return str(dict(ProducerKind.choices).get(key[0], key[0]))

    def stars(key):
        return _("OCOP %(stars)s★") % {"stars": key[0]} if key[0] else _("Not OCOP-rated")

    return {
        "province": province,
        "commune": commune,
        "category": category,
        "kind": kind,
        "stars": stars,
        "categories": categories,
    }


def _summary(cur: Figures, prev: Figures) -> list:
    figures = [
        (_("Sales (GMV, ₫)"), cur.gmv, prev.gmv),
        (_("Orders"), cur.orders, prev.orders),
        (_("Paying buyers"), cur.buyers, prev.buyers),
        (_("Producers who sold"), cur.sales.producers, prev.sales.producers),
        (_("New producers"), cur.new_producers, prev.new_producers),
        (_("New listings"), cur.new_listings, prev.new_listings),
        (_("Income paid to producers (₫)"), cur.income_paid_total, prev.income_paid_total),
    ]
    return [[label, now, before, change(now, before)] for label, now, before in figures]


def _on_time(figures: Figures) -> Decimal | None:
    quoted = sum(d.quoted for d in figures.deliveries.values())
    return share(sum(d.on_time for d in figures.deliveries.values()), quoted)


def _coverage(sales: Sales) -> Decimal | None:
    return share(sales.traced_units, sales.units)


def _rates(cur: Figures, prev: Figures) -> list:
    rows = [
        (_("Delivered by the quoted date"), _on_time(cur), _on_time(prev)),
        (
            _("Units sold from anchored, inspected lots"),
            _coverage(cur.sales),
            _coverage(prev.sales),
        ),
    ]
    return [
        [label, now, before, None if now is None or before is None else now - before]
        for label, now, before in rows
    ]


def _deliveries(cur: Figures, prev: Figures) -> list:
    rows = []
    for carrier in sorted(set(cur.deliveries) | set(prev.deliveries)):
        now = cur.deliveries.get(carrier, Delivery())
        before = prev.deliveries.get(carrier, Delivery())
        mean_shipped, mean_placed = average(now.shipped), average(now.placed)
        rows.append(
            [
                carrier or _("Not given"),
                now.delivered,
                median(now.shipped),
                None if mean_shipped is None else round(mean_shipped),
                median(now.placed),
                None if mean_placed is None else round(mean_placed),
                share(now.on_time, now.quoted),
                share(before.on_time, before.quoted),
            ]
        )
    return rows


def _number(value, places: int) -> str:
    return "" if value is None else grouped(value, places)


def build(dashboard: Dashboard) -> Built:
    cur, prev = dashboard.current, dashboard.previous
    names = _namers(dashboard)
    period_note = _("Period: %(period)s, compared with %(previous)s") % {
        "period": cur.period,
        "previous": prev.period,
    }
    notes = [
        period_note,
        _("Chợ Phiên province dashboard, produced %(when)s")
        % {"when": timezone.localtime().strftime("%d/%m/%Y %H:%M")},
    ]
    tables: dict[str, Table] = {}
    charts: dict[str, dict] = {}

    def table(key, columns, rows):
        tables[key] = Table(title=str(TITLES[key]), columns=columns, rows=rows, notes=notes)

    compare = [
        Column("figure", _("Figure")),
        Column("current", _("This period"), INT),
        Column("previous", _("Previous period"), INT),
        Column("change", _("Change"), PERCENT),
    ]
    table("summary", compare, _summary(cur, prev))
    table(
        "rates",
        [
            Column("figure", _("Figure")),
            Column("current", _("This period"), PERCENT),
            Column("previous", _("Previous period"), PERCENT),
            Column("change", _("Change (points)"), PERCENT),
        ],
        _rates(cur, prev),
    )
    trend_rows = [[day, n, gmv] for day, (n, gmv) in sorted(cur.trend.items())]
    monthly = cur.period.days > 62
    table(
        "trend",
        [
            Column("date", _("Month") if monthly else _("Day"), DATE),
            Column("orders", _("Orders"), INT),
            Column("gmv", _("Sales (₫)"), MONEY),
        ],
        trend_rows,
    )
    charts["trend"] = plot.chart(
        kind=plot.LINE,
        unit=plot.MONEY,
        labels=[day.strftime("%m/%Y" if monthly else "%d/%m") for day, *_r in trend_rows],
        series=[plot.series(_("Sales (₫)"), [r[2] for r in trend_rows])],
    )
    for name in ("province", "commune", "category", "kind", "stars"):
        rows, chart = _breakdown(name, dashboard, names[name])
        columns = [Column("name", str(NAME_LABELS[name])), *BREAKDOWN_COLUMNS[1:]]
        table(name, columns, rows)
        if name not in NO_CHART:
            charts[name] = chart
    method_rows = []
    for method in sorted(set(cur.methods) | set(prev.methods)):
        n, gmv = cur.methods.get(method, (0, Decimal(0)))
        before = prev.methods.get(method, (0, Decimal(0)))[0]
        label = gateways_registry.label(method) if method else _("Not recorded")
        method_rows.append([label, n, share(n, cur.orders), gmv, before, change(n, before)])
    method_rows.sort(key=lambda r: (-r[1], r[0]))
    table(
        "payments",
        [
            Column("method", _("Payment method")),
            Column("orders", _("Orders"), INT),
            Column("share", _("Share of orders"), PERCENT),
            Column("gmv", _("Sales (₫)"), MONEY),
            Column("previous", _("Orders, previous period"), INT),
            Column("change", _("Change"), PERCENT),
        ],
        method_rows,
    )
    charts["payments"] = plot.chart(
        kind=plot.DOUGHNUT,
        labels=[r[0] for r in method_rows],
        series=[plot.series(_("Orders"), [r[1] for r in method_rows])],
    )
    delivery_rows = _deliveries(cur, prev)
    table(
        "deliveries",
        [
            Column("carrier", _("Carrier")),
            Column("delivered", _("Parcels delivered"), INT),
            Column("median_shipped", _("Median hours from shipping"), INT),
            Column("mean_shipped", _("Average hours from shipping"), INT),
            Column("median_placed", _("Median hours from the order"), INT),
            Column("mean_placed", _("Average hours from the order"), INT),
            Column("on_time", _("Delivered by the quoted date"), PERCENT),
            Column("on_time_before", _("Previous period"), PERCENT),
        ],
        delivery_rows,
    )
    charts["deliveries"] = plot.chart(
        kind=plot.BAR,
        unit=plot.PERCENT,
        labels=[r[0] for r in delivery_rows],
        series=[
            plot.series(
                _("Delivered by the quoted date (%)"),
                [None if r[6] is None else r[6] * 100 for r in delivery_rows],
            ),
            plot.series(
                _("Previous period (%)"),
                [None if r[7] is None else r[7] * 100 for r in delivery_rows],
            ),
        ],
    )
    income_rows = []
    for kind, label in ProducerKind.choices:
        count, net = cur.income_paid.get(kind, (0, Decimal(0)))
        before = prev.income_paid.get(kind, (0, Decimal(0)))[1]
        if count or before:
            income_rows.append([str(label), count, net, before, change(net, before)])
    table(
        "income",
        [
            Column("kind", _("Producer type")),
            Column("statements", _("Statements paid"), INT),
            Column("net", _("Paid out (₫)"), MONEY),
            Column("previous", _("Previous period (₫)"), MONEY),
            Column("change", _("Change"), PERCENT),
        ],
        income_rows,
    )
    charts["income"] = plot.chart(
        kind=plot.BAR,
        unit=plot.MONEY,
        labels=[r[0] for r in income_rows],
        series=[
            plot.series(_("This period"), [r[2] for r in income_rows]),
            plot.series(_("Previous period"), [r[3] for r in income_rows]),
        ],
    )
    trace_rows = []
    if cur.sales.units or prev.sales.units:
        trace_rows.append(
            [
                _("The whole floor"),
                cur.sales.units,
                cur.sales.traced_units,
                _coverage(cur.sales),
                _coverage(prev.sales),
            ]
        )
    for key, sales in sorted(cur.breakdowns["category"].items(), key=lambda item: -item[1].units):
        before = prev.breakdowns["category"].get(key, Sales())
        trace_rows.append(
            [
                names["category"](key),
                sales.units,
                sales.traced_units,
                _coverage(sales),
                _coverage(before),
            ]
        )
    table(
        "traceability",
        [
            Column("name", _("Category")),
            Column("units", _("Units sold"), INT),
            Column("traced", _("From anchored, inspected lots"), INT),
            Column("coverage", _("Coverage"), PERCENT),
            Column("previous", _("Previous period"), PERCENT),
        ],
        trace_rows,
    )
    charts["traceability"] = plot.chart(
        kind=plot.BAR,
        unit=plot.PERCENT,
        labels=[r[0] for r in trace_rows],
        series=[
            plot.series(
                _("Coverage (%)"), [None if r[3] is None else r[3] * 100 for r in trace_rows]
            )
        ],
    )
    satisfaction_rows = []
    for row in dashboard.satisfaction:
        f = row.figures
        satisfaction_rows.append(
            [
                f.month,
                f.orders,
                f.delivered,
                row.on_time,
                f.complaints,
                f.complaints_resolved,
                row.in_time,
                f.reviews,
                _number(f.rating, 2),
                _number(f.index, 1),
            ]
        )
    table(
        "satisfaction",
        [
            Column("month", _("Month"), DATE),
            Column("orders", _("Orders"), INT),
            Column("delivered", _("Delivered with a quoted date"), INT),
            Column("on_time", _("On time"), PERCENT),
            Column("complaints", _("Complaints"), INT),
            Column("resolved", _("Complaints settled"), INT),
            Column("in_time", _("Settled in time"), PERCENT),
            Column("reviews", _("Reviews"), INT),
            Column("rating", _("Average rating (1–5)")),
            Column("index", _("Satisfaction index (0–100)")),
        ],
        satisfaction_rows,
    )
    charts["satisfaction"] = plot.chart(
        kind=plot.BAR,
        labels=[f"{r[0]:%m/%Y}" for r in satisfaction_rows],
        series=[
            plot.series(_("Complaints"), [r[4] for r in satisfaction_rows]),
            plot.series(_("Complaints settled"), [r[5] for r in satisfaction_rows]),
        ],
    )
    return Built(tables=tables, charts=charts, refreshed_at=dashboard.refreshed_at)


def grouped(value, places: int = 0) -> str:
    """A number the way the active language writes it, thousands grouped (1.000.000)."""
    return numberformat.format(
        value,
        formats.get_format("DECIMAL_SEPARATOR"),
        places,
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def _shown(value, kind: str, *, signed: bool = False) -> str:
    if value is None or value == "":
        return "–"
    if kind == MONEY:
        return f"{grouped(int(value))} ₫"
    if kind == INT:
        return grouped(int(value))
    if kind == PERCENT:
        text = grouped(round(Decimal(value) * 100, 1), 1)
        return f"+{text} %" if signed and value > 0 else f"{text} %"
    if kind == DATE:
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def cells(table: Table) -> list[list[tuple[str, str]]]:
    """The table's rows as the page shows them: (column label, text) per cell; changes carry
    their sign."""
    return [
        [
            (str(column.label), _shown(value, column.kind, signed=column.key == "change"))
            for column, value in zip(table.columns, row, strict=True)
        ]
        for row in table.rows
    ]
