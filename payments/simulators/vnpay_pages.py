"""VNPay's pages, simulated: the pay page (the buyer pays or cancels; the signed IPN goes to
our notification URL, then the buyer is sent back) and the merchant API (querydr, refund).
The protocol itself is :mod:`payments.simulators.vnpay`."""

import logging
import urllib.parse

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from payments.gateways.vnpay import VNPayGateway
from payments.gateways.vnpay_wire import AMOUNT_MULTIPLIER
from payments.ports import InvalidSignature, from_minor_units
from payments.simulators._pages import http_call, lock, simulated_options, simulator_only
from payments.simulators.vnpay import SimulatorError, VNPaySimulatorCore

logger = logging.getLogger(__name__)
_cores: dict[tuple[str, str], VNPaySimulatorCore] = {}


def core() -> VNPaySimulatorCore:
    """The process's simulated VNPay, one per merchant code and secret in the settings."""
    options = simulated_options(__name__)
    key = (options["tmn_code"], options["hash_secret"])
    with lock:
        if key not in _cores:
            _cores[key] = VNPaySimulatorCore(tmn_code=key[0], hash_secret=key[1])
        return _cores[key]


@simulator_only
@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def vnpay_pay(request):
    """VNPay's payment page: validate the pay URL, let the buyer pay or cancel."""
    vnpay = core()
    query = request.GET.urlencode() if request.method == "GET" else request.POST.get("query", "")
    url = request.build_absolute_uri(reverse("payments:sim-vnpay-pay")) + "?" + query
    txn_ref = urllib.parse.parse_qs(query).get("vnp_TxnRef", [""])[0]
    if request.method == "GET":
        try:
            transaction = vnpay.accept_pay_url(url)
        except InvalidSignature:
            return render(
                request, "payments/simulator/vnpay_error.html", {"code": "97"}, status=400
            )
        except SimulatorError as exc:
            transaction = vnpay.transactions.get(txn_ref) if exc.code == "01" else None
            if transaction is None:
                context = {"code": exc.code, "message": str(exc)}
                return render(request, "payments/simulator/vnpay_error.html", context, status=400)
        # vnp_Amount is đồng x 100 on the wire; the buyer is shown đồng.
        amount = from_minor_units(transaction.amount, currency="VND", multiplier=AMOUNT_MULTIPLIER)
        return render(
            request,
            "payments/simulator/vnpay_pay.html",
            {
                "transaction": transaction,
                "amount": amount,
                "merchant": vnpay.tmn_code,
                "query": query,
            },
        )
    try:
        if request.POST.get("action") == "pay":
            params = vnpay.pay(txn_ref, bank_code=request.POST.get("bank", "NCB")[:20])
        else:
            params = vnpay.cancel(txn_ref)
    except SimulatorError as exc:
        context = {"code": exc.code, "message": str(exc)}
        return render(request, "payments/simulator/vnpay_error.html", context, status=400)
    # VNPay notifies the merchant's server first, then sends the buyer back.
    ipn = request.build_absolute_uri(reverse(f"payments:{VNPayGateway.callback.name}"))
    status, body = http_call(f"{ipn}?{urllib.parse.urlencode(params)}")
    logger.info("simulated VNPay IPN for %s: %s %s", txn_ref, status, body)
    return redirect(vnpay.return_url(txn_ref, params))


@simulator_only
@csrf_exempt
@require_POST
def vnpay_api(request):
    """VNPay's merchant API (querydr, refund), answering with signed JSON."""
    return JsonResponse(core().answer_api(request.body))


urlpatterns = [
    path("vnpay/pay", vnpay_pay, name="sim-vnpay-pay"),
    path("vnpay/api", vnpay_api, name="sim-vnpay-api"),
]
