"""Cash on delivery per shipment for orders placed before it existed: each shipment of a cash
order is due its share of the order's total (its producer's lines plus its shipping charge,
adding up to the total); an order already paid in cash has every share collected."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations
from django.utils import timezone

ONE = Decimal(1)


def whole(amount) -> Decimal:
    return Decimal(amount).quantize(ONE, ROUND_HALF_UP)


def forwards(apps, schema_editor):
    Shipment = apps.get_model("fulfilment", "Shipment")
    Line = apps.get_model("order", "Line")
    PaymentAttempt = apps.get_model("payments", "PaymentAttempt")
    now = timezone.now()
    order_ids = (
        PaymentAttempt.objects.filter(method="cod").values_list("order_id", flat=True).distinct()
    )
    for order_id in order_ids.iterator():
        shipments = list(Shipment.objects.filter(order_id=order_id, cod="").order_by("pk"))
        if not shipments:
            continue
        order = shipments[0].order
        goods = {}
        for partner_id, price in Line.objects.filter(order_id=order_id).values_list(
            "partner_id", "line_price_incl_tax"
        ):
            goods[partner_id] = goods.get(partner_id, Decimal(0)) + price
        shares = [whole(goods.get(s.partner_id, 0)) + whole(s.charge) for s in shipments]
        largest = max(range(len(shares)), key=lambda i: shares[i])
        shares[largest] = max(shares[largest] + whole(order.total_incl_tax) - sum(shares), 0)
        for shipment, share in zip(shipments, shares, strict=True):
            if shipment.status in ("cancelled", "returned"):
                continue
            shipment.cod, shipment.cod_due = "due", share
            if order.status == "Paid":
                shipment.cod, shipment.cod_collected = "collected", share
                shipment.cod_reported_at = now
            shipment.save(update_fields=["cod", "cod_due", "cod_collected", "cod_reported_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("fulfilment", "0002_carriers"),
        ("payments", "0004_gateway_reference"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
