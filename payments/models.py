"""What the marketplace records about money coming in.

A `PaymentAttempt` is one try at paying one order by one method, with its own reference (the
order can be retried with a new attempt). `GatewayCall` logs every exchange with a gateway or
bank feed, in or out, with its verification result, so operators can see what happened.
`ProcessedEvent` makes webhook processing idempotent by a unique constraint.
`BankCredit` is a line of a bank statement; those that do not match exactly wait for an
operator. `Refund` and `PaymentAction` record what operators did, and who did it.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.money import MONEY


class Method(models.TextChoices):
    """The methods the shop started with, by name. Which methods exist is settings' business
    (PAYMENT_METHODS, PAYMENT_GATEWAYS, each gateway's LABEL): these names and labels are
    only the fallback for a method without a gateway, like cash on delivery."""

    VNPAY = "vnpay", _("VNPay")
    VIETQR = "vietqr", _("Bank transfer (VietQR)")
    CARD = "card", _("International card")
    COD = "cod", _("Cash on delivery")


def method_label(method: str) -> str:
    """The built-in label of `method`, or its name (`payments.gateways_registry.label` first
    asks the gateway's settings)."""
    return str(dict(Method.choices).get(method, method))


class AttemptStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


FINAL_STATUSES = (
    AttemptStatus.PAID,
    AttemptStatus.FAILED,
    AttemptStatus.CANCELLED,
    AttemptStatus.EXPIRED,
)


class PaymentAttempt(models.Model):
    order = models.ForeignKey(
        "order.Order", related_name="payment_attempts", on_delete=models.PROTECT
    )
    # A name from PAYMENT_METHODS: the settings say which exist, so no choices here.
    method = models.CharField(_("Method"), max_length=16)
    reference = models.CharField(_("Reference"), max_length=25, unique=True)
    amount = models.DecimalField(_("Amount"), **MONEY)
    currency = models.CharField(max_length=3, default="VND")
    status = models.CharField(
        _("Status"), max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.PENDING
    )
    gateway_txn_id = models.CharField(_("Gateway transaction"), max_length=128, blank=True)
    # What the adapter needs to find the payment again (NextAction.gateway_reference):
    # opaque to the shop, kept for `query`.
    gateway_reference = models.CharField(max_length=255, blank=True)
    qr_payload = models.TextField(blank=True)
    response_code = models.CharField(max_length=32, blank=True)
    refunded = models.DecimalField(_("Refunded"), default=Decimal(0), **MONEY)
    # Money that arrived for an order that no longer wanted it (paid twice, or after it
    # expired): an operator must refund it or restore the order.
    needs_review = models.CharField(_("Needs review"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("Expires at"))
    paid_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded__gte=0) & Q(refunded__lte=models.F("amount")),
                name="payments_refund_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    def get_method_display(self) -> str:
        from payments.gateways_registry import label

        return label(self.method)

    @property
    def gateway_session_id(self) -> str:
        """The gateway reference under the name a Stripe Checkout Session's id had."""
        return self.gateway_reference

    @property
    def refundable(self) -> Decimal:
        return self.amount - self.refunded if self.status == AttemptStatus.PAID else Decimal(0)


class GatewayCall(models.Model):
    """One exchange with a gateway or bank feed. Secrets are never stored here."""

    class Direction(models.TextChoices):
        OUT = "out", _("We called the gateway")
        IN = "in", _("The gateway called us")

    gateway = models.CharField(max_length=32)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    operation = models.CharField(max_length=32)
    attempt = models.ForeignKey(
        PaymentAttempt, null=True, blank=True, related_name="calls", on_delete=models.SET_NULL
    )
    reference = models.CharField(max_length=64, blank=True, db_index=True)
    request = models.JSONField(default=dict, blank=True)
    response = models.JSONField(default=dict, blank=True)
    signature_valid = models.BooleanField(null=True)
    outcome = models.CharField(max_length=255, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.gateway} {self.operation} {self.reference}"


class ProcessedEvent(models.Model):
    """A gateway event already acted on; the unique key makes replays no-ops."""

    gateway = models.CharField(max_length=32)
    event_id = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gateway", "event_id"], name="payments_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.event_id}"


class BankCredit(models.Model):
    """A credit on the receiving account, as the bank feed reported it."""

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched and applied")
        UNDERPAID = "underpaid", _("Less than the amount due")
        OVERPAID = "overpaid", _("More than the amount due")
        UNMATCHED = "unmatched", _("No matching payment")
        LATE = "late", _("Payment no longer open")
        CONFIRMED = "confirmed", _("Confirmed by an operator")
        DISMISSED = "dismissed", _("Dismissed by an operator")

    bank_reference = models.CharField(max_length=128, unique=True)
    amount = models.DecimalField(**MONEY)
    description = models.CharField(max_length=500)
    account_number = models.CharField(max_length=32)
    occurred_at = models.DateTimeField()
    attempt = models.ForeignKey(
        PaymentAttempt, null=True, blank=True, related_name="credits", on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    resolution = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.bank_reference

    @property
    def needs_operator(self) -> bool:
        return self.status in (
            self.Status.UNDERPAID,
            self.Status.OVERPAID,
            self.Status.UNMATCHED,
            self.Status.LATE,
        )


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Sent to the gateway, awaiting its answer")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        RECORDED = "recorded", _("Recorded (paid back outside a gateway)")

    attempt = models.ForeignKey(PaymentAttempt, related_name="refunds", on_delete=models.PROTECT)
    amount = models.DecimalField(**MONEY)
    reason = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=Status.choices)
    gateway_reference = models.CharField(max_length=128, blank=True)
    # Whose goods the money is for: settlements claw it back from that producer.
    partner = models.ForeignKey(
        "partner.Partner",
        verbose_name=_("Producer"),
        null=True,
        blank=True,
        related_name="refunds",
        on_delete=models.PROTECT,
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_positive")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.amount}"


class PaymentAction(models.Model):
    """An operator's (or producer's) hand on a payment: who, what, when and why."""

    attempt = models.ForeignKey(PaymentAttempt, related_name="actions", on_delete=models.PROTECT)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    action = models.CharField(max_length=32)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id}"
