"""Cash on delivery, per shipment: what each producer's parcel must collect, what its carrier
says it collected, and an operator's decision when the two differ.

An order shared by two producers travels as two parcels, often with two carriers, and each
parcel's cash comes back on its own. So the figures live on the shipment: ``cod_due`` is set
when the cash-on-delivery order is confirmed (its producer's lines, tax included and discounts
taken off, plus its shipping charge: the shipments' figures add up to the order's total), and
``cod_reported`` records what the carrier says (a callback's money field, or a row of its COD
report). A figure that is not the one due opens a `CodDiscrepancy` for operators and keeps the
shipment out of every statement until one decides (`cod_discrepancy_resolve`).

When every live cash shipment of an order is collected (or settled by an operator), fulfilment
sends `signals.order_cash_collected`; payments listens and marks the order paid through its
one door (``payments.services.cod.cash_collected``), so fulfilment never moves an order itself.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.core.loading import get_model

from shop.fulfilment import signals
from shop.fulfilment.models import CodDiscrepancy, Shipment
from shop.money import whole_dong

Line = get_model("order", "Line")
Order = get_model("order", "Order")
Cod = Shipment.Cod
Status = Shipment.Status

# A cancelled or returned shipment collects nothing and no longer counts.
GONE = (Status.CANCELLED, Status.RETURNED)
# A cash shipment whose money is settled: it may reach its producer's statement.
SETTLED = (Cod.COLLECTED, Cod.RESOLVED)


class CodRefused(Exception):
    """The decision asked for is not possible; the message says why, for the operator."""


class Decision:
    CARRIER = "carrier"  # the carrier's figure is right
    DUE = "due"  # the amount due was received after all
    WRITE_OFF = "write_off"  # the difference is written off (a note says why)

    choices = (
        (CARRIER, gettext_lazy("Accept the carrier's figure")),
        (DUE, gettext_lazy("The amount due was received")),
        (WRITE_OFF, gettext_lazy("Write the difference off")),
    )


def shipment_shares(*, order) -> dict[int, Decimal]:
    """What each of the order's shipments is worth to the buyer, by shipment id: its producer's
    lines (tax included, after discounts) plus its shipping charge, in whole đồng, adding up
    exactly to the order's total (rounding goes to the largest share)."""
    return _shares(order, list(Shipment.objects.filter(order_id=order.pk).order_by("pk")))


def _shares(order, shipments: list[Shipment]) -> dict[int, Decimal]:
    prices = Line.objects.filter(order_id=order.pk).values_list("partner_id", "line_price_incl_tax")
    shares = shares_of(order, shipments, prices=prices)
    return {s.pk: share for s, share in zip(shipments, shares, strict=True)}


def shares_of(order, shipments: list[Shipment], *, prices) -> list[Decimal]:
    """Each of `shipments`' share of the order's total, in their order; `prices` are the
    order's lines as (producer id, line price tax included) pairs."""
    if not shipments:
        return []
    goods: dict[int, Decimal] = {}
    for partner_id, price in prices:
        goods[partner_id] = goods.get(partner_id, Decimal(0)) + price
    shares = [whole_dong(goods.get(s.partner_id, 0)) + whole_dong(s.charge) for s in shipments]
    difference = whole_dong(order.total_incl_tax) - sum(shares, Decimal(0))
    largest = max(range(len(shares)), key=lambda i: shares[i])
    shares[largest] = max(shares[largest] + difference, Decimal(0))
    return shares


@transaction.atomic(savepoint=False)  # one order's rows: all or nothing with the caller's
def cod_due_set_for_order(*, order) -> int:
    """The cash-on-delivery order is confirmed: each live shipment is due its share of the
    total. Idempotent; a shipment whose cash was already reported keeps its figures. Returns
    how many shipments were set."""
    shipments = list(Shipment.objects.select_for_update().filter(order_id=order.pk).order_by("pk"))
    shares = _shares(order, shipments)
    now = timezone.now()
    changed = []
    for shipment in shipments:
        if shipment.cod not in (Cod.NONE, Cod.DUE) or shipment.status in GONE:
            continue
        due = shares.get(shipment.pk, Decimal(0))
        if shipment.cod != Cod.DUE or shipment.cod_due != due:
            shipment.cod, shipment.cod_due, shipment.updated_at = Cod.DUE, due, now
            changed.append(shipment)
    Shipment.objects.bulk_update(changed, ["cod", "cod_due", "updated_at"])
    return len(changed)


