"""Where fulfilment's after-sale reaches the money: a producer's part of an order leaves it
(the buyer cancelled it before packing, or its parcel came back). Fulfilment sends the
signal (payments/receivers.py); these services act on it."""

import logging

from django.contrib.auth import get_user_model
from django.db.models import F
from oscar.core.loading import get_class, get_model

from payments.models import AttemptStatus, Method, PaymentAttempt, Refund
from payments.ports import GatewayError
from payments.services.events import processed_event_claim
from payments.services.outcomes import PaymentNotAllowed
from payments.services.refunds import payment_refund
from shop.fulfilment.cod import shipment_shares
from shop.fulfilment.models import Shipment
from shop.order import statuses

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
EventHandler = get_class("order.processing", "EventHandler")


def order_paid_attempt(*, order_id: int) -> PaymentAttempt | None:
    """The online payment that paid the order, if any (cash on delivery is not refunded:
    a part that left the order collects nothing)."""
    return (
        PaymentAttempt.objects.filter(order_id=order_id, status=AttemptStatus.PAID)
        .exclude(method=Method.COD)
        .order_by("-paid_at", "-pk")
        .first()
    )


def order_cancel_if_emptied(*, order_id: int, note: str) -> bool:
    """Within fulfilment's transaction: the order has no live shipment left. An order not yet
    paid (or waiting for its cash) is cancelled through the order pipeline; a paid one keeps
    its status (the pipeline ends at Paid) and is refunded part by part."""
    order = Order.objects.select_for_update().get(pk=order_id)
    gone = (Shipment.Status.CANCELLED, Shipment.Status.RETURNED)
    if order.shipments.exclude(status__in=gone).exists():
        return False
    if order.status not in (statuses.PENDING_PAYMENT, statuses.CASH_ON_DELIVERY):
        return False
    EventHandler().order_cancelled(order, note=note)
    return True


def shipment_part_refund(*, shipment_id: int, actor_id: int | None = None) -> Refund | None:
    """Give the buyer back a withdrawn shipment's share of a paid order (its lines and its
    shipping charge, `shipment_shares`), for that producer: through the gateway when it can
    refund, else recorded for an operator to pay back by hand (`payment_refund`).

    Runs once per shipment (claimed before any gateway call). When it cannot go through (no
    one to record it for, the gateway refused or did not answer), the payment is flagged for
    an operator (``needs_review``) with the amount to refund."""
    shipment = Shipment.objects.select_related("order", "partner").get(pk=shipment_id)
    attempt = order_paid_attempt(order_id=shipment.order_id)
    if attempt is None:
        return None
    if not processed_event_claim(gateway="shipment", event_id=f"refund:{shipment_id}"):
        return None
    amount = min(shipment_shares(order=shipment.order).get(shipment.pk, 0), attempt.refundable)
    if amount <= 0:
        return None
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    actor = actor or shipment.order.user
    withdrawn = (
        "cancelled by the buyer"
        if shipment.status == Shipment.Status.CANCELLED
        else "parcel returned"
    )
    reason = f"{shipment.partner.name}: {withdrawn}"
    if actor is None:
        _flag(attempt, f"refund {amount} to the buyer ({reason})")
        return None
    try:
        return payment_refund(
            attempt=attempt, amount=amount, reason=reason, actor=actor, partner=shipment.partner
        )
    except (PaymentNotAllowed, GatewayError) as exc:
        logger.warning("refund of shipment %s did not go through: %s", shipment_id, exc)
        _flag(attempt, f"refund {amount} to the buyer ({reason}) failed: {exc}")
        return None


def _flag(attempt: PaymentAttempt, message: str) -> None:
    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        needs_review=message[:255] if not attempt.needs_review else F("needs_review")
    )
