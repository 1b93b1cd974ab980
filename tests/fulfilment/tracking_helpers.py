"""A producer's shipment packed with a carrier's waybill, and carrier updates about it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from shop.carriers.ports import TrackingUpdate
from shop.fulfilment import services
from shop.fulfilment.models import Shipment
from tests.fulfilment.helpers import two_producer_order

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=HCM)


def packed_shipment(client, *, carrier="ghn", code="GHNTEST01", method="cod"):
    """The honey maker's shipment of a two-producer order, packed, its waybill created."""
    order, honey_maker, _tea = two_producer_order(client, method=method)
    shipment = order.shipments.get(partner=honey_maker)
    for step in (Shipment.Status.CONFIRMED, Shipment.Status.PACKED):
        services.shipment_advance(shipment=shipment, to=step, actor=None, on_behalf=False)
    waybill_created(shipment, carrier=carrier, code=code)
    return shipment


def waybill_created(shipment, *, carrier, code, reference=None):
    """As waybills leave a shipment once the carrier gave its order code."""
    Shipment.objects.filter(pk=shipment.pk).update(
        carrier=carrier,
        tracking_number=code,
        waybill=Shipment.Waybill.CREATED,
        waybill_reference=reference or f"CP{shipment.pk:06d}",
        tracking_status="ready_to_pick",
    )
    shipment.refresh_from_db()
    return shipment


def update(status, hours=0, *, code="GHNTEST01", carrier_status=None, **extra):
    return TrackingUpdate(
        code=code,
        status=status,
        carrier_status=carrier_status or status,
        at=T0 + timedelta(hours=hours),
        **extra,
    )