def cod_reported(*, shipment: Shipment, amount: Decimal, source: str, now=None) -> str:
    """The carrier says it collected `amount` for `shipment` (`source`: "webhook:ghn",
    "report:<file>", …). Returns what became of it: "collected", "mismatch", "duplicate"
    (nothing new) or "ignored" (a prepaid parcel reported with no cash).

    Idempotent: the same figure again changes nothing. The figure due marks the shipment
    collected; any other figure (or cash on a prepaid parcel, or a second figure unlike the
    first) opens one discrepancy for operators, and the shipment earns nothing until it is
    resolved."""
    amount = Decimal(amount)
    now = now or timezone.now()
    with transaction.atomic():
        order_lock(shipment.order_id)
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        known = {shipment.cod_collected} | set(
            shipment.cod_discrepancies.values_list("reported", flat=True)
        )
        if shipment.cod == Cod.NONE and amount == 0:
            return "ignored"
        if shipment.cod != Cod.DUE and amount in known:
            return "duplicate"
        if shipment.cod == Cod.MISMATCH:
            return "duplicate"  # an operator is already on it; the queue shows the first figure
        expected = shipment.cod_due if shipment.cod == Cod.DUE else shipment.cod_collected or 0
        shipment.cod_collected, shipment.cod_reported_at = amount, now
        if shipment.cod == Cod.DUE and amount == shipment.cod_due:
            shipment.cod = Cod.COLLECTED
            shipment.save(update_fields=["cod", "cod_collected", "cod_reported_at", "updated_at"])
            _order_check(shipment.order_id)
            return "collected"
        shipment.cod = Cod.MISMATCH
        shipment.save(update_fields=["cod", "cod_collected", "cod_reported_at", "updated_at"])
        CodDiscrepancy.objects.create(
            shipment=shipment, expected=expected, reported=amount, source=source[:32]
        )
        return "mismatch"


@transaction.atomic
def cod_collected_by_hand(*, order, now=None) -> int:
    """A person attests that the whole order's cash was collected (payments' "cash collected"
    page): every shipment still due is collected at its due figure. A shipment in dispute stays
    in the operators' queue. Returns how many shipments moved."""
    now = now or timezone.now()
    moved = 0
    for shipment in Shipment.objects.select_for_update().filter(order_id=order.pk, cod=Cod.DUE):
        if shipment.status in GONE:
            continue
        shipment.cod, shipment.cod_collected = Cod.COLLECTED, shipment.cod_due
        shipment.cod_reported_at = now
        shipment.save(update_fields=["cod", "cod_collected", "cod_reported_at", "updated_at"])
        moved += 1
    return moved


def cod_discrepancy_resolve(
    *, discrepancy: CodDiscrepancy, decision: str, actor, note: str = "", now=None
) -> CodDiscrepancy:
    """An operator decides an open discrepancy: the carrier's figure stands, the amount due was
    received, or the difference is written off (a note is required). Who and when are kept;
    the shipment is settled (``resolved``) at the decided amount and may reach its statement."""
    note = " ".join(note.split())
    if decision not in dict(Decision.choices):
        raise CodRefused(_("Choose a decision."))
    if decision == Decision.WRITE_OFF and not note:
        raise CodRefused(_("Say why the difference is written off."))
    now = now or timezone.now()
    with transaction.atomic():
        discrepancy = CodDiscrepancy.objects.select_for_update().get(pk=discrepancy.pk)
        if discrepancy.resolved_at is not None:
            raise CodRefused(_("This discrepancy was already resolved."))
        order_lock(discrepancy.shipment.order_id)
        shipment = Shipment.objects.select_for_update().get(pk=discrepancy.shipment_id)
        amount = discrepancy.expected if decision == Decision.DUE else discrepancy.reported
        label = dict(Decision.choices)[decision]
        discrepancy.resolved_at, discrepancy.resolved_by = now, actor
        discrepancy.resolution = (f"{label}: {note}" if note else str(label))[:255]
        discrepancy.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        shipment.cod, shipment.cod_collected = Cod.RESOLVED, amount
        shipment.save(update_fields=["cod", "cod_collected", "updated_at"])
        _order_check(shipment.order_id)
    return discrepancy


def order_lock(order_id: int) -> None:
    """Lock the order before its shipments, the order the order pipeline takes them in (a
    shipment's change may end in the order's), so two writers never wait on each other."""
    Order.objects.select_for_update().filter(pk=order_id).values_list("pk", flat=True).first()


def cod_drop(shipment: Shipment) -> None:
    """Within the caller's transaction, `shipment` locked: it will collect nothing (cancelled,
    or its parcel came back), so no cash is due from it."""
    if shipment.cod == Cod.DUE:
        shipment.cod, shipment.cod_due = Cod.NONE, Decimal(0)


def _order_check(order_id: int) -> None:
    """Every live cash shipment of the order is settled: the order's cash is all in."""
    cash = Shipment.objects.filter(order_id=order_id).exclude(status__in=GONE).exclude(cod="")
    if cash.exists() and not cash.exclude(cod__in=SETTLED).exists():
        signals.order_cash_collected.send(sender=Shipment, order_id=order_id)


def order_cash_check(*, order_id: int) -> None:
    """The order lost a shipment: the ones left may now hold all its cash."""
    _order_check(order_id)
