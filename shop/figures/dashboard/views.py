"""The Ministry's periodic statistics for operators: a page, and the same table as CSV or XLSX.

A bad period (it ends before it starts, has not begun, …) is said in words on the page, the
downloads included (400, the page with the error): never a file of wrong figures, never a 500.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shop import exports
from shop.figures import statistics
from shop.figures.forms import StatisticsPeriodForm
from shop.roles import operator_required

DEFAULT_PERIOD = "last-quarter"


def _form(request) -> StatisticsPeriodForm:
    return StatisticsPeriodForm(request.GET or None, default=DEFAULT_PERIOD)


def _page(request, form, *, status=200):
    figures = None
    if not form.is_bound or form.is_valid():
        figures = statistics.moit_statistics(period=form.range)
    return render(
        request,
        "figures/dashboard/moit_statistics.html",
        {
            "form": form,
            "figures": figures,
            "rows": statistics.rows(figures) if figures else [],
            "freshness": statistics.freshness(figures) if figures else "",
            "query": request.GET.urlencode(),
        },
        status=status,
    )


@operator_required
@require_GET
def statistics_page(request):
    return _page(request, _form(request))


@operator_required
@require_GET
def statistics_download(request, kind: str):
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return _page(request, form, status=400)
    figures = statistics.moit_statistics(period=form.range)
    table = statistics.table(figures, floor=settings.OSCAR_SHOP_NAME)
    name = _("moit-statistics")  # the file's name, in the operator's language
    stem = f"{name}-{form.range.slug}"
    if kind == "csv":
        return exports.csv_response(table, stem=stem)
    return exports.xlsx_response(table, stem=stem)
