"""The buyer's e-mails about an order's payment, queued with `shop.notifications.notify`
(rendered and sent by `payments.tasks.send_order_email`)."""

from oscar.core.loading import get_model

from payments import tasks
from shop.notifications import notify
from shop.order import statuses

Order = get_model("order", "Order")


def order_email_enqueue(order_id: int, code: str, *, once: bool = True) -> None:
    """In the caller's transaction: the e-mail goes out once it commits (the outbox); `once`,
    at most once per order and code."""
    notify(
        tasks.send_order_email,
        order_id=order_id,
        code=code,
        key=f"order-email:{order_id}:{code}" if once else "",
    )


def order_emails_after_placement(*, order: Order) -> None:
    """The buyer learns the order was received (and, unless cash, that it awaits payment)."""
    code = "ORDER_PLACED" if order.status == statuses.CASH_ON_DELIVERY else "PAYMENT_PENDING"
    order_email_enqueue(order.pk, code)


def payment_link_send(*, order: Order) -> None:
    """A fresh payment link, e-mailed to the address the order was placed with."""
    order_email_enqueue(order.pk, "PAYMENT_LINK", once=False)  # each request, its own e-mail
