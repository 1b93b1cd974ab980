"""The charts' specs (shop/charts.py): one shape for every page, drawn by static/shop/charts.js."""

from decimal import Decimal

import pytest

from shop import charts as plot


def test_a_spec_holds_what_the_script_draws():
    spec = plot.chart(
        kind=plot.BAR,
        unit=plot.MONEY,
        labels=["Xã Đồng Văn", "Xã Mèo Vạc"],
        series=[plot.series("Kỳ này", [Decimal("1234567"), None])],
    )
    assert spec == {
        "type": "bar",
        "labels": ["Xã Đồng Văn", "Xã Mèo Vạc"],
        "unit": "money",
        "series": [{"label": "Kỳ này", "values": [1234567.0, None]}],
    }


def test_a_percentage_stops_at_100_unless_told_otherwise():
    assert plot.chart(kind=plot.BAR, unit=plot.PERCENT, labels=[], series=[])["max"] == 100
    assert "max" not in plot.chart(kind=plot.BAR, labels=[], series=[])
    spec = plot.chart(kind=plot.LINE, labels=[], series=[], minimum=1, maximum=5)
    assert (spec["min"], spec["max"]) == (1, 5)


def test_a_doughnut_draws_one_ring_and_a_long_list_grows():
    ring = plot.chart(
        kind=plot.DOUGHNUT,
        labels=["a"],
        series=[plot.series("now", [1]), plot.series("before", [2])],
    )
    assert [s["label"] for s in ring["series"]] == ["now"]
    bars = plot.chart(kind=plot.BAR, labels=["a"], series=[], horizontal=True, row_height=2)
    assert bars["horizontal"] is True and bars["rowHeight"] == 2


@pytest.mark.parametrize(("kind", "unit"), [("pie", "number"), ("bar", "euro")])
def test_an_unknown_kind_or_unit_is_refused(kind, unit):
    with pytest.raises(ValueError, match="Unknown chart"):
        plot.chart(kind=kind, unit=unit, labels=[], series=[])
