"""Operators' pages for payments: thin views over `payments.selectors` and `payments.services`.

Every page is for operators only (``shop.roles``), except recording cash as collected, which the
producer of a line in the order may do as well.
"""

import json
import re
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from oscar.templatetags.currency_filters import currency
from oscar.views.decorators import permissions_required

from payments import selectors, services
from payments.dashboard import forms
from payments.models import BankCredit, Method, PaymentAttempt
from payments.ports import GatewayError
from payments.services import Outcome, PaymentNotAllowed, RefundAlreadySubmitted
from shop import roles

PAGE_SIZE = 25
LOGIN_URL = reverse_lazy("dashboard:login")

operators_only = roles.operator_required
signed_in = permissions_required(["is_authenticated"], login_url=LOGIN_URL)

# The log never stores secrets; should a gateway ever echo one back, it is not shown either.
_SECRET_KEY = re.compile(r"secret|password|api_?key|authorization|token", re.IGNORECASE)


def _masked(value):
    if isinstance(value, dict):
        return {k: "•••" if _SECRET_KEY.search(str(k)) else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _pretty(value) -> str:
    return json.dumps(_masked(value), indent=2, ensure_ascii=False, sort_keys=True) if value else ""


def _with_json(calls):
    for call in calls:
        call.request_text, call.response_text = _pretty(call.request), _pretty(call.response)
    return calls


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _error(exc: Exception) -> str:
    return _("Not done: %(reason)s.") % {"reason": exc}


# --------------------------------------------------------------------------- attempts


@operators_only
@require_GET
def attempt_list(request):
    form = forms.AttemptFilterForm(request.GET or None)
    attempts = selectors.attempts_for_operators(**(form.filters() if form.is_bound else {}))
    page = _page(request, attempts)
    return render(
        request,
        "payments/dashboard/attempt_list.html",
        {"form": form, "page_obj": page, "paginator": page.paginator, "attempts": page},
    )


@operators_only
@require_GET
def attempt_detail(request, pk: int):
    attempt = get_object_or_404(selectors.attempts_with_history(), pk=pk)
    context = {
        "attempt": attempt,
        "calls": _with_json(selectors.calls_for_attempt(attempt=attempt)),
        "refund_mode": selectors.attempt_refund_mode(attempt=attempt),
        "review_form": forms.ReasonForm(auto_id="review_%s") if attempt.needs_review else None,
        "cash_form": forms.CashCollectedForm(auto_id="cash_%s")
        if attempt.method == Method.COD and not attempt.is_final
        else None,
    }
    return render(request, "payments/dashboard/attempt_detail.html", context)


@operators_only
@require_http_methods(["GET", "POST"])
def attempt_refund(request, pk: int):
    attempt = get_object_or_404(PaymentAttempt.objects.select_related("order"), pk=pk)
    mode = selectors.attempt_refund_mode(attempt=attempt)
    if not mode:
        messages.error(request, _("This payment cannot be refunded."))
        return redirect("payments-dashboard:attempt-detail", pk=attempt.pk)
    partners = services.refund_partners(attempt=attempt)
    if request.method == "POST":
        form = forms.RefundForm(request.POST, attempt=attempt, partners=partners)
        if form.is_valid():
            try:
                refund = services.payment_refund_once(
                    attempt=attempt,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                    request_token=form.cleaned_data["token"],
                    partner=form.cleaned_data.get("partner"),
                )
            except GatewayError as exc:
                form.add_error(
                    None, _("The payment service did not refund: %(error)s") % {"error": exc}
                )
            except RefundAlreadySubmitted:
                form.add_error(
                    None,
                    _("This form was already sent: check the payment's refunds before another."),
                )
            except PaymentNotAllowed as exc:
                form.add_error(None, _error(exc))
            else:
                messages.success(
                    request,
                    _("Refund of %(amount)s recorded (%(status)s).")
                    % {
                        "amount": currency(refund.amount, attempt.currency),
                        "status": refund.get_status_display(),
                    },
                )
                return redirect("payments-dashboard:attempt-detail", pk=attempt.pk)
            form.renew_token(secrets.token_urlsafe(16))
    else:
        form = forms.RefundForm(
            attempt=attempt,
            partners=partners,
            initial={"amount": attempt.refundable, "token": secrets.token_urlsafe(16)},
        )
    return render(
        request,
        "payments/dashboard/attempt_refund.html",
        {"attempt": attempt, "form": form, "refund_mode": mode},
    )


@operators_only
@require_POST
def attempt_review_close(request, pk: int):
    attempt = get_object_or_404(PaymentAttempt, pk=pk)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the review is closed."))
    else:
        try:
            services.attempt_review_close(
                attempt=attempt, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except PaymentNotAllowed:
            messages.info(request, _("This payment no longer needs a review."))
        else:
            messages.success(request, _("Review closed."))
    return redirect("payments-dashboard:attempt-detail", pk=attempt.pk)


# --------------------------------------------------------------------------- cash on delivery


@signed_in
@require_http_methods(["GET", "POST"])
def cash_collected(request, number: str):
    """Operators, or the producer of a line in the order, record the cash as collected."""
    order = get_object_or_404(selectors.cash_orders(), number=number)
    if not selectors.cash_collection_allowed(order=order, user=request.user):
        raise PermissionDenied
    attempt = order.payment_attempts.filter(method=Method.COD).first()
    form = forms.CashCollectedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            applied = services.cash_collected(
                order=order, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except PaymentNotAllowed as exc:
            messages.error(request, _error(exc))
        else:
            if applied.outcome == Outcome.APPLIED:
                messages.success(request, _("Cash recorded as collected: the order is paid."))
            elif applied.outcome == Outcome.ALREADY_FINAL:
                messages.info(request, _("This order's cash was already recorded."))
            else:
                messages.error(request, _("The cash could not be recorded."))
        if roles.is_operator(request.user):
            return redirect("payments-dashboard:attempt-detail", pk=attempt.pk)
        return redirect("payments-dashboard:cash-collected", number=order.number)
    return render(
        request,
        "payments/dashboard/cash_collected.html",
        {"order": order, "attempt": attempt, "form": form},
    )


# --------------------------------------------------------------------------- transfers


@operators_only
@require_GET
def transfer_list(request):
    form = forms.CreditFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    page = _page(request, selectors.credits_by_status(status=status))
    return render(
        request,
        "payments/dashboard/transfer_list.html",
        {"form": form, "page_obj": page, "paginator": page.paginator, "credits": page},
    )


def _transfer_page(request, credit, *, confirm_form=None, dismiss_form=None, status=200):
    initial = {}
    if credit.attempt_id and not credit.attempt.is_final:
        initial["attempt"] = credit.attempt.reference
    context = {
        "credit": credit,
        "suggestions": selectors.transfer_suggestions(credit=credit)
        if credit.needs_operator
        else [],
        "confirm_form": confirm_form
        or forms.TransferConfirmForm(
            initial=initial, attempts=selectors.attempts_awaiting_transfer(), auto_id="confirm_%s"
        ),
        "dismiss_form": dismiss_form or forms.ReasonForm(auto_id="dismiss_%s"),
    }
    return render(request, "payments/dashboard/transfer_detail.html", context, status=status)


def _credit(pk: int) -> BankCredit:
    return get_object_or_404(
        BankCredit.objects.select_related("attempt", "attempt__order", "resolved_by"), pk=pk
    )


def _already_resolved(request, credit: BankCredit):
    messages.info(request, _("This transfer has already been resolved."))
    return redirect("payments-dashboard:transfer-detail", pk=credit.pk)


def _transfer_refused(request, credit: BankCredit, exc: PaymentNotAllowed):
    """The service said no: most often another operator resolved the transfer meanwhile."""
    credit.refresh_from_db(fields=["status"])
    if not credit.needs_operator:
        return _already_resolved(request, credit)
    messages.error(request, _error(exc))
    return redirect("payments-dashboard:transfer-detail", pk=credit.pk)


@operators_only
@require_GET
def transfer_detail(request, pk: int):
    return _transfer_page(request, _credit(pk))


@operators_only
@require_POST
def transfer_confirm(request, pk: int):
    credit = _credit(pk)
    if not credit.needs_operator:
        return _already_resolved(request, credit)
    form = forms.TransferConfirmForm(
        request.POST, attempts=selectors.attempts_awaiting_transfer(), auto_id="confirm_%s"
    )
    if not form.is_valid():
        return _transfer_page(request, credit, confirm_form=form, status=400)
    attempt = form.cleaned_data["attempt"]
    try:
        services.bank_credit_confirm(
            credit=credit, attempt=attempt, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except PaymentNotAllowed as exc:
        return _transfer_refused(request, credit, exc)
    messages.success(
        request,
        _("Transfer %(bank_reference)s confirmed for payment %(reference)s.")
        % {"bank_reference": credit.bank_reference, "reference": attempt.reference},
    )
    return redirect("payments-dashboard:transfer-list")


@operators_only
@require_POST
def transfer_dismiss(request, pk: int):
    credit = _credit(pk)
    if not credit.needs_operator:
        return _already_resolved(request, credit)
    form = forms.ReasonForm(request.POST, auto_id="dismiss_%s")
    if not form.is_valid():
        return _transfer_page(request, credit, dismiss_form=form, status=400)
    try:
        services.bank_credit_dismiss(
            credit=credit, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except PaymentNotAllowed as exc:
        return _transfer_refused(request, credit, exc)
    messages.success(
        request,
        _("Transfer %(bank_reference)s dismissed.") % {"bank_reference": credit.bank_reference},
    )
    return redirect("payments-dashboard:transfer-list")


# --------------------------------------------------------------------------- gateway log


@operators_only
@require_GET
def call_list(request):
    form = forms.CallFilterForm(request.GET or None)
    calls = selectors.calls_for_operators(**(form.filters() if form.is_bound else {}))
    page = _page(request, calls)
    return render(
        request,
        "payments/dashboard/call_list.html",
        {"form": form, "page_obj": page, "paginator": page.paginator, "calls": page},
    )


@operators_only
@require_GET
def call_detail(request, pk: int):
    call = _with_json([get_object_or_404(selectors.calls_recent(), pk=pk)])[0]
    return render(request, "payments/dashboard/call_detail.html", {"call": call, "calls": [call]})
