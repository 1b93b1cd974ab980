"""Settlement pages: thin views over `selectors`, `services` and `documents`.

Producers see their own statements only (every query is filtered by ``request.producer``, so
another producer's statement is a 404); operators see and pay all of them.
"""

import base64

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from payments import vietqr
from shop.roles import operator_required, producer_required
from shop.settlements import documents, forms, selectors, services
from shop.settlements.services import StatementAlreadyPaid, StatementNotPayable

PAGE_SIZE = 50


def _context(statement, **extra):
    return {
        "statement": statement,
        "lines": selectors.statement_lines(statement=statement),
        "cash_shipments": selectors.statement_cash(statement=statement),
        "bank_name": selectors.bank_name(statement.partner.payout_bank_bin),
        **extra,
    }


def _download(statement, kind: str) -> HttpResponse:
    if kind == "csv":
        body, content_type = documents.statement_csv(statement), "text/csv; charset=utf-8"
    else:
        body, content_type = documents.statement_pdf(statement), "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{statement.reference}.{kind}"'
    return response


# --------------------------------------------------------------------------- producers


@producer_required
@require_GET
def producer_list(request):
    return render(
        request,
        "settlements/producer_list.html",
        {"statements": selectors.statements_of(producer=request.producer)},
    )


@producer_required
@require_GET
def producer_detail(request, pk: int):
    statement = get_object_or_404(selectors.statements_of(producer=request.producer), pk=pk)
    return render(request, "settlements/producer_detail.html", _context(statement))


@producer_required
@require_GET
def producer_download(request, pk: int, kind: str):
    statement = get_object_or_404(selectors.statements_of(producer=request.producer), pk=pk)
    return _download(statement, kind)


# --------------------------------------------------------------------------- operators


@operator_required
@require_GET
def operator_list(request):
    form = forms.StatementFilterForm(request.GET or None)
    statements = selectors.statements_for_operators(**(form.filters() if form.is_bound else {}))
    page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "settlements/operator_list.html",
        {"form": form, "statements": page, "page_obj": page, "paginator": page.paginator},
    )


def _operator_page(request, statement, *, form=None, status=200):
    payload = selectors.statement_transfer_payload(statement=statement)
    qr = base64.b64encode(vietqr.render_svg(payload, box_size=6)).decode() if payload else ""
    context = _context(
        statement,
        payload=payload,
        qr_svg_base64=qr,
        pay_form=form or forms.StatementPayForm(),
    )
    return render(request, "settlements/operator_detail.html", context, status=status)


@operator_required
@require_GET
def operator_detail(request, pk: int):
    return _operator_page(request, get_object_or_404(selectors.statements_for_operators(), pk=pk))


@operator_required
@require_GET
def operator_download(request, pk: int, kind: str):
    return _download(get_object_or_404(selectors.statements_for_operators(), pk=pk), kind)


@operator_required
@require_POST
def operator_pay(request, pk: int):
    statement = get_object_or_404(selectors.statements_for_operators(), pk=pk)
    form = forms.StatementPayForm(request.POST)
    if not form.is_valid():
        return _operator_page(request, statement, form=form, status=400)
    try:
        services.statement_pay(
            statement=statement,
            actor=request.user,
            bank_reference=form.cleaned_data["bank_reference"],
        )
    except StatementAlreadyPaid:
        messages.info(request, _("This statement was already paid."))
    except StatementNotPayable:
        messages.error(request, _("This statement has nothing to pay."))
    else:
        messages.success(
            request, _("Statement %(reference)s paid.") % {"reference": statement.reference}
        )
    return redirect("settlements-dashboard:detail", pk=statement.pk)
