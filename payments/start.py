"""Start paying an order and send the buyer where the gateway says: from checkout and from
the order's payment page alike."""

import logging

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language

from payments import selectors, services
from shop import limits

logger = logging.getLogger(__name__)


def payment_start_redirect(
    request, *, order, method: str, failure_message: str, attempt=None
) -> HttpResponse:
    """A new attempt to pay `order` by `method` (or `attempt`, written already: the checkout
    writes an order's first attempt with the order), started at its gateway: the buyer is sent
    to the gateway's page, or to the order's payment page (a QR to scan, or `failure_message`
    when the attempt could not start; the order stays payable from there)."""
    try:
        attempt = attempt or services.attempt_create(order=order, method=method)
        action = services.attempt_start(
            attempt=attempt,
            buyer_ip=limits.client_address(request),
            return_url=selectors.return_url(attempt),
            notify_url=selectors.notify_url(attempt),
            locale=get_language(),
        )
    except Exception:  # the order is placed: the buyer pays from its page
        logger.exception("could not start paying order %s", order.number)
        messages.error(request, failure_message)
        return redirect(selectors.order_payment_url(order))
    if action.kind == "redirect" and action.url:
        return redirect(action.url)
    return redirect(selectors.order_payment_url(order))
