"""Stripe, simulated: the process's local Stripe API (:mod:`payments.simulators.stripe`, started
on first use) and its hosted Checkout page. A gateway entry whose ``api_base`` is
``"simulator"`` is pointed at the running stub (:func:`options`)."""

import logging

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from payments.gateways.stripe_checkout import StripeCheckoutGateway
from payments.simulators._pages import http_call, lock, simulated_options, simulator_only
from payments.simulators.stripe import StripeStub

logger = logging.getLogger(__name__)
SIMULATED = "simulator"
_stubs: dict[tuple[str, str, str], StripeStub] = {}


def options(options: dict) -> dict:
    """The gateway's options with the running stub's address for ``api_base="simulator"``."""
    if options.get("api_base") != SIMULATED:
        return options
    return {**options, "api_base": stripe_stub().api_base}


def stripe_stub() -> StripeStub:
    """The process's local Stripe API (started on first use), keyed like settings say."""
    if not settings.PAYMENT_SIMULATORS:
        raise Http404("No simulators here.")
    entry = simulated_options(__name__)
    checkout = settings.SITE_URL + "/payments/simulator/stripe/pay/{id}"
    key = (entry["api_key"], entry["webhook_secret"], checkout)
    with lock:
        if key not in _stubs:
            _stubs[key] = StripeStub(
                api_key=key[0], webhook_secret=key[1], checkout_url=checkout
            ).start()
        return _stubs[key]


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
        url = request.build_absolute_uri(reverse(f"payments:{StripeCheckoutGateway.callback.name}"))
        status, answer = http_call(url, data=body, headers=headers)
        logger.info("simulated Stripe webhook for %s: %s %s", session_id, status, answer)
        return redirect(session["success_url"])
    return redirect(session["cancel_url"])


urlpatterns = [
    path("stripe/pay/<str:session_id>", stripe_checkout, name="sim-stripe-pay"),
]
