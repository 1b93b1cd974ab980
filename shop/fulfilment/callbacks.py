"""Carriers' status callbacks, one door for all: ``/shipping/callback/<carrier>/<token>/``.

The carrier's adapter verifies and reads the callback (its token, signature and vocabulary)
and words the answer the carrier expects; `tracking.tracking_receive` applies what it says
and logs it. A callback that is not the carrier's is logged as rejected and answered as the
carrier expects a refusal, without saying why; nothing is changed. Past
``RATE_LIMITS["refused-callback"]`` from one address, refused callbacks get a 429 and no row.
Whatever happens, the carrier never gets a 500: an error is logged and answered as a refusal,
so that the carrier delivers again.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from shop import limits
from shop.carriers import registry
from shop.carriers.ports import Acknowledgement, Webhook, WebhookRejected
from shop.fulfilment import tracking
from shop.fulfilment.models import CarrierCallback

logger = logging.getLogger(__name__)
Outcome = CarrierCallback.Outcome


def _answer(ack: Acknowledgement) -> HttpResponse:
    return HttpResponse(ack.body, status=ack.status, content_type=ack.content_type)


@csrf_exempt
@never_cache
def carrier_callback(request, carrier: str, token: str):
    if not registry.is_configured(carrier):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        adapter = registry.carrier_for(carrier)
    except ImproperlyConfigured as exc:
        logger.error("%s callback: the carrier is not usable: %s", carrier, exc)
        raise Http404 from exc
    body = request.body
    webhook = Webhook(
        body=body,
        headers=request.headers,  # case-insensitive, as HTTP headers are
        query={key: value for key, value in request.GET.items()},
        path_token=token,
    )
    try:
        updates = adapter.parse_webhook(webhook)
    except Exception as exc:  # WebhookRejected, or an adapter choking on what it was sent
        if not isinstance(exc, WebhookRejected):
            logger.exception("%s callback could not be read", carrier)
        if retry_after := limits.over_limit(request, "refused-callback"):
            return limits.too_many_requests(request, retry_after)
        reason = str(exc) if isinstance(exc, WebhookRejected) else "unreadable"
        tracking.callback_log(carrier=carrier, outcome=Outcome.REJECTED, reason=reason, body=body)
        logger.warning(
            "%s callback refused from %s: %s", carrier, limits.client_address(request), reason
        )
        return _answer(adapter.acknowledge(accepted=False))
    try:
        tracking.tracking_receive(carrier=carrier, updates=updates, body=body)
    except Exception:  # answered as a refusal: the carrier sends it again
        logger.exception("%s callback failed", carrier)
        try:
            tracking.callback_log(
                carrier=carrier, outcome=Outcome.REJECTED, reason="error: not applied", body=body
            )
        except Exception:
            logger.exception("%s callback not logged", carrier)
        return _answer(adapter.acknowledge(accepted=False))
    return _answer(adapter.acknowledge(accepted=True))
