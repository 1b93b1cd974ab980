"""Writes of settlements: record what producers earned, issue statements, pay them.

A producer earns from a line when the producer's shipment of that order is delivered AND its
money is in: for an order paid online, when the order is paid (payments moves it to "Paid"
when the gateway confirms); for cash on delivery, when THAT shipment's cash is collected
(its carrier reported the figure due, or a person recorded the order's cash) or an operator
settled a discrepancy about it (shop/fulfilment/cod.py). Each producer of a shared order
settles on its own parcel's cash; a shipment whose figure is in dispute earns nothing. The
marketplace keeps a commission on goods, rounded half-up to whole đồng per line. Shipping
charges pass through to the producer in full: the producer pays the carrier. A refund of a
producer's goods claws back its amount, and gives back the commission at the rate the sales of
that order were charged.

Tax withheld (Decree 117/2025/NĐ-CP, shop/settlements/TAX.md): a sale of a household producer
has VAT and PIT withheld on its revenue (the line's price), half-up to whole đồng per line; a
refund gives back the tax withheld on that order's sales in proportion to what it refunds, in
the period the refund happens, where it offsets that period's sales. Shipping never is.

Balances: a statement whose net is zero or negative has nothing to pay ("nothing to pay");
a negative net is carried into the producer's next statement as a ``carried`` entry, so the
marketplace recovers it from later sales instead of asking the producer for money.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from oscar.core.loading import get_model

from payments.models import Refund
from shop.fulfilment.models import Shipment
from shop.money import whole_dong
from shop.notifications import notify
from shop.order import statuses
from shop.partner.tax_ids import validate_tax_id
from shop.settlements import periods, tasks, tax
from shop.settlements.models import Entry, EntryKind, Statement

Line = get_model("order", "Line")
Partner = get_model("partner", "Partner")


class StatementNotPayable(Exception):
    """The statement is not waiting for a payment (already paid, or nothing to pay)."""


class StatementAlreadyPaid(StatementNotPayable):
    pass


# --------------------------------------------------------------------------- commission


def commission_rate_for(*, partner) -> Decimal:
    """The producer's own rate where set, else the marketplace's."""
    if partner.commission_rate is not None:
        return Decimal(partner.commission_rate)
    return Decimal(settings.MARKETPLACE_COMMISSION_RATE)


def commission_on(*, gross: Decimal, rate: Decimal) -> Decimal:
    """Commission on one amount, half-up to whole đồng (away from zero for claw-backs, so a
    full refund gives back exactly what was taken)."""
    return whole_dong(Decimal(gross) * Decimal(rate))


# --------------------------------------------------------------------------- ledger

# A shipment's money is in: prepaid and the order paid, or its own cash settled.
MONEY_IN = Q(cod=Shipment.Cod.NONE, order__status=statuses.PAID) | Q(
    cod__in=(Shipment.Cod.COLLECTED, Shipment.Cod.RESOLVED)
)


def earning_shipments(*, now: datetime):
    """Shipments whose producer has earned them by ``now``: delivered, and their money in."""
    return Shipment.objects.filter(
        MONEY_IN, status=Shipment.Status.DELIVERED, delivered_at__lte=now
    )


def _sale_entries(*, now: datetime) -> list[Entry]:
    delivered = earning_shipments(now=now).filter(
        order=OuterRef("order"), partner=OuterRef("partner")
    )
    lines = (
        Line.objects.filter(partner__isnull=False)
        .annotate(delivered_at=Subquery(delivered.values("delivered_at")[:1]))
        .filter(delivered_at__isnull=False)
        .exclude(Exists(Entry.objects.filter(kind=EntryKind.SALE, line=OuterRef("pk"))))
        .select_related("partner")
        .order_by("pk")
    )
    lines = list(lines)
    year_to_date = _revenue_by_year(lines) if tax.threshold() > 0 else {}
    entries = []
    for line in lines:
        rate = commission_rate_for(partner=line.partner)
        gross = whole_dong(line.line_price_incl_tax)
        commission = commission_on(gross=gross, rate=rate)
        vat, pit = _withheld_on_sale(line=line, gross=gross, year_to_date=year_to_date)
        entries.append(
            Entry(
                partner=line.partner,
                kind=EntryKind.SALE,
                order_id=line.order_id,
                line=line,
                description=line.title[:255],
                quantity=line.quantity,
                gross=gross,
                commission=commission,
                vat_withheld=vat,
                pit_withheld=pit,
                net=gross - commission - vat - pit,
                rate=rate,
                earned_at=line.delivered_at,
                recorded_at=now,
            )
        )
    return entries


def _revenue_by_year(lines) -> dict[tuple[int, int], Decimal]:
    """Each seller's revenue already on the ledger per calendar year (sales less refunds)."""
    partner_ids = {line.partner_id for line in lines}
    rows = (
        Entry.objects.filter(
            partner_id__in=partner_ids, kind__in=(EntryKind.SALE, EntryKind.REFUND)
        )
        .annotate(year=ExtractYear("earned_at"))
        .values("partner_id", "year")
        .annotate(total=Sum("gross"))
    )
    return {(row["partner_id"], row["year"]): row["total"] for row in rows}


