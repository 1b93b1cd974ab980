"""Order statuses the payment flow moves an order through (Oscar stores them as text)."""

PENDING_PAYMENT = "Pending payment"
PAID = "Paid"
CASH_ON_DELIVERY = "Cash on delivery"
CANCELLED = "Cancelled"

# Oscar's status pipeline: which status may follow which. The producers' fulfilment (issue
# of shipments per producer) works on line statuses and does not change these.
ORDER_STATUS_PIPELINE = {
    PENDING_PAYMENT: (PAID, CASH_ON_DELIVERY, CANCELLED),
    CASH_ON_DELIVERY: (PAID, CANCELLED),
    PAID: (),
    CANCELLED: (),
}
