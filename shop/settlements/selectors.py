"""Reads of settlements: statements for operators and producers, and what a statement shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import translation

from payments import vietqr
from payments.banks import bank_by_bin
from shop import geo
from shop.fulfilment.models import CodDiscrepancy, Shipment
from shop.settlements.models import Entry, EntryKind, Statement


def statements_for_operators(
    *, partner=None, day: date | None = None, status: str = ""
) -> QuerySet[Statement]:
    statements = Statement.objects.select_related("partner", "paid_by")
    if partner is not None:
        statements = statements.filter(partner=partner)
    if day is not None:
        statements = statements.filter(period_start__lte=day, period_end__gte=day)
    if status:
        statements = statements.filter(status=status)
    return statements


def statements_of(*, producer) -> QuerySet[Statement]:
    return Statement.objects.filter(partner=producer).select_related("partner")


@dataclass(frozen=True)
class StatementLines:
    sales: list[Entry]
    shipping: list[Entry]
    refunds: list[Entry]
    carried: list[Entry]


def statement_lines(*, statement: Statement) -> StatementLines:
    entries = list(
        statement.entries.select_related("order", "line", "refund").order_by("earned_at", "pk")
    )
    return StatementLines(
        sales=[e for e in entries if e.kind == EntryKind.SALE],
        shipping=[e for e in entries if e.kind == EntryKind.SHIPPING],
        refunds=[e for e in entries if e.kind == EntryKind.REFUND],
        carried=[e for e in entries if e.kind == EntryKind.CARRIED],
    )


def statement_cash(*, statement: Statement) -> QuerySet[Shipment]:
    """The cash-on-delivery parcels whose goods this statement pays for, with the cash each
    one's carrier collected: what the producer can match against the carrier's own report."""
    orders = statement.entries.filter(kind=EntryKind.SALE).values("order_id")
    return (
        Shipment.objects.filter(partner_id=statement.partner_id, order_id__in=orders)
        .exclude(cod=Shipment.Cod.NONE)
        .select_related("order")
        .order_by("order_id")
    )


def bank_name(bank_bin: str) -> str:
    bank = bank_by_bin(bank_bin) if bank_bin else None
    return bank.short_name if bank else bank_bin


def statement_transfer_payload(*, statement: Statement) -> str | None:
    """The VietQR payload paying the statement's exact net amount into the producer's account,
    with the statement's reference as the message; None when the producer has no usable
    payout account (or nothing is to be paid)."""
    partner = statement.partner
    if not statement.is_payable or not (partner.payout_bank_bin and partner.payout_account_number):
        return None
    try:
        return vietqr.build_payload(
            bank_bin=partner.payout_bank_bin,
            account_number=partner.payout_account_number,
            amount=statement.net,
            reference=statement.reference,
        )
    except ValueError:
        return None


def cod_discrepancies(*, resolved: bool = False) -> QuerySet[CodDiscrepancy]:
    """The operators' queue of cash figures that differ from what was due (open ones, oldest
    first), or the decided ones (newest first)."""
    discrepancies = CodDiscrepancy.objects.select_related(
        "shipment__order", "shipment__partner", "resolved_by"
    ).filter(resolved_at__isnull=not resolved)
    return (
        discrepancies.order_by("-resolved_at", "-pk")
        if resolved
        else discrepancies.order_by("created_at", "pk")
    )


# --------------------------------------------------------------------------- tax withheld


@dataclass(frozen=True)
class TaxRow:
    """One seller's month (declaration) or one month of a seller's year (certificate)."""

    key: object  # the partner id, or the month's first day
    sales: Decimal
    refunds: Decimal  # negative
    vat: Decimal
    pit: Decimal
    name: str = ""
    tax_id: str = ""
    address: str = ""

    @property
    def revenue(self) -> Decimal:
        return self.sales + self.refunds


def _taxed_entries(*, starts_at, ends_at) -> QuerySet[Entry]:
    """Sales and refunds earned in [starts_at, ends_at) of sellers the floor withholds from
    (or that had tax withheld, should a producer's type have changed since)."""
    return Entry.objects.filter(
        Q(partner__kind__in=settings.TAX_WITHHELD_KINDS) | ~Q(vat_withheld=0) | ~Q(pit_withheld=0),
        kind__in=(EntryKind.SALE, EntryKind.REFUND),
        earned_at__gte=starts_at,
        earned_at__lt=ends_at,
    )


_SUMS = {
    "sales": Coalesce(Sum("gross", filter=Q(kind=EntryKind.SALE)), Decimal(0)),
    "refunds": Coalesce(Sum("gross", filter=Q(kind=EntryKind.REFUND)), Decimal(0)),
    "vat": Sum("vat_withheld"),
    "pit": Sum("pit_withheld"),
}


def seller_address(*, street: str, ward_code, province_code) -> str:
    with translation.override("vi"):
        place = geo.place_label(ward_code=ward_code, province_code=province_code)
    return ", ".join(part for part in (street, place) if part)


def tax_declaration(*, period) -> list[TaxRow]:
    """Per seller, the month's revenue (sales less refunds, shipping never) and the VAT and PIT
    withheld, refunds offsetting sales of the same month: one grouped query."""
    rows = (
        _taxed_entries(starts_at=period.starts_at, ends_at=period.ends_at)
        .values(
            "partner_id",
            "partner__name",
            "partner__tax_id",
            "partner__street",
            "partner__ward_code",
            "partner__province_code",
        )
        .annotate(**_SUMS)
        .order_by("partner__name", "partner_id")
    )
    return [
        TaxRow(
            key=row["partner_id"],
            name=row["partner__name"],
            tax_id=row["partner__tax_id"],
            address=seller_address(
                street=row["partner__street"],
                ward_code=row["partner__ward_code"],
                province_code=row["partner__province_code"],
            ),
            sales=row["sales"],
            refunds=row["refunds"],
            vat=row["vat"],
            pit=row["pit"],
        )
        for row in rows
    ]


def tax_certificate_months(*, partner, period) -> list[TaxRow]:
    """One seller's months of `period` (a year) with sales, refunds and tax withheld."""
    rows = (
        _taxed_entries(starts_at=period.starts_at, ends_at=period.ends_at)
        .filter(partner=partner)
        .annotate(month=TruncMonth("earned_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        .values("month")
        .annotate(**_SUMS)
        .order_by("month")
    )
    return [
        TaxRow(
            key=row["month"].date(),
            sales=row["sales"],
            refunds=row["refunds"],
            vat=row["vat"],
            pit=row["pit"],
        )
        for row in rows
    ]
