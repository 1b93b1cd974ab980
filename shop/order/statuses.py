"""An order's statuses and its lines' (Oscar stores them as English text) and the pipelines
between them: the one copy, which settings hand to Oscar as ``OSCAR_ORDER_STATUS_PIPELINE``
and ``OSCAR_LINE_STATUS_PIPELINE``. Only the order `EventHandler` (shop/order/processing.py)
moves an order along it; the producers' fulfilment moves the lines (shop/fulfilment/services.py).

The stored text is a key, never shown as is: pages, dashboards and e-mails show `label(status)`
(the `status_label` template filter), in the reader's language."""

from django.utils.translation import gettext_lazy as _

PENDING_PAYMENT = "Pending payment"
PAID = "Paid"
CASH_ON_DELIVERY = "Cash on delivery"
CANCELLED = "Cancelled"

INITIAL = PENDING_PAYMENT

# Which status may follow which. The producers' fulfilment (one shipment per producer) works
# on line statuses and does not change these: a paid order stays *Paid* until delivered.
PIPELINE = {
    PENDING_PAYMENT: (PAID, CASH_ON_DELIVERY, CANCELLED),
    CASH_ON_DELIVERY: (PAID, CANCELLED),
    PAID: (),
    CANCELLED: (),
}

# Each order line follows its producer's shipment (shop/fulfilment/services.py, LINE_STATUS).
LINE_INITIAL = "Pending"
LINE_PIPELINE = {
    "Pending": ("To confirm", "Cancelled"),
    "To confirm": ("Confirmed", "Cancelled"),
    "Confirmed": ("Packed", "Cancelled"),  # the buyer may cancel until the parcel is packed
    "Packed": ("Shipped", "Returned"),
    "Shipped": ("Delivered", "Returned"),
    "Delivered": ("Returned",),
    "Returned": (),
    "Cancelled": (),
}

# How each stored status reads. A line's words are its shipment's (Shipment.Status); "Paid"
# and "Refunded" are also the names of the payment events the order pipeline records.
LABELS = {
    PENDING_PAYMENT: _("Awaiting payment"),
    PAID: _("Paid"),
    CASH_ON_DELIVERY: _("Cash on delivery"),
    CANCELLED: _("Cancelled"),
    LINE_INITIAL: _("Awaiting payment"),
    "To confirm": _("To confirm"),
    "Confirmed": _("Confirmed"),
    "Packed": _("Packed"),
    "Shipped": _("Shipped"),
    "Delivered": _("Delivered"),
    "Returned": _("Returned to the producer"),
    "Refunded": _("Refunded"),
}


def label(status: str | None) -> str:
    """The status as the reader reads it; a status we do not know is shown as stored."""
    if not status:
        return ""
    return str(LABELS.get(status, status))