def _withheld_on_sale(*, line, gross: Decimal, year_to_date: dict) -> tuple[Decimal, Decimal]:
    rates = tax.rates_for(kind=line.partner.kind, at=line.delivered_at)
    if rates == tax.NONE:
        return Decimal(0), Decimal(0)
    key = (line.partner_id, timezone.localtime(line.delivered_at).year)
    earlier = year_to_date.get(key, Decimal(0))
    year_to_date[key] = earlier + gross
    return tax.withheld_on(
        revenue=tax.taxable_part(revenue=gross, earlier_in_year=earlier), rates=rates
    )


def _shipping_entries(*, now: datetime) -> list[Entry]:
    shipments = (
        earning_shipments(now=now)
        .filter(charge__gt=0)
        .exclude(Exists(Entry.objects.filter(kind=EntryKind.SHIPPING, shipment=OuterRef("pk"))))
        .order_by("pk")
    )
    return [
        Entry(
            partner_id=shipment.partner_id,
            kind=EntryKind.SHIPPING,
            order_id=shipment.order_id,
            shipment=shipment,
            gross=whole_dong(shipment.charge),
            commission=Decimal(0),
            net=whole_dong(shipment.charge),
            rate=Decimal(0),
            earned_at=shipment.delivered_at,
            recorded_at=now,
        )
        for shipment in shipments
    ]


def _refund_entries(*, now: datetime) -> list[Entry]:
    sales = Entry.objects.filter(
        kind=EntryKind.SALE, order=OuterRef("attempt__order"), partner=OuterRef("partner")
    )
    refunds = (
        Refund.objects.filter(
            status__in=(Refund.Status.ACCEPTED, Refund.Status.RECORDED),
            partner__isnull=False,
            created_at__lte=now,
        )
        # Only what the producer was credited can be clawed back: a refund before delivery
        # waits for the sales it reverses (and never counts if they never do).
        .filter(Exists(sales))
        .exclude(Exists(Entry.objects.filter(kind=EntryKind.REFUND, refund=OuterRef("pk"))))
        .annotate(
            sale_rate=Subquery(sales.order_by("pk").values("rate")[:1]),
            sales_gross=_sum_of(sales, "gross"),
            sales_vat=_sum_of(sales, "vat_withheld"),
            sales_pit=_sum_of(sales, "pit_withheld"),
        )
        .select_related("attempt")
        .order_by("pk")
    )
    entries = []
    for refund in refunds:
        rate = Decimal(refund.sale_rate)
        gross = -whole_dong(refund.amount)
        commission = commission_on(gross=gross, rate=rate)
        vat, pit = _withheld_given_back(refund=refund, gross=gross)
        entries.append(
            Entry(
                partner_id=refund.partner_id,
                kind=EntryKind.REFUND,
                order_id=refund.attempt.order_id,
                refund=refund,
                description=refund.reason[:255],
                gross=gross,
                commission=commission,
                vat_withheld=vat,
                pit_withheld=pit,
                net=gross - commission - vat - pit,
                rate=rate,
                earned_at=refund.created_at,
                recorded_at=now,
            )
        )
    return entries


def _sum_of(entries, column: str) -> Subquery:
    return Subquery(
        entries.order_by().values("partner").annotate(total=Sum(column)).values("total")[:1]
    )


def _withheld_given_back(*, refund, gross: Decimal) -> tuple[Decimal, Decimal]:
    """The tax withheld on the order's sales, in proportion to the (negative) amount refunded:
    a full refund gives all of it back."""
    if not refund.sales_gross:
        return Decimal(0), Decimal(0)
    share = gross / Decimal(refund.sales_gross)
    return whole_dong(share * refund.sales_vat), whole_dong(share * refund.sales_pit)


def entries_record(*, now: datetime | None = None) -> int:
    """Record every entry earned by ``now`` and not yet recorded; returns how many were new.

    Idempotent: the ledger's unique constraints (one sale per line, one shipping entry per
    shipment, one entry per refund) make a concurrent or repeated run record nothing twice.
    """
    now = now or timezone.now()
    created = 0
    # Sales first: a refund is clawed back only once the sales it reverses are recorded.
    for build in (_sale_entries, _shipping_entries, _refund_entries):
        entries = build(now=now)
        if entries:
            with transaction.atomic():
                before = Entry.objects.count()
                Entry.objects.bulk_create(entries, ignore_conflicts=True)
                created += Entry.objects.count() - before
    return created


