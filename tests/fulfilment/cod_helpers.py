"""Steps shared by the cash-on-delivery and after-sale tests: a real cash checkout of two
producers' goods, and shipments moved forward by their producers' own service."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from shop.fulfilment import services
from shop.fulfilment.models import Shipment
from tests.fulfilment.helpers import two_producer_order

Status = Shipment.Status

PATH = {
    Status.CONFIRMED: (Status.CONFIRMED,),
    Status.PACKED: (Status.CONFIRMED, Status.PACKED),
    Status.SHIPPED: (Status.CONFIRMED, Status.PACKED, Status.SHIPPED),
    Status.DELIVERED: (Status.CONFIRMED, Status.PACKED, Status.SHIPPED, Status.DELIVERED),
}


def cod_order(client):
    """Honey (350 000 + 20 000 shipping) and tea (2 × 200 000 + 30 000), cash on delivery."""
    order, honey_maker, tea_maker = two_producer_order(client, method="cod")
    honey = order.shipments.get(partner=honey_maker)
    tea = order.shipments.get(partner=tea_maker)
    return order, honey, tea


def buyer(username="mai"):
    return get_user_model().objects.create_user(username, f"{username}@example.com", "pw-123456")


def owned_by(order, user):
    type(order).objects.filter(pk=order.pk).update(user=user)
    order.refresh_from_db()
    return order


def advance(shipment: Shipment, to: str, *, code: str = "", carrier: str = "ghn", at=None):
    """The producer moves `shipment` up to `to` (shipped with `code` at `carrier`)."""
    for step in PATH[to]:
        shipment.refresh_from_db()
        if shipment.status == step:
            continue
        services.shipment_advance(
            shipment=shipment,
            to=step,
            actor=None,
            on_behalf=True,
            carrier=carrier,
            tracking_number=code or f"GHN{shipment.pk:06d}",
        )
    if at is not None and to == Status.DELIVERED:
        Shipment.objects.filter(pk=shipment.pk).update(delivered_at=at)
    shipment.refresh_from_db()
    return shipment


def now():
    return timezone.now()
