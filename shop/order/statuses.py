"""An order's statuses (Oscar stores them as text) and the pipeline between them: the one
copy, which settings hand to Oscar as ``OSCAR_ORDER_STATUS_PIPELINE``. Only the order
`EventHandler` (shop/order/processing.py) moves an order along it."""

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
