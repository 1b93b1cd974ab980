"""Operators' cash-on-delivery pages under /dashboard/settlements/cod/: the queue of cash
figures that differ from what was due (each decided with who and when), and the upload of a
carrier's COD report. Thin views over `selectors`, `cod_report` and fulfilment's `cod`."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shop.fulfilment import cod
from shop.roles import operator_required
from shop.settlements import cod_report, forms, selectors

RESOLVED_SHOWN = 50


def _queue(request, *, form=None, failed=None, status=200):
    return render(
        request,
        "settlements/cod_queue.html",
        {
            "discrepancies": selectors.cod_discrepancies(),
            "resolved": selectors.cod_discrepancies(resolved=True)[:RESOLVED_SHOWN],
            "form": form or forms.CodResolveForm(),
            "failed": failed,
        },
        status=status,
    )


@operator_required
@require_http_methods(["GET", "HEAD"])
def cod_queue(request):
    return _queue(request)


@operator_required
@require_POST
def cod_resolve(request, pk: int):
    discrepancy = get_object_or_404(selectors.cod_discrepancies(), pk=pk)
    form = forms.CodResolveForm(request.POST)
    if not form.is_valid():
        return _queue(request, form=form, failed=discrepancy.pk, status=400)
    try:
        cod.cod_discrepancy_resolve(
            discrepancy=discrepancy,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except cod.CodRefused as refused:
        form.add_error(None, str(refused))
        return _queue(request, form=form, failed=discrepancy.pk, status=400)
    messages.success(
        request,
        _("Order %(number)s: the cash figure is settled.")
        % {"number": discrepancy.shipment.order.number},
    )
    return redirect("settlements-dashboard:cod-queue")


@operator_required
@require_http_methods(["GET", "HEAD", "POST"])
def cod_report_upload(request):
    form = forms.CodReportForm(request.POST or None, request.FILES or None)
    rows, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["report"]
            try:
                rows = cod_report.report_read(
                    name=upload.name, data=upload.read(cod_report.MAX_BYTES + 1)
                )
            except cod_report.ReportUnreadable as unreadable:
                form.add_error("report", str(unreadable))
            else:
                rows = cod_report.cod_report_apply(
                    rows=rows, name=upload.name, carrier=form.cleaned_data["carrier"]
                )
        if not form.is_valid():
            status = 400
    return render(
        request,
        "settlements/cod_report.html",
        {
            "form": form,
            "rows": rows,
            "applied": [r for r in rows or () if not r.error],
            "refused": [r for r in rows or () if r.error],
        },
        status=status,
    )
