"""Cash on delivery: the order is confirmed at once and paid when the cash is collected.

Each producer's parcel collects its own share (shop/fulfilment/cod.py): the order is paid when
the carriers have reported every share (fulfilment's ``order_cash_collected`` signal, see
payments/receivers.py) or when a person records the whole order's cash by hand."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from payments.models import Method, PaymentAction, PaymentAttempt
from payments.services.attempts import attempt_insert
from payments.services.events import payment_event_apply
from payments.services.manual import manual_event
from payments.services.outcomes import Applied, Outcome, PaymentNotAllowed
from shop.fulfilment import cod as shipment_cod
from shop.fulfilment.models import Shipment
from shop.money import whole_dong
from shop.order import statuses

Order = get_model("order", "Order")
EventHandler = get_class("order.processing", "EventHandler")


def cash_collected(*, order: Order, actor, reason: str = "") -> Applied:
    """The cash of a cash-on-delivery order is in: a producer or an operator took it (`actor`;
    every shipment still due is then collected at its due figure), or the carriers reported
    each shipment's share (no actor)."""
    attempt = order.payment_attempts.filter(method=Method.COD).first()
    if attempt is None:
        raise PaymentNotAllowed("this order is not paid in cash")
    event = manual_event(attempt, response_code="cash")
    with transaction.atomic():
        applied = payment_event_apply(event=event, method=Method.COD)
        if applied.outcome == Outcome.APPLIED and actor is not None:
            shipment_cod.cod_collected_by_hand(order=order)
            PaymentAction.objects.create(
                attempt=attempt,
                actor=actor,
                action="cash_collected",
                reason=reason or "cash collected on delivery",
            )
    return applied


@transaction.atomic(savepoint=False)  # all or nothing with the caller's order
def cod_attempt_create(*, order: Order, confirmed: bool = False) -> PaymentAttempt:
    """Cash on delivery: the order is confirmed now and paid when the cash is collected.
    `confirmed`: the caller placed `order` as cash on delivery in its own transaction (the
    checkout: `EventHandler.order_placed`), so only the attempt is left to write."""
    if not confirmed:
        order = Order.objects.select_for_update().get(pk=order.pk)
        EventHandler().order_cash_on_delivery(order)
    return attempt_insert(
        PaymentAttempt(
            order=order,
            method=Method.COD,
            amount=whole_dong(order.total_incl_tax),
            currency=order.currency,
            expires_at=timezone.now() + timedelta(days=3650),
        )
    )


@transaction.atomic
def cod_attempt_refit(*, order_id: int) -> None:
    """A part left a cash-on-delivery order before its cash was in (its buyer cancelled it, or
    it came back): what the order will record as paid in cash is what its remaining shipments
    are due, not the total it was placed with."""
    attempt = (
        PaymentAttempt.objects.select_for_update()
        .filter(order_id=order_id, method=Method.COD)
        .first()
    )
    if (
        attempt is None
        or not Order.objects.filter(pk=order_id, status=statuses.CASH_ON_DELIVERY).exists()
    ):
        return
    due = sum(
        Shipment.objects.filter(order_id=order_id)
        .exclude(cod=Shipment.Cod.NONE)
        .values_list("cod_due", flat=True),
        Decimal(0),
    )
    if 0 < due < attempt.amount:
        attempt.amount = whole_dong(due)
        attempt.save(update_fields=["amount"])
