"""What fulfilment tells the apps above it. Fulfilment sits below payments and the order
pipeline (they import it, never the reverse), so where a shipment's change must reach an order
or its money, fulfilment sends one of these, inside its transaction, and the app that owns the
consequence acts on it (payments connects its receivers in ``PaymentsConfig.ready``)."""

from django.dispatch import Signal

# Every live cash-on-delivery shipment of the order is collected or settled by an operator:
# the order's cash is in. Sent with ``order_id``.
order_cash_collected = Signal()

# A shipment left the order: cancelled by its buyer before packing, or its parcel came back.
# Its stock is released and its cash due dropped; the receiver refunds its part when the
# order was paid, and cancels the order when no shipment is left. Sent with ``shipment``,
# ``actor`` (the buyer, or None) and ``reason``.
shipment_withdrawn = Signal()
