"""What producers earn and the statements the marketplace pays them.

`Entry` is an append-only ledger: one row per delivered and paid order line (a sale), per
delivered shipment's charge (shipping, passed through in full), per refund of a producer's goods
(a claw-back) and per negative balance carried into the next statement. Unique constraints make
recording idempotent. A row is never changed, except once: when a statement takes it.

`Statement` sums one producer's entries up to the end of a period. Its totals are written once,
when it is issued; a paid statement changes no more, and the entries on it cannot move.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shop.money import MONEY


class LedgerLocked(Exception):
    """An attempt to change what the ledger or a statement has already fixed."""


class EntryKind(models.TextChoices):
    SALE = "sale", _("Sale")
    SHIPPING = "shipping", _("Shipping")
    REFUND = "refund", _("Refund")
    CARRIED = "carried", _("Balance carried forward")


class EntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if set(kwargs) - {"statement"}:
            raise LedgerLocked("ledger entries are append-only")
        if self.filter(statement__isnull=False).exists():
            raise LedgerLocked("an entry already on a statement cannot move")
        return super().update(**kwargs)

    def delete(self):
        raise LedgerLocked("ledger entries are append-only")


class Entry(models.Model):
    partner = models.ForeignKey(
        "partner.Partner", related_name="ledger_entries", on_delete=models.PROTECT
    )
    kind = models.CharField(_("Kind"), max_length=16, choices=EntryKind.choices)
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    line = models.ForeignKey(
        "order.Line", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    shipment = models.ForeignKey(
        "fulfilment.Shipment", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    refund = models.ForeignKey(
        "payments.Refund", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    carried_from = models.OneToOneField(
        "settlements.Statement",
        null=True,
        blank=True,
        related_name="carried_entry",
        on_delete=models.PROTECT,
    )
    description = models.CharField(_("Description"), max_length=255, blank=True)
    quantity = models.PositiveIntegerField(_("Quantity"), null=True, blank=True)
    gross = models.DecimalField(_("Gross"), **MONEY)
    commission = models.DecimalField(_("Commission"), **MONEY)
    # Tax the floor withholds and pays on the seller's behalf (Decree 117/2025/NĐ-CP): on a
    # sale of a household seller's goods, and given back (negative) on its refund.
    vat_withheld = models.DecimalField(_("VAT withheld"), default=Decimal(0), **MONEY)
    pit_withheld = models.DecimalField(_("PIT withheld"), default=Decimal(0), **MONEY)
    net = models.DecimalField(_("Net"), **MONEY)
    rate = models.DecimalField(_("Commission rate"), max_digits=5, decimal_places=4)
    earned_at = models.DateTimeField(_("Earned at"), db_index=True)
    recorded_at = models.DateTimeField(_("Recorded at"))
    statement = models.ForeignKey(
        "settlements.Statement",
        null=True,
        blank=True,
        related_name="entries",
        on_delete=models.PROTECT,
    )

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["earned_at", "pk"]
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(
                fields=["line"], condition=Q(kind="sale"), name="settlements_one_sale_per_line"
            ),
            models.UniqueConstraint(
                fields=["shipment"],
                condition=Q(kind="shipping"),
                name="settlements_one_shipping_per_shipment",
            ),
            models.UniqueConstraint(
                fields=["refund"],
                condition=Q(kind="refund"),
                name="settlements_one_entry_per_refund",
            ),
            models.CheckConstraint(
                condition=Q(
                    net=F("gross") - F("commission") - F("vat_withheld") - F("pit_withheld")
                ),
                name="settlements_net_is_gross_less",
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0, rate__lte=1), name="settlements_rate_fraction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.kind} {self.net}"

    def save(self, *args, **kwargs):
        # Append-only: a new row may be written, an existing one only through a statement.
        if self.pk is not None and not self._state.adding:
            raise LedgerLocked("ledger entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerLocked("ledger entries are append-only")


TOTALS = (
    "gross_sales",
    "shipping",
    "refunds",
    "carried",
    "commission",
    "vat_withheld",
    "pit_withheld",
    "net",
)


class StatementQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if set(kwargs) & {*TOTALS, "partner", "period_start", "period_end", "reference"}:
            raise LedgerLocked("a statement's totals are fixed when it is issued")
        if self.filter(status=Statement.Status.PAID).exists():
            raise LedgerLocked("a paid statement cannot change")
        return super().update(**kwargs)

    def delete(self):
        raise LedgerLocked("statements are kept")


class Statement(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued, to pay")
        PAID = "paid", _("Paid")
        NOTHING_TO_PAY = "nothing", _("Nothing to pay")

    partner = models.ForeignKey(
        "partner.Partner", related_name="statements", on_delete=models.PROTECT
    )
    reference = models.CharField(_("Reference"), max_length=25, unique=True)
    period_start = models.DateField(_("From"))
    period_end = models.DateField(_("To"))
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices)
    gross_sales = models.DecimalField(_("Sales"), default=Decimal(0), **MONEY)
    shipping = models.DecimalField(_("Shipping"), default=Decimal(0), **MONEY)
    refunds = models.DecimalField(_("Refunds"), default=Decimal(0), **MONEY)
    carried = models.DecimalField(_("Brought forward"), default=Decimal(0), **MONEY)
    commission = models.DecimalField(_("Commission"), default=Decimal(0), **MONEY)
    vat_withheld = models.DecimalField(_("VAT withheld"), default=Decimal(0), **MONEY)
    pit_withheld = models.DecimalField(_("PIT withheld"), default=Decimal(0), **MONEY)
    net = models.DecimalField(_("Net payable"), default=Decimal(0), **MONEY)
    issued_at = models.DateTimeField(_("Issued at"))
    paid_at = models.DateTimeField(_("Paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    bank_reference = models.CharField(_("Bank transfer reference"), max_length=64, blank=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "partner__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "period_start"], name="settlements_one_statement_per_period"
            ),
            models.CheckConstraint(
                condition=Q(
                    net=F("gross_sales")
                    + F("shipping")
                    + F("refunds")
                    + F("carried")
                    - F("commission")
                    - F("vat_withheld")
                    - F("pit_withheld")
                ),
                name="settlements_statement_net_adds_up",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(net__gt=0) & ~Q(bank_reference="")),
                name="settlements_paid_has_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        # Totals are written once; a paid statement is final.
        if not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values(*TOTALS, "status").first()
            if stored is not None:
                if stored["status"] == self.Status.PAID:
                    raise LedgerLocked("a paid statement cannot change")
                if any(stored[name] != getattr(self, name) for name in TOTALS):
                    raise LedgerLocked("a statement's totals are fixed when it is issued")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerLocked("statements are kept")

    @property
    def is_payable(self) -> bool:
        return self.status == self.Status.ISSUED and self.net > 0
