"""The public figures page: the floor's headline numbers by commune, this year."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from shop.figures import selectors


@require_GET
def index(request):
    figures = selectors.public_figures()
    return render(
        request,
        "figures/index.html",
        {
            "figures": figures,
            "chart": selectors.chart_data(figures),
            "cache_minutes": max(selectors.cache_seconds() // 60, 1),
        },
    )
