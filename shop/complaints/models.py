"""Complaints: a buyer's about one delivered (or late) line, answered by its producer within a
deadline, escalated to operators when not, decided with a recorded reason, and carried out for
real (a refund through the payment, a payout by VietQR, a return or replacement parcel).

`Complaint` holds where the case stands; `ComplaintStep` is its history, append-only: every
step says who (and as whom) did what, when, and why. Only `shop.complaints.services` writes
either."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shop.money import MONEY
from shop.uploads.storage import private_storage


class Reason(models.TextChoices):
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    DAMAGED = "damaged", _("Damaged")
    MISSING = "missing", _("Items missing")
    WRONG_PRODUCT = "wrong_product", _("Wrong product")
    LATE = "late", _("Late")
    ORIGIN = "origin", _("Doubt about its origin")


class Remedy(models.TextChoices):
    REFUND = "refund", _("Refund")
    REPLACE = "replace", _("Replacement")
    RETURN = "return", _("Return and refund")
    OTHER = "other", _("Something else")  # a producer's proposal in words (a discount, a gift…)
    NONE = "none", _("Nothing")  # rejected


class State(models.TextChoices):
    OPEN = "open", _("Awaiting the producer")
    ANSWERED = "answered", _("Awaiting the buyer")  # the producer proposed or rejected
    ESCALATED = "escalated", _("With the operators")
    EXECUTING = "executing", _("Being carried out")  # decided; refund, payout or parcel under way
    RESOLVED = "resolved", _("Resolved")
    WITHDRAWN = "withdrawn", _("Withdrawn by the buyer")


OPEN_STATES = (State.OPEN, State.ANSWERED, State.ESCALATED, State.EXECUTING)


class Role(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    PRODUCER = "producer", _("Producer")
    OPERATOR = "operator", _("Operator")
    INSPECTOR = "inspector", _("Inspector")
    SYSTEM = "system", _("Chợ Phiên")


class Complaint(models.Model):
    reference = models.CharField(_("Reference"), max_length=24, unique=True)  # "KN-2026-000123"
    order = models.ForeignKey("order.Order", related_name="complaints", on_delete=models.PROTECT)
    shipment = models.ForeignKey(
        "fulfilment.Shipment", related_name="complaints", on_delete=models.PROTECT
    )
    line = models.ForeignKey("order.Line", related_name="complaints", on_delete=models.PROTECT)
    partner = models.ForeignKey(
        "partner.Partner", related_name="complaints", on_delete=models.PROTECT
    )
    # The buyer: a signed-in user, or a guest who came through the order's signed link.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="complaints",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    language = models.CharField(max_length=8, default="vi")
    reason = models.CharField(_("Reason"), max_length=24, choices=Reason.choices)
    description = models.TextField(_("What happened"))
    wish = models.CharField(_("What you want"), max_length=16, choices=Remedy.choices)
    quantity = models.PositiveIntegerField(_("Quantity concerned"), default=1)
    # A doubt about origin names the lot the line came from (inspectors are told).
    lot = models.ForeignKey(
        "traceability.Lot",
        related_name="complaints",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(_("Opened"), db_index=True)
    answer_due_at = models.DateTimeField(_("Producer's answer due"))
    answered_at = models.DateTimeField(null=True, blank=True)
    buyer_due_at = models.DateTimeField(_("Buyer's reply due"), null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_automatically = models.BooleanField(default=False)
    decided_at = models.DateTimeField(null=True, blank=True)  # the remedy was settled
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Decided (or, for a rejection accepted, closed) by the producer's answer deadline.
    resolved_in_time = models.BooleanField(null=True, blank=True)

    # What was (last) proposed or decided, and by whom.
    remedy = models.CharField(max_length=16, choices=Remedy.choices, blank=True)
    remedy_amount = models.DecimalField(null=True, blank=True, **MONEY)
    remedy_note = models.TextField(blank=True)
    decided_by_role = models.CharField(max_length=16, choices=Role.choices, blank=True)

    # Carrying a refund out: the payments refund, or for cash on delivery and bank transfer the
    # buyer's account for a VietQR payout an operator makes and records.
    refund = models.ForeignKey(
        "payments.Refund",
        related_name="complaints",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    payout_bank_bin = models.CharField(_("Bank"), max_length=6, blank=True)
    payout_account_number = models.CharField(_("Account number"), max_length=19, blank=True)
    payout_account_holder = models.CharField(_("Account holder"), max_length=64, blank=True)
    payout_recorded_at = models.DateTimeField(null=True, blank=True)
    payout_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    execution_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="complaint_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(remedy_amount__isnull=True) | Q(remedy_amount__gte=0),
                name="complaint_amount_not_negative",
            ),
            # One complaint at a time per line.
            models.UniqueConstraint(
                fields=["line"],
                condition=Q(state__in=["open", "answered", "escalated", "executing"]),
                name="one_open_complaint_per_line",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "answer_due_at"], name="complaint_state_due"),
            models.Index(fields=["partner", "opened_at"], name="complaint_partner_opened"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class AppendOnly(ValidationError):
    pass


class ComplaintStep(models.Model):
    """One step of a complaint, never changed or removed once written."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Complaint opened")
        ACCEPTED = "accepted", _("The producer accepted")
        PROPOSED = "proposed", _("The producer proposed something else")
        REJECTED = "rejected", _("The producer rejected it")
        BUYER_ACCEPTED = "buyer_accepted", _("The buyer accepted")
        ESCALATED = "escalated", _("Sent to the operators")
        DEADLINE_MISSED = "deadline_missed", _("No answer in time: sent to the operators")
        DECIDED = "decided", _("Operators decided")
        REFUNDED = "refunded", _("Refund sent")
        PAYOUT_ASKED = "payout_asked", _("Account for the refund requested")
        PAYOUT_ACCOUNT = "payout_account", _("Account for the refund given")
        PAYOUT_RECORDED = "payout_recorded", _("Refund paid by bank transfer")
        PARCEL = "parcel", _("Parcel on its way")
        PARCEL_ARRIVED = "parcel_arrived", _("Parcel arrived")
        EXECUTION_FAILED = "execution_failed", _("Could not be carried out yet")
        INSPECTORS = "inspectors", _("Inspectors told")
        RESOLVED = "resolved", _("Resolved")
        WITHDRAWN = "withdrawn", _("Withdrawn by the buyer")
        NOTE = "note", _("Note")

    complaint = models.ForeignKey(Complaint, related_name="steps", on_delete=models.PROTECT)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    role = models.CharField(max_length=16, choices=Role.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    remedy = models.CharField(max_length=16, choices=Remedy.choices, blank=True)
    amount = models.DecimalField(null=True, blank=True, **MONEY)
    text = models.TextField(blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["complaint_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly(_("A complaint's history cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly(_("A complaint's history cannot be removed."))


class ComplaintPhoto(models.Model):
    """A buyer's photo of what arrived: checked by content, re-encoded, kept private (shown to
    the parties and operators through a view, never by a public URL)."""

    complaint = models.ForeignKey(Complaint, related_name="photos", on_delete=models.CASCADE)
    file = models.FileField(storage=private_storage, upload_to="complaints/%Y/%m/", max_length=255)
    content_type = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["complaint_id", "position"]

    def __str__(self) -> str:
        return f"{self.complaint_id}/{self.position}"


class ComplaintParcel(models.Model):
    """A parcel a decision sends: the goods back to the producer (return) or a replacement to
    the buyer, made with the carrier port (`shop.carriers`) and tracked by its code."""

    class Direction(models.TextChoices):
        RETURN = "return", _("Return to the producer")
        REPLACEMENT = "replacement", _("Replacement to the buyer")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being created")
        CREATED = "created", _("Created")
        FAILED = "failed", _("The carrier refused it")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    complaint = models.ForeignKey(Complaint, related_name="parcels", on_delete=models.PROTECT)
    direction = models.CharField(max_length=16, choices=Direction.choices)
    carrier = models.CharField(_("Carrier"), max_length=16)
    reference = models.CharField(max_length=40, unique=True)  # our idempotency key
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    tracking_number = models.CharField(_("Tracking number"), max_length=64, blank=True)
    tracking_status = models.CharField(max_length=16, blank=True)  # a TrackingStatus
    error = models.CharField(_("Carrier's answer"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["complaint_id", "pk"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.status}"
