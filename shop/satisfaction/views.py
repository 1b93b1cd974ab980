"""The public satisfaction index: the floor, producers and places of origin; one producer."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.satisfaction import method, selectors
from shop.satisfaction.models import Scope


def _method_context() -> dict:
    return {
        "method_dimensions": [
            (method.LABELS[name], int(method.WEIGHTS[name] * 100), method.MINIMUM[name])
            for name in method.DIMENSIONS
        ],
        "minimum_orders": method.MINIMUM_ORDERS,
        "minimum_dimensions": method.MINIMUM_DIMENSIONS,
    }


def index(request):
    """Chỉ số hài lòng: this month (or the month asked for), the last 12 months' charts."""
    months = selectors.months_last()
    month = selectors.month_parse(request.GET.get("month"), months)
    sort = request.GET.get("sort")
    sort = sort if sort in selectors.SORTS else "index"
    history = selectors.floor_history(months)
    current = next(r for r in history if r.figures.month == month)
    return render(
        request,
        "satisfaction/index.html",
        {
            "month": month,
            "month_label": selectors.month_label(month),
            "month_choices": [
                (f"{m:%Y-%m}", selectors.month_label(m), m == month) for m in reversed(months)
            ],
            "floor": current,
            "history": history,
            "chart": selectors.chart_data(history),
            "producers": selectors.producers_table(month, sort=sort),
            "provinces": selectors.places_table(Scope.PROVINCE, month),
            "communes": selectors.places_table(Scope.COMMUNE, month),
            "sort": sort,
            "sort_choices": [
                ("index", _("Index (highest first)")),
                ("rating", _("Rating")),
                ("on_time", _("Delivered on time")),
                ("complaints", _("Fewest complaints")),
                ("name", _("Name")),
            ],
            **_method_context(),
        },
    )


def producer(request, pk: int):
    """One producer's figures over the last 12 months, beside the floor's."""
    Partner = get_model("partner", "Partner")
    maker = Partner.objects.filter(pk=pk, is_public=True, suspended_at__isnull=True).first()
    if maker is None:
        raise Http404
    months = selectors.months_last()
    history = selectors.scope_history(Scope.PRODUCER, maker.pk, months)
    return render(
        request,
        "satisfaction/producer.html",
        {
            "producer": maker,
            "history": history,
            "current": history[-1],
            "floor": selectors.floor_history(months[-1:])[0],
            "month_label": selectors.month_label(months[-1]),
            "chart": selectors.chart_data(history),
            **_method_context(),
        },
    )
