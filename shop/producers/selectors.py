"""Reads for the producer's dashboard. Every function takes the producer and filters by it."""

from django.db.models import Count, Q
from oscar.core.loading import get_model

from shop.fulfilment.models import Shipment

IN_PROGRESS = [Shipment.Status.CONFIRMED, Shipment.Status.PACKED, Shipment.Status.SHIPPED]


def producer_summary(producer) -> dict:
    Product = get_model("catalogue", "Product")
    products = Product.objects.filter(producer=producer).aggregate(
        live=Count("pk", filter=Q(is_public=True)),
        hidden=Count("pk", filter=Q(is_public=False)),
    )
    shipments = Shipment.objects.filter(partner=producer).aggregate(
        to_confirm=Count("pk", filter=Q(status=Shipment.Status.NEW)),
        in_progress=Count("pk", filter=Q(status__in=IN_PROGRESS)),
    )
    return {"products": products, "shipments": shipments}
