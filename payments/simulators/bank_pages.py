"""The bank feed, simulated: a development page that "makes a transfer" by posting a correctly
signed statement webhook to our bank feed URL."""

import json
from decimal import Decimal, InvalidOperation

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from payments.gateways.bank_statement import StatementLine, build_webhook
from payments.gateways.bank_transfer import BankTransferGateway
from payments.simulators._pages import http_call, simulated_options, simulator_only


@simulator_only
@never_cache
@require_http_methods(["GET", "POST"])
def bank_transfer(request):
    """A development page that makes a bank transfer: the bank feed posts a signed statement."""
    context = {
        "reference": request.GET.get("reference", ""),
        "amount": request.GET.get("amount", ""),
    }
    if request.method == "POST":
        try:
            amount = Decimal(request.POST.get("amount", ""))
        except InvalidOperation:
            return HttpResponseBadRequest("amount")
        description = request.POST.get("description") or request.POST.get("reference", "")
        options = simulated_options(__name__)
        now = timezone.now()
        line = StatementLine(
            amount=amount,
            description=description[:500],
            bank_reference=request.POST.get("bank_reference") or f"FT{now:%y%m%d%H%M%S%f}",
            account_number=options["account_number"],
            occurred_at=now,
        )
        body, headers = build_webhook(lines=[line], secret=options["webhook_secret"], sent_at=now)
        url = request.build_absolute_uri(reverse(f"payments:{BankTransferGateway.callback.name}"))
        status, answer = http_call(url, data=body, headers=headers)
        context.update(sent=True, status=status, answer=answer, line=line, body=json.loads(body))
    return render(request, "payments/simulator/bank_transfer.html", context)


urlpatterns = [path("bank/", bank_transfer, name="sim-bank")]
