"""What the floor's figures count as an order, a successful one and a failed one: one definition
for the province dashboard, the Ministry's statistics and the public figures.

- An order *counts* (in orders, GMV and paying buyers) once the buyer has committed to it: paid
  online, or confirmed for cash on delivery. Orders still awaiting payment or cancelled before
  payment do not. It counts on the day it was placed, in the floor's time zone.
- GMV is the counted orders' goods, taxes included, shipping excluded (what the producers sell).
- An order *succeeded* when every one of its producers' parcels was delivered (cancelled
  parcels of a shared order aside, as long as one was delivered).
- An order *failed* when it was cancelled, or a parcel of it came back to its producer.
- The rest are in progress.

Expressions only (`Q` and `Exists`): callers group in the database.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from shop.order import statuses

COUNTED_STATUSES = (statuses.PAID, statuses.CASH_ON_DELIVERY)


def counted() -> Q:
    return Q(status__in=COUNTED_STATUSES)


def _shipments(**filters):
    from shop.fulfilment.models import Shipment

    return Shipment.objects.filter(order=OuterRef("pk"), **filters)


def succeeded() -> Q:
    from shop.fulfilment.models import Shipment

    delivered = _shipments(status=Shipment.Status.DELIVERED)
    unfinished = _shipments().exclude(
        status__in=(Shipment.Status.DELIVERED, Shipment.Status.CANCELLED)
    )
    return counted() & Q(Exists(delivered)) & ~Q(Exists(unfinished))


def failed() -> Q:
    from shop.fulfilment.models import Shipment

    returned = _shipments(status=Shipment.Status.RETURNED)
    return Q(status=statuses.CANCELLED) | Q(Exists(returned))
