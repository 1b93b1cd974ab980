"""Shipments: each producer ships its own lines of an order, with its own charge and tracking."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.money import MONEY


class Shipment(models.Model):
    """What one producer ships for one order. Created when the order is placed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        NEW = "new", _("To confirm")  # paid, or cash on delivery: the producer's turn
        CONFIRMED = "confirmed", _("Confirmed")
        PACKED = "packed", _("Packed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey("order.Order", related_name="shipments", on_delete=models.PROTECT)
    partner = models.ForeignKey(
        "partner.Partner", related_name="shipments", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    charge = models.DecimalField(_("Shipping charge"), default=Decimal(0), **MONEY)
    carrier = models.CharField(_("Carrier"), max_length=64, blank=True)
    tracking_number = models.CharField(_("Tracking number"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order_id", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["order", "partner"], name="one_shipment_per_producer"),
            models.CheckConstraint(condition=models.Q(charge__gte=0), name="shipment_charge_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.partner_id}: {self.status}"


class ShipmentEvent(models.Model):
    """Every move of a shipment: who made it, and whether an operator acted for the producer."""

    shipment = models.ForeignKey(Shipment, related_name="events", on_delete=models.CASCADE)
    status = models.CharField(max_length=16, choices=Shipment.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    on_behalf = models.BooleanField(default=False)
    note = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.status}"
