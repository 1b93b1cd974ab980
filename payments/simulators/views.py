"""The simulators' pages: local stand-ins for the gateways, for development and tests only.

They speak each gateway's real protocol against our real endpoints: the VNPay simulator checks
the merchant's signature as VNPay does, shows a bank-choice page, sends the signed IPN to our
notification URL over HTTP and sends the buyer back with signed parameters; it also answers
`querydr` and `refund`. The bank simulator "makes a transfer" by posting a correctly signed
statement webhook. Every view refuses to exist unless settings.PAYMENT_SIMULATORS is on, which
production settings force off.
"""

import functools
import json
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from payments.gateways.bank_statement import StatementLine, build_webhook
from payments.gateways.vnpay_wire import AMOUNT_MULTIPLIER
from payments.models import Method
from payments.ports import InvalidSignature, from_minor_units
from payments.simulators.stripe import StripeStub
from payments.simulators.vnpay import SimulatorError, VNPaySimulatorCore

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_cores: dict[tuple[str, str], VNPaySimulatorCore] = {}
_stripe: dict[tuple[str, str, str], StripeStub] = {}


def simulator_only(view):
    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.PAYMENT_SIMULATORS:
            raise Http404("No simulators here.")
        return view(request, *args, **kwargs)

    return guarded


def _vnpay_core() -> VNPaySimulatorCore:
    options = settings.PAYMENT_GATEWAYS[Method.VNPAY]["OPTIONS"]
    key = (options["tmn_code"], options["hash_secret"])
    with _lock:
        if key not in _cores:
            _cores[key] = VNPaySimulatorCore(tmn_code=key[0], hash_secret=key[1])
        return _cores[key]


def _http(url: str, *, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our own site)
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@simulator_only
@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def vnpay_pay(request):
    """VNPay's payment page: validate the pay URL, let the buyer pay or cancel."""
    core = _vnpay_core()
    query = request.GET.urlencode() if request.method == "GET" else request.POST.get("query", "")
    url = request.build_absolute_uri(reverse("payments:sim-vnpay-pay")) + "?" + query
    txn_ref = urllib.parse.parse_qs(query).get("vnp_TxnRef", [""])[0]
    if request.method == "GET":
        try:
            transaction = core.accept_pay_url(url)
        except InvalidSignature:
            return render(
                request, "payments/simulator/vnpay_error.html", {"code": "97"}, status=400
            )
        except SimulatorError as exc:
            transaction = core.transactions.get(txn_ref) if exc.code == "01" else None
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
                "merchant": core.tmn_code,
                "query": query,
            },
        )
    try:
        if request.POST.get("action") == "pay":
            params = core.pay(txn_ref, bank_code=request.POST.get("bank", "NCB")[:20])
        else:
            params = core.cancel(txn_ref)
    except SimulatorError as exc:
        context = {"code": exc.code, "message": str(exc)}
        return render(request, "payments/simulator/vnpay_error.html", context, status=400)
    # VNPay notifies the merchant's server first, then sends the buyer back.
    ipn = request.build_absolute_uri(reverse("payments:vnpay-ipn"))
    status, body = _http(f"{ipn}?{urllib.parse.urlencode(params)}")
    logger.info("simulated VNPay IPN for %s: %s %s", txn_ref, status, body)
    return redirect(core.return_url(txn_ref, params))


@simulator_only
@csrf_exempt
@require_POST
def vnpay_api(request):
    """VNPay's merchant API (querydr, refund), answering with signed JSON."""
    return JsonResponse(_vnpay_core().answer_api(request.body))


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
        options = settings.PAYMENT_GATEWAYS[Method.VIETQR]["OPTIONS"]
        now = timezone.now()
        line = StatementLine(
            amount=amount,
            description=description[:500],
            bank_reference=request.POST.get("bank_reference") or f"FT{now:%y%m%d%H%M%S%f}",
            account_number=options["account_number"],
            occurred_at=now,
        )
        body, headers = build_webhook(lines=[line], secret=options["webhook_secret"], sent_at=now)
        url = request.build_absolute_uri(reverse("payments:bank-webhook"))
        status, answer = _http(url, data=body, headers=headers)
        context.update(sent=True, status=status, answer=answer, line=line, body=json.loads(body))
    return render(request, "payments/simulator/bank_transfer.html", context)


def stripe_stub() -> StripeStub:
    """The process's local Stripe API (started on first use), keyed like settings say."""
    if not settings.PAYMENT_SIMULATORS:
        raise Http404("No simulators here.")
    options = settings.PAYMENT_GATEWAYS[Method.CARD]["OPTIONS"]
    checkout = settings.SITE_URL + "/payments/simulator/stripe/pay/{id}"
    key = (options["api_key"], options["webhook_secret"], checkout)
    with _lock:
        if key not in _stripe:
            _stripe[key] = StripeStub(
                api_key=key[0], webhook_secret=key[1], checkout_url=checkout
            ).start()
        return _stripe[key]


@simulator_only
@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def stripe_checkout(request, session_id: str):
    """Stripe's hosted Checkout page: pay by card (test) or go back."""
    stub = stripe_stub()
    try:
        session = stub.session(session_id)
    except Exception as exc:  # the stub answers an unknown id as Stripe would: not found
        raise Http404("No such session.") from exc
    if request.method == "GET":
        return render(request, "payments/simulator/stripe_checkout.html", {"session": session})
    if request.POST.get("action") == "pay":
        stub.complete_session(session_id)
        body, headers = stub.session_webhook(session_id, "checkout.session.completed")
        url = request.build_absolute_uri(reverse("payments:stripe-webhook"))
        status, answer = _http(url, data=body, headers=headers)
        logger.info("simulated Stripe webhook for %s: %s %s", session_id, status, answer)
        return redirect(session["success_url"])
    return redirect(session["cancel_url"])
