"""The order pipeline: the one place where an order is placed (its shipments), confirmed as
cash on delivery, paid, cancelled or refunded.

Payments (the payment state machine, cash collection, refunds, expiry) and checkout call these
methods; nothing else changes an order's status or opens and cancels its shipments. Each method
runs in the caller's transaction, with the order locked by the caller, moves the status only
along ``OSCAR_ORDER_STATUS_PIPELINE`` (shop/order/statuses.py; Oscar records each change as an
``OrderStatusChange``), records Oscar's payment events, and leaves the side effects to the
producers' fulfilment (whose e-mails go through the outbox). Load it with
``get_class("order.processing", "EventHandler")``.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from oscar.apps.order import processing
from oscar.apps.order.signals import order_status_changed
from oscar.core.loading import get_class, get_model

from shop.db.rows import rows_insert
from shop.fulfilment import cod as shipment_cod
from shop.fulfilment import services as fulfilment
from shop.order import statuses
from shop.order.kinds import kind_get_or_create

InvalidOrderStatus = get_class("order.exceptions", "InvalidOrderStatus")
PaymentError = get_class("payment.exceptions", "PaymentError")
Order = get_model("order", "Order")
OrderStatusChange = get_model("order", "OrderStatusChange")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")

PAID_EVENT = "Paid"
REFUNDED_EVENT = "Refunded"


class EventHandler(processing.EventHandler):
    # What `order_paid` reads of the order: its number (in a refusal), its status, and the date
    # it was placed, which Oscar's `Order.save` fills in when missing. A caller may load the
    # order with these columns only (the payment state machine locks it so).
    ORDER_PAID_READS = ("number", "status", "date_placed")

    @staticmethod
    def placed_statuses(*, cash_on_delivery: bool) -> dict:
        """The statuses to write a new order and its lines with (`status`, `line_status`):
        Oscar's initial ones, or, for an order placed as cash on delivery, the ones it is
        confirmed to at once (see `order_placed`), so that no row is written twice."""
        if not cash_on_delivery:
            return {}
        return {
            "status": statuses.CASH_ON_DELIVERY,
            "line_status": fulfilment.LINE_STATUS[fulfilment.Status.NEW],
        }

    def order_placed(self, order, *, shipping_parts, cash_on_delivery: bool = False) -> list:
        """The order is written: one shipment per producer with lines in it, awaiting payment.
        `shipping_parts` is the shipping method's breakdown (what each producer charges).
        Placed as cash on delivery (`cash_on_delivery`), it is confirmed at once: the same
        status change and shipments as `order_cash_on_delivery`, written as they are created.
        An order written with its confirmed statuses already (`placed_statuses`) gets only its
        status change recorded."""
        if cash_on_delivery and order.status == statuses.CASH_ON_DELIVERY:
            self.order_status_recorded(order, old_status=statuses.INITIAL)
        elif cash_on_delivery:
            self.order_status_move(order, statuses.CASH_ON_DELIVERY)
        return fulfilment.shipments_create_for_order(
            order=order, parts=shipping_parts, cash_on_delivery=cash_on_delivery
        )

    def order_cash_on_delivery(self, order) -> None:
        """Cash on delivery: confirmed now (its producers can start), paid on delivery; each
        producer's shipment is due its share of the total, collected by its own carrier."""
        self.order_status_move(order, statuses.CASH_ON_DELIVERY)
        fulfilment.shipments_open_for_order(order=order)
        shipment_cod.cod_due_set_for_order(order=order)

    def order_paid(
        self,
        order,
        *,
        amount: Decimal,
        currency: str,
        reference: str,
        method: str,
        method_name: str,
    ) -> None:
        """The money is in: the order is paid, its producers can start (unless cash on delivery
        let them already), and the payment is recorded as Oscar's source (of type `method`) and
        payment event. Raises `InvalidOrderStatus` for an order that cannot be paid (already
        paid, cancelled) and then records nothing."""
        self.order_status_move(order, statuses.PAID)
        fulfilment.shipments_open_for_order(order=order)
        source_type = kind_get_or_create(SourceType, method, defaults={"name": method_name})
        rows_insert(
            Source(
                order=order,
                source_type=source_type,
                currency=currency,
                amount_allocated=amount,
                amount_debited=amount,
                reference=reference,
            )
        )
        self.handle_payment_event(
            order, self.payment_event_type(PAID_EVENT), amount, reference=reference
        )

    def order_cancelled(self, order, *, note: str = "") -> None:
        """Cancelled before any producer started: its shipments are cancelled (with `note`)
        and the stock it held is released."""
        self.order_status_move(order, statuses.CANCELLED)
        fulfilment.shipments_cancel_for_order(order=order, note=note)
        self.cancel_stock_allocations(order)

    def order_refunded(self, order, *, amount: Decimal, reference: str):
        """Money went back to the buyer (all or part): recorded as a payment event. The order's
        status does not change: the pipeline ends at *Paid*."""
        return self.handle_payment_event(
            order, self.payment_event_type(REFUNDED_EVENT), amount, reference=reference
        )

    def order_status_move(self, order, new_status: str) -> None:
        """Oscar's status change, refusing what the pipeline does not allow, staying put
        included (Oscar's `set_status` silently accepts the status the order already has)."""
        if new_status not in order.available_statuses():
            raise InvalidOrderStatus(
                f"order {order.number} cannot go from {order.status!r} to {new_status!r}"
            )
        if order.cascade.get(new_status):  # its lines follow (OSCAR_ORDER_STATUS_CASCADE)
            super().handle_order_status_change(order, new_status)
            return
        # Oscar's `set_status`, writing the status alone rather than every column of the order.
        old_status, order.status = order.status, new_status
        order.save(update_fields=["status"])
        order_status_changed.send(
            sender=order, order=order, old_status=old_status, new_status=new_status
        )
        rows_insert(OrderStatusChange(order=order, old_status=old_status, new_status=new_status))

    def order_status_recorded(self, order, *, old_status: str) -> None:
        """The change from `old_status` to the status `order` was written with, recorded as
        Oscar's `set_status` records it (refused as `order_status_move` refuses)."""
        if order.status not in statuses.PIPELINE.get(old_status, ()):
            raise InvalidOrderStatus(
                f"order {order.number} cannot go from {old_status!r} to {order.status!r}"
            )
        rows_insert(OrderStatusChange(order=order, old_status=old_status, new_status=order.status))

    def handle_order_status_change(self, order, new_status, note_msg=None):
        """A status an operator picks by hand in Oscar's order dashboard. Cancelling goes
        through :meth:`order_cancelled` (its shipments cancelled, its stock released); paid and
        cash on delivery only come from a payment (the payment pages record cash collected and
        transfers confirmed by hand), so they are refused here with a `PaymentError`, which
        the dashboard shows."""
        if new_status in (statuses.PAID, statuses.CASH_ON_DELIVERY):
            raise PaymentError(
                _(
                    "this status comes only from a payment: record cash collected or a "
                    "confirmed transfer on the payments pages."
                )
            )
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            if new_status == statuses.CANCELLED:
                self.order_cancelled(locked, note=_("Cancelled by the floor's staff."))
            else:
                self.order_status_move(locked, new_status)
            if note_msg:
                self.create_note(locked, note_msg)
        order.refresh_from_db()

    def create_payment_event(
        self, order, event_type, amount, lines=None, line_quantities=None, **kwargs
    ):
        """Oscar's, writing an event of no lines (every payment and refund here) in one
        hand-built INSERT."""
        if lines and line_quantities:
            return super().create_payment_event(
                order, event_type, amount, lines, line_quantities, **kwargs
            )
        event = PaymentEvent(
            order=order, event_type=event_type, amount=amount, reference=kwargs.get("reference", "")
        )
        rows_insert(event)
        return event

    def payment_event_type(self, name: str):
        return kind_get_or_create(PaymentEventType, name)
