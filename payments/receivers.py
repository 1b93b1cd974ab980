"""Payments' side of fulfilment's signals (shop/fulfilment/signals.py), connected in
``PaymentsConfig.ready``: an order whose carriers collected all its cash is paid; a part that
left an order is refunded when it was paid, no longer counted in the cash still to collect
when it was not, and an emptied order is cancelled."""

from django.db import transaction
from django.dispatch import receiver
from oscar.core.loading import get_model

from payments.services.cod import cash_collected, cod_attempt_refit
from payments.services.shipments import order_cancel_if_emptied, order_paid_attempt
from shop.fulfilment import signals
from shop.order import statuses
from shop.outbox.services import outbox_enqueue

Order = get_model("order", "Order")


@receiver(signals.order_cash_collected, dispatch_uid="payments-order-cash-collected")
def order_cash_collected(sender, *, order_id: int, **kwargs) -> None:
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status == statuses.CASH_ON_DELIVERY:
        cash_collected(order=order, actor=None, reason="each shipment's cash reported")


@receiver(signals.shipment_withdrawn, dispatch_uid="payments-shipment-withdrawn")
def shipment_withdrawn(sender, *, shipment, actor, reason: str, **kwargs) -> None:
    with transaction.atomic():
        cod_attempt_refit(order_id=shipment.order_id)
        order_cancel_if_emptied(order_id=shipment.order_id, note=reason)
        if order_paid_attempt(order_id=shipment.order_id) is not None:
            # The gateway is called once the withdrawal commits, by a worker (the outbox).
            outbox_enqueue(
                task="payments.refund_shipment",
                kwargs={"shipment_id": shipment.pk, "actor_id": actor.pk if actor else None},
                key=f"shipment-refund:{shipment.pk}",
            )
