"""/dashboard/province/: the province's dashboard for operators, and its downloads. Thin views:
the period from `shop.reporting.PeriodForm`, figures from `selectors`, tables from `tables`."""

from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shop import exports
from shop.province import selectors, tables
from shop.reporting import PRESETS, PeriodForm
from shop.roles import operator_required

FORMATS = ("csv", "xlsx")
EVERYTHING = "all"


def _page(request, *, form, built=None, error="", status=200):
    sections = []
    if built is not None:
        for key, table in built.tables.items():
            sections.append(
                {
                    "key": key,
                    "table": table,
                    "cells": tables.cells(table),
                    "chart": key in built.charts,
                }
            )
    query = request.GET.copy()
    for name in ("table", "format"):
        query.pop(name, None)
    return render(
        request,
        "province/dashboard.html",
        {
            "form": form,
            "presets": PRESETS,
            "sections": sections,
            "charts": built.charts if built else {},
            "period": form.range if built else None,
            "previous": form.range.previous() if built else None,
            "refreshed_at": getattr(built, "refreshed_at", None),
            "query": query.urlencode(),
            "error": error,
        },
        status=status,
    )


def _built(form) -> tables.Built:
    return tables.build(selectors.province_dashboard(period=form.range))


@operator_required
@require_http_methods(["GET", "HEAD"])
def province(request):
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _page(request, form=form)  # the form says what is wrong; no figures
    return _page(request, form=form, built=_built(form))


@operator_required
@require_http_methods(["GET", "HEAD"])
def export(request):
    """One table as CSV or Excel (`table`, `format`), or every table in one workbook
    (`table=all`, Excel), for the period the page shows."""
    form = PeriodForm(request.GET or None)
    key, kind = request.GET.get("table", ""), request.GET.get("format", "")
    if key not in tables.TITLES and key != EVERYTHING or kind not in FORMATS:
        return _page(request, form=form, error=_("There is no such download."), status=400)
    if key == EVERYTHING and kind == "csv":
        return _page(
            request, form=form, error=_("A CSV file holds one table: choose Excel."), status=400
        )
    if form.is_bound and not form.is_valid():
        return _page(request, form=form, status=400)
    built = _built(form)
    stem = f"province-{key}-{form.range.slug}"
    if kind == "csv":
        return exports.csv_response(built.tables[key], stem=stem)
    chosen = built.tables.values() if key == EVERYTHING else built.tables[key]
    return exports.xlsx_response(chosen, stem=stem)


app_name = "province-dashboard"
urlpatterns = [
    path("", province, name="index"),
    path("export/", export, name="export"),
]
