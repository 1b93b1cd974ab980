from django.shortcuts import render
from django.urls import reverse

from shop.roles import producer_required
from shop.satisfaction import selectors
from shop.satisfaction.models import Scope


@producer_required
def own(request):
    """The producer's figures (this month and the last 12), the floor's beside them, and
    advice chosen from the producer's weakest dimensions."""
    months = selectors.months_last()
    history = selectors.scope_history(Scope.PRODUCER, request.producer.pk, months)
    floor = selectors.floor_history(months)
    # The latest month with an index, else this month.
    latest = next((i for i in range(len(months) - 1, -1, -1) if history[i].figures.index), -1)
    return render(
        request,
        "satisfaction/dashboard/own.html",
        {
            "producer": request.producer,
            "history": history,
            "current": history[latest],
            "floor": floor[latest],
            "month_label": selectors.month_label(months[latest]),
            "advice": selectors.advice_for(history[latest], floor[latest]),
            "chart": selectors.chart_data(history),
            "public_url": reverse("satisfaction:producer", args=[request.producer.pk]),
        },
    )
