"""Shipments: each producer ships its own lines of an order, with its own charge and tracking.

A shipment goes through a carrier (shop/carriers): its waybill is created when the producer
packs it, the carrier's statuses move it (``tracking_status``; each one a CarrierEvent), the
cash the carrier collects is recorded per shipment (``cod_*``), and the buyer follows it on the
order page or on its public tracking page (``tracking_token``).
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.money import MONEY


def new_tracking_token() -> str:
    return secrets.token_urlsafe(32)


class Shipment(models.Model):
    """What one producer ships for one order. Created when the order is placed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        NEW = "new", _("To confirm")  # paid, or cash on delivery: the producer's turn
        CONFIRMED = "confirmed", _("Confirmed")
        PACKED = "packed", _("Packed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        RETURNED = "returned", _("Returned to the producer")
        CANCELLED = "cancelled", _("Cancelled")

    class Waybill(models.TextChoices):
        NONE = "", _("No waybill")
        PENDING = "pending", _("Being created")  # queued or retrying (waybill_error says why)
        CREATED = "created", _("Created")
        FAILED = "failed", _("Failed")  # the carrier refused it: the producer must act
        CANCELLED = "cancelled", _("Cancelled")

    class ChargeSource(models.TextChoices):
        QUOTE = "quote", _("Carrier's quote")
        FLAT = "flat", _("Producer's flat rate")
        FREE = "free", _("Free shipping")

    class Cod(models.TextChoices):
        NONE = "", _("Prepaid")
        DUE = "due", _("To collect")
        COLLECTED = "collected", _("Collected")
        MISMATCH = "mismatch", _("Carrier's figure differs")
        RESOLVED = "resolved", _("Settled by an operator")

    class Receipt(models.TextChoices):
        NONE = "", _("Not confirmed")
        BUYER = "buyer", _("Confirmed by the buyer")
        AUTO = "auto", _("Confirmed automatically")

    order = models.ForeignKey("order.Order", related_name="shipments", on_delete=models.PROTECT)
    partner = models.ForeignKey(
        "partner.Partner", related_name="shipments", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    charge = models.DecimalField(_("Shipping charge"), default=Decimal(0), **MONEY)
    # How the charge was found at checkout: a carrier's live quote, the producer's flat rate
    # (no carrier answered in time), or free shipping; and the date the buyer was promised.
    charge_source = models.CharField(
        _("Charge from"), max_length=8, choices=ChargeSource.choices, blank=True
    )
    quoted_carrier = models.CharField(_("Quoted by"), max_length=16, blank=True)
    expected_delivery = models.DateField(_("Expected delivery"), null=True, blank=True)

    # The carrier (a key of settings.CARRIERS; older shipments: the name the producer typed)
    # and its order code, once the waybill exists.
    carrier = models.CharField(_("Carrier"), max_length=64, blank=True)
    tracking_number = models.CharField(_("Tracking number"), max_length=64, blank=True)
    waybill = models.CharField(
        _("Waybill"), max_length=16, choices=Waybill.choices, blank=True, default=""
    )
    # Our idempotency key at the carrier (its client order code): one per waybill requested.
    waybill_reference = models.CharField(max_length=40, blank=True)
    waybill_attempts = models.PositiveSmallIntegerField(default=0)
    waybill_error = models.CharField(_("Carrier's answer"), max_length=255, blank=True)
    waybill_requested_at = models.DateTimeField(null=True, blank=True)
    label_url = models.URLField(max_length=500, blank=True)
    sort_code = models.CharField(max_length=64, blank=True)
    carrier_fee = models.DecimalField(_("Carrier's fee"), null=True, blank=True, **MONEY)

    # The parcel, as the producer packed it.
    weight_grams = models.PositiveIntegerField(_("Weight (g)"), null=True, blank=True)
    length_cm = models.PositiveSmallIntegerField(_("Length (cm)"), null=True, blank=True)
    width_cm = models.PositiveSmallIntegerField(_("Width (cm)"), null=True, blank=True)
    height_cm = models.PositiveSmallIntegerField(_("Height (cm)"), null=True, blank=True)

    # Where the parcel is, in the carriers' common words (shop.carriers.ports.TrackingStatus).
    tracking_status = models.CharField(_("Parcel"), max_length=16, blank=True)
    tracking_at = models.DateTimeField(null=True, blank=True)
    # The public tracking page's address (unguessable; reached from the buyer's e-mails).
    tracking_token = models.CharField(max_length=43, unique=True, default=new_tracking_token)

    # Cash on delivery, per shipment: what the carrier must collect and what it says it did.
    cod = models.CharField(_("Cash on delivery"), max_length=16, choices=Cod.choices, blank=True)
    cod_due = models.DecimalField(_("Cash to collect"), default=Decimal(0), **MONEY)
    cod_collected = models.DecimalField(_("Cash collected"), null=True, blank=True, **MONEY)
    cod_reported_at = models.DateTimeField(null=True, blank=True)

    receipt = models.CharField(
        _("Receipt"), max_length=8, choices=Receipt.choices, blank=True, default=""
    )
    received_at = models.DateTimeField(_("Received"), null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order_id", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["order", "partner"], name="one_shipment_per_producer"),
            models.CheckConstraint(condition=models.Q(charge__gte=0), name="shipment_charge_gte_0"),
            models.CheckConstraint(condition=models.Q(cod_due__gte=0), name="shipment_cod_gte_0"),
            models.UniqueConstraint(
                fields=["waybill_reference"],
                condition=~models.Q(waybill_reference=""),
                name="one_shipment_per_waybill_reference",
            ),
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"],
                condition=~models.Q(tracking_number=""),
                name="one_shipment_per_carrier_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.partner_id}: {self.status}"

    @property
    def is_cash_on_delivery(self) -> bool:
        return self.cod != self.Cod.NONE


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


class CarrierEvent(models.Model):
    """One status of a shipment's parcel, as its carrier reported it (a callback or a tracking
    query). A repeated report is the same row; one that would move the parcel backwards is
    kept (``applied`` false) and changes nothing."""

    class Source(models.TextChoices):
        WEBHOOK = "webhook", _("Carrier's callback")
        TRACK = "track", _("Tracking query")
        WAYBILL = "waybill", _("Waybill created")

    shipment = models.ForeignKey(Shipment, related_name="carrier_events", on_delete=models.CASCADE)
    carrier = models.CharField(max_length=16)
    status = models.CharField(_("Status"), max_length=16)  # a TrackingStatus
    carrier_status = models.CharField(_("Carrier's status"), max_length=32)
    description = models.CharField(_("Carrier's words"), max_length=255, blank=True)
    at = models.DateTimeField(_("When"))
    source = models.CharField(max_length=8, choices=Source.choices)
    cod_collected = models.DecimalField(null=True, blank=True, **MONEY)
    applied = models.BooleanField(default=False)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "carrier_status", "at"], name="one_carrier_event_per_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.carrier}/{self.carrier_status} at {self.at}"


class CarrierCallback(models.Model):
    """Every callback a carrier (or anyone) sent us, and what became of it: the log operators
    read when a parcel's status looks wrong. The body is kept short."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        DUPLICATE = "duplicate", _("Already known")
        STALE = "stale", _("Out of order: ignored")
        UNKNOWN = "unknown", _("Unknown parcel")
        REJECTED = "rejected", _("Rejected: not the carrier's")

    carrier = models.CharField(max_length=16)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.CharField(max_length=255, blank=True)
    code = models.CharField(max_length=64, blank=True)
    body = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.carrier}: {self.outcome}"


class CodDiscrepancy(models.Model):
    """The carrier reports a cash figure that is not what the shipment was due: an operator
    decides, and until then the shipment's cash reaches no statement."""

    shipment = models.ForeignKey(
        Shipment, related_name="cod_discrepancies", on_delete=models.PROTECT
    )
    expected = models.DecimalField(_("Due"), **MONEY)
    reported = models.DecimalField(_("Reported by the carrier"), **MONEY)
    source = models.CharField(_("Reported in"), max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(_("Resolution"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment"],
                condition=models.Q(resolved_at=None),
                name="one_open_cod_discrepancy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.expected} ≠ {self.reported}"