# --------------------------------------------------------------------------- statements


def statement_reference(*, partner_id: int, period: periods.Period) -> str:
    return f"QT{period.start:%y%m%d}P{partner_id}"


def statements_close(*, now: datetime | None = None) -> list[Statement]:
    """Record the ledger, then issue one statement per producer for the last finished period
    with every entry earned in or before it that no statement has taken yet."""
    now = now or timezone.now()
    entries_record(now=now)
    period = periods.last_finished(now)
    partner_ids = (
        Entry.objects.filter(statement__isnull=True, earned_at__lt=period.ends_at)
        .exclude(kind=EntryKind.CARRIED)
        .values_list("partner_id", flat=True)
        .distinct()
        .order_by("partner_id")
    )
    issued = []
    for partner_id in list(partner_ids):
        statement = statement_issue(partner_id=partner_id, period=period, now=now)
        if statement is not None:
            issued.append(statement)
    return issued


@transaction.atomic
def statement_issue(*, partner_id: int, period: periods.Period, now: datetime) -> Statement | None:
    """One producer's statement for ``period`` (None if it exists or there is nothing)."""
    Partner.objects.select_for_update().get(pk=partner_id)  # one closing per producer at a time
    if Statement.objects.filter(partner_id=partner_id, period_start=period.start).exists():
        return None
    entries = list(
        Entry.objects.select_for_update()
        .filter(partner_id=partner_id, statement__isnull=True, earned_at__lt=period.ends_at)
        .order_by("pk")
    )
    if not any(entry.kind != EntryKind.CARRIED for entry in entries):
        return None

    def total(kind):
        return sum((e.gross for e in entries if e.kind == kind), Decimal(0))

    net = sum((e.net for e in entries), Decimal(0))
    statement = Statement.objects.create(
        partner_id=partner_id,
        reference=statement_reference(partner_id=partner_id, period=period),
        period_start=period.start,
        period_end=period.end,
        status=Statement.Status.ISSUED if net > 0 else Statement.Status.NOTHING_TO_PAY,
        gross_sales=total(EntryKind.SALE),
        shipping=total(EntryKind.SHIPPING),
        refunds=total(EntryKind.REFUND),
        carried=total(EntryKind.CARRIED),
        commission=sum((e.commission for e in entries), Decimal(0)),
        vat_withheld=sum((e.vat_withheld for e in entries), Decimal(0)),
        pit_withheld=sum((e.pit_withheld for e in entries), Decimal(0)),
        net=net,
        issued_at=now,
    )
    Entry.objects.filter(pk__in=[e.pk for e in entries], statement__isnull=True).update(
        statement=statement
    )
    if net < 0:
        Entry.objects.create(
            partner_id=partner_id,
            kind=EntryKind.CARRIED,
            carried_from=statement,
            description=statement.reference,  # shown as "balance of statement …"
            gross=net,
            commission=Decimal(0),
            net=net,
            rate=Decimal(0),
            earned_at=period.ends_at,
            recorded_at=now,
        )
    _tell_producer(statement)
    return statement


def _tell_producer(statement: Statement) -> None:
    notify(
        tasks.send_statement_email,
        statement_id=statement.pk,
        key=f"statement-email:{statement.pk}:{statement.status}",
    )


def statement_pay(
    *, statement: Statement, actor, bank_reference: str, now: datetime | None = None
) -> Statement:
    """An operator has transferred the net amount: record who, when and the bank's reference."""
    bank_reference = bank_reference.strip()
    if not bank_reference:
        raise StatementNotPayable("the bank transfer reference is required")
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        if statement.status == Statement.Status.PAID:
            raise StatementAlreadyPaid(f"statement {statement.reference} is already paid")
        if not statement.is_payable:
            raise StatementNotPayable(f"statement {statement.reference} has nothing to pay")
        statement.status = Statement.Status.PAID
        statement.paid_at = now or timezone.now()
        statement.paid_by = actor
        statement.bank_reference = bank_reference[:64]
        statement.save(update_fields=["status", "paid_at", "paid_by", "bank_reference"])
        _tell_producer(statement)
    return statement


# --------------------------------------------------------------------------- tax


def partner_tax_id_set(*, partner, tax_id: str) -> None:
    """An operator corrects the producer's tax code or personal ID number (already checked by
    the form; the model's validator checks its form again)."""
    validate_tax_id(tax_id)
    partner.tax_id = tax_id
    partner.save(update_fields=["tax_id"])
