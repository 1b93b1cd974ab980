"""The charts' data, built on the server and drawn in the browser by one script.

A page puts its charts in a ``json_script`` block as ``{key: spec}`` and draws each one on a
``<canvas data-chart="key" data-chart-source="<the block's id>">``; ``static/shop/charts.js``
(after ``vendor/chartjs/chart.umd.min.js``, both deferred: no inline script, as the
Content-Security-Policy wants) reads the block and draws every canvas with the accessible
colour and dash palette, numbers in the page's language and no animation when the reader asked
for reduced motion. What differs between pages is data here, not code there. Every chart has a
table with the same figures under it, for screen readers and without JavaScript.
"""

from collections.abc import Iterable, Sequence

LINE, BAR, DOUGHNUT = "line", "bar", "doughnut"
NUMBER, MONEY, PERCENT = "number", "money", "percent"  # money: whole đồng, "1.234.567 ₫"

KINDS = (LINE, BAR, DOUGHNUT)
UNITS = (NUMBER, MONEY, PERCENT)


def series(label: str, values: Iterable) -> dict:
    """One line, set of bars or ring: its legend and its values (None: no figure)."""
    return {"label": str(label), "values": [None if v is None else float(v) for v in values]}


def chart(
    *,
    kind: str,
    labels: Sequence,
    series: Sequence[dict],
    unit: str = NUMBER,
    minimum: float | None = None,
    maximum: float | None = None,
    horizontal: bool = False,
    row_height: float | None = None,
) -> dict:
    """A chart's spec for ``static/shop/charts.js``.

    ``minimum``/``maximum`` fix the value axis (by default it starts at 0 and a percentage stops
    at 100); ``horizontal`` lays bars along the x axis; ``row_height`` (rem per label) makes the
    chart as tall as its labels need, every label shown.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown chart kind {kind!r}; expected one of {KINDS}.")
    if unit not in UNITS:
        raise ValueError(f"Unknown chart unit {unit!r}; expected one of {UNITS}.")
    spec = {"type": kind, "labels": [str(label) for label in labels], "unit": unit}
    spec["series"] = list(series)
    if kind == DOUGHNUT:
        spec["series"] = spec["series"][:1]  # one ring, a colour per label
    if minimum is not None:
        spec["min"] = minimum
    if maximum is not None:
        spec["max"] = maximum
    elif unit == PERCENT:
        spec["max"] = 100
    if horizontal:
        spec["horizontal"] = True
    if row_height:
        spec["rowHeight"] = row_height
    return spec
