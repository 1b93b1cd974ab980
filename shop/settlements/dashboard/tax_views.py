"""Tax withheld (Decree 117/2025/NĐ-CP): the operators' monthly declaration and each
producer's yearly certificate. Operators reach every producer's; a producer only its own (the
URL has no producer in it: it is the signed-in one)."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from oscar.core.loading import get_model

from shop import exports
from shop.reporting import year_range
from shop.roles import operator_required, producer_required
from shop.settlements import forms, selectors, services, tax, tax_documents

Partner = get_model("partner", "Partner")


def _years() -> list[int]:
    return list(range(timezone.localdate().year, tax.start_date().year - 1, -1))


def _month_form(request) -> forms.TaxMonthForm:
    data = request.GET if "month" in request.GET else None
    if data is None:
        last = timezone.localdate().replace(day=1) - timedelta(days=1)
        last = max(last, tax.start_date())
        data = {"month": f"{last:%Y-%m}"}
    return forms.TaxMonthForm(data)


@operator_required
@require_GET
def declaration(request):
    form = _month_form(request)
    rows = selectors.tax_declaration(period=form.cleaned_data["month"]) if form.is_valid() else []
    return render(
        request,
        "settlements/tax_declaration.html",
        {"form": form, "rows": rows, "period": form.cleaned_data.get("month")},
        status=200 if form.is_valid() else 400,
    )


@operator_required
@require_GET
def declaration_download(request, kind: str):
    form = _month_form(request)
    if not form.is_valid():
        return render(
            request, "settlements/tax_declaration.html", {"form": form, "rows": []}, status=400
        )
    period = form.cleaned_data["month"]
    table = tax_documents.declaration_table(
        rows=selectors.tax_declaration(period=period), period=period
    )
    stem = f"khau-tru-thue-{period.start:%Y-%m}"
    if kind == "csv":
        return exports.csv_response(table, stem=stem)
    return exports.xlsx_response(table, stem=stem)


def _certificate(request, partner, year: int, *, template: str):
    if year not in _years():
        raise Http404
    months = selectors.tax_certificate_months(partner=partner, period=year_range(year))
    if not tax.is_withheld_kind(partner.kind) and not any(r.vat or r.pit for r in months):
        return render(request, template, {"partner": partner, "years": _years(), "nothing": year})
    body = tax_documents.certificate_pdf(partner=partner, year=year, months=months)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="chung-tu-khau-tru-thue-{year}-{partner.pk}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@operator_required
@require_http_methods(["GET", "HEAD", "POST"])
def producer_tax(request, pk: int):
    partner = get_object_or_404(Partner, pk=pk)
    form = forms.TaxIdForm(
        request.POST or None, partner=partner, initial={"tax_id": partner.tax_id}
    )
    if request.method == "POST" and form.is_valid():
        services.partner_tax_id_set(partner=partner, tax_id=form.cleaned_data["tax_id"])
        messages.success(request, _("The tax code is saved."))
        return redirect("settlements-dashboard:tax-producer", pk=partner.pk)
    return render(
        request,
        "settlements/tax_producer_operator.html",
        {"partner": partner, "form": form, "years": _years()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@operator_required
@require_GET
def producer_certificate(request, pk: int, year: int):
    partner = get_object_or_404(Partner, pk=pk)
    return _certificate(request, partner, year, template="settlements/tax_producer_operator.html")


# --------------------------------------------------------------------------- producers


@producer_required
@require_GET
def own_tax(request):
    return render(
        request,
        "settlements/tax_producer.html",
        {
            "partner": request.producer,
            "years": _years(),
            "withheld": tax.is_withheld_kind(request.producer.kind),
            "vat": tax.percent(tax.rates().vat),
            "pit": tax.percent(tax.rates().pit),
        },
    )


@producer_required
@require_GET
def own_certificate(request, year: int):
    return _certificate(request, request.producer, year, template="settlements/tax_producer.html")
