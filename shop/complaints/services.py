"""Complaints: every change of a complaint goes through here, and leaves a step.

The seam between the complaint's conversation and the remedies that carry a decision out:
`complaint_decide` settles the outcome (whoever settled it) and queues its execution
(`shop.complaints.remedies`, through the outbox: refunds and carriers are never called inside
a transaction); the remedies call `complaint_resolve` once the money is back or the parcel has
arrived.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.complaints.models import (
    Complaint,
    ComplaintStep,
    Remedy,
    Role,
    State,
)
from shop.uploads import content
from shop.uploads.files import Policy

Kind = ComplaintStep.Kind

# Remedies with something to carry out (money or a parcel); the others close the case.
EXECUTED = (Remedy.REFUND, Remedy.REPLACE, Remedy.RETURN)


class ComplaintRefused(Exception):
    """The action is not allowed (not the buyer's line, wrong producer, too late, wrong state);
    the message says why, in the language of the request."""


def step_record(
    *,
    complaint: Complaint,
    kind: str,
    role: str,
    actor=None,
    remedy: str = "",
    amount: Decimal | None = None,
    text: str = "",
    at: datetime | None = None,
    tell_parties: bool = True,
) -> ComplaintStep:
    """Append a step to the complaint's history (within the caller's transaction). The parties
    hear of it by e-mail (`tasks.send_step_email`, through the outbox, once per step)."""
    from shop.complaints import tasks
    from shop.notifications import notify

    step = ComplaintStep.objects.create(
        complaint=complaint,
        kind=kind,
        role=role,
        actor=actor if actor is not None and actor.is_authenticated else None,
        remedy=remedy,
        amount=amount,
        text=text,
        at=at or timezone.now(),
    )
    if tell_parties:
        notify(tasks.send_step_email, step_id=step.pk, key=f"complaint-step:{step.pk}")
    return step


def resolve_due(complaint: Complaint) -> datetime:
    """When the case should be settled to count as resolved in time."""
    return complaint.opened_at + timedelta(days=settings.COMPLAINT_RESOLVE_DAYS)


def complaint_decide(
    *,
    complaint: Complaint,
    remedy: str,
    amount: Decimal | None,
    note: str,
    role: str,
    actor=None,
    kind: str,
    at: datetime | None = None,
) -> Complaint:
    """The outcome is settled (by the producer accepting, the buyer accepting the producer's
    answer, or the operators deciding): record it with its step, then either close the case
    (nothing to carry out) or queue the remedy. Within the caller's transaction, with the
    complaint locked by the caller."""
    from shop.complaints import tasks  # the remedies' task, queued through the outbox
    from shop.notifications import notify

    now = at or timezone.now()
    complaint.remedy, complaint.remedy_amount, complaint.remedy_note = remedy, amount, note
    complaint.decided_by_role = role
    complaint.decided_at = now
    complaint.resolved_in_time = now <= resolve_due(complaint)
    step_record(
        complaint=complaint,
        kind=kind,
        role=role,
        actor=actor,
        remedy=remedy,
        amount=amount,
        text=note,
        at=now,
    )
    if remedy in EXECUTED:
        complaint.state = State.EXECUTING
        complaint.save()
        notify(
            tasks.remedy_execute, complaint_id=complaint.pk, key=f"complaint-remedy:{complaint.pk}"
        )
    else:
        complaint.save()
        complaint = complaint_resolve(complaint=complaint, role=role, actor=actor, at=now)
    return complaint


def complaint_resolve(
    *,
    complaint: Complaint,
    role: str = Role.SYSTEM,
    actor=None,
    text: str = "",
    at: datetime | None = None,
) -> Complaint:
    """Close the case: its remedy is carried out (or there was none to carry out). Idempotent;
    within a transaction, locking the complaint."""
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.state in (State.RESOLVED, State.WITHDRAWN):
            return locked
        now = at or timezone.now()
        locked.state, locked.resolved_at = State.RESOLVED, now
        locked.save(update_fields=["state", "resolved_at"])
        step_record(complaint=locked, kind=Kind.RESOLVED, role=role, actor=actor, text=text, at=now)
    return locked


# --------------------------------------------------------------------------- the conversation

# What a buyer may ask for; a producer may also propose something else in words.
WISHES = (Remedy.REFUND, Remedy.REPLACE, Remedy.RETURN)
PROPOSALS = (Remedy.REFUND, Remedy.REPLACE, Remedy.RETURN, Remedy.OTHER)
# Remedies that give money back: an amount goes with them.
WITH_AMOUNT = (Remedy.REFUND, Remedy.RETURN)
# The buyer may withdraw until the outcome is being carried out.
WITHDRAWABLE = (State.OPEN, State.ANSWERED, State.ESCALATED)
# Operators may decide any case not settled yet.
DECIDABLE = (State.OPEN, State.ANSWERED, State.ESCALATED)

DESCRIPTION_MAX = 2000
ANSWER_MAX = 2000
REASON_MAX = 2000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

COMPLAINT_PHOTO = Policy(
    content.IMAGES,
    "PRODUCT_MAX_IMAGE_BYTES",
    gettext_lazy("“%(name)s” is not a JPEG, PNG or WebP image (its content is something else)."),
)


def text_clean(text: str, *, limit: int) -> str:
    """A person's plain text: Unicode composed (NFC), control characters dropped, trimmed;
    ComplaintRefused when longer than `limit` characters. Shown escaped, never as HTML."""
    cleaned = _CONTROL.sub("", unicodedata.normalize("NFC", text or "")).strip()
    if len(cleaned) > limit:
        raise ComplaintRefused(
            _("Please keep it to %(limit)d characters (you wrote %(count)d).")
            % {"limit": limit, "count": len(cleaned)}
        )
    return cleaned


def line_total(complaint: Complaint) -> Decimal:
    """What the complained-of quantity cost: the line's unit price × quantity, at most the
    line's price."""
    line = complaint.line
    total = (line.unit_price_incl_tax or Decimal(0)) * complaint.quantity
    return min(total, line.line_price_incl_tax).quantize(Decimal(1))


def payout_needed(order) -> bool:
    """Money cannot go back through the order's payment (cash on delivery, bank transfer):
    a refund is paid to the buyer's bank account by VietQR."""
    from shop.complaints.remedies import is_payout, money_attempt

    return is_payout(money_attempt(order_id=order.pk))


def payout_account_clean(*, bank_bin: str, account_number: str, holder: str) -> tuple:
    """A bank account to pay a refund into: a NAPAS bank, 6 to 19 digits, the holder's name
    (upper-cased, as banks print it). Raises ComplaintRefused with what is wrong."""
    from payments.banks import bank_by_bin

    bank_bin = (bank_bin or "").strip()
    number = re.sub(r"[\s.-]", "", account_number or "")
    holder = " ".join(text_clean(holder, limit=64).split()).upper()
    if not bank_bin or bank_by_bin(bank_bin) is None:
        raise ComplaintRefused(_("Choose your bank from the list."))
    if not re.fullmatch(r"[0-9]{6,19}", number):
        raise ComplaintRefused(_("An account number is 6 to 19 digits, without spaces or letters."))
    if not holder:
        raise ComplaintRefused(_("Give the account holder's name, as the bank knows it."))
    return bank_bin, number, holder


def _lock(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("order", "line", "partner")
        .get(pk=complaint.pk)
    )


def _buyer_check(complaint: Complaint, *, user, order_hash: str) -> None:
    from shop.fulfilment.aftersale import buyer_owns

    if not buyer_owns(shipment=complaint.shipment, user=user, order_hash=order_hash):
        raise ComplaintRefused(_("This complaint is not yours."))


def _amount_clean(amount, *, complaint: Complaint, remedy: str) -> Decimal | None:
    if remedy not in WITH_AMOUNT:
        return None
    ceiling = complaint.line.line_price_incl_tax.quantize(Decimal(1))
    if amount in (None, ""):
        raise ComplaintRefused(_("Say how much is refunded."))
    try:
        value = Decimal(str(amount))
    except ArithmeticError:
        raise ComplaintRefused(_("The amount is a whole number of đồng.")) from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ComplaintRefused(_("The amount is a whole number of đồng."))
    if value <= 0 or value > ceiling:
        raise ComplaintRefused(
            _("The amount must be more than 0 and at most the line's price (%(max)s đ).")
            % {"max": f"{ceiling:,.0f}".replace(",", ".")}
        )
    return value


def complaint_answer(
    *,
    complaint: Complaint,
    user,
    partner,
    kind: str,
    remedy: str = "",
    amount=None,
    text: str = "",
    now: datetime | None = None,
) -> Complaint:
    """The producer answers, once, while the complaint waits for them and before its deadline:
    ``accept`` (the buyer's wish, for the line's price × quantity; carried out at once),
    ``propose`` (another remedy, for the buyer to accept or escalate) or ``reject`` (with a
    reason). Raises ComplaintRefused."""
    from shop.roles import is_operator, producer_of

    now = now or timezone.now()
    if partner is None or partner.pk != complaint.partner_id:
        raise ComplaintRefused(_("This complaint is about another producer's goods."))
    mine = producer_of(user)
    if not (is_operator(user) or (mine is not None and mine.pk == partner.pk)):
        raise ComplaintRefused(_("This complaint is about another producer's goods."))
    if kind not in ("accept", "propose", "reject"):
        raise ComplaintRefused(_("Choose to accept, to propose something else, or to reject."))
    text = text_clean(text, limit=ANSWER_MAX)
    with transaction.atomic():
        complaint = _lock(complaint)
        if complaint.state != State.OPEN:
            raise ComplaintRefused(
                _("This complaint is “%(state)s”: it can no longer be answered here.")
                % {"state": complaint.get_state_display()}
            )
        if now > complaint.answer_due_at:
            raise ComplaintRefused(
                _("The time to answer is over: the operators will decide this complaint.")
            )
        complaint.answered_at = now
        if kind == "accept":
            amount = line_total(complaint) if complaint.wish in WITH_AMOUNT else None
            return complaint_decide(
                complaint=complaint,
                remedy=complaint.wish,
                amount=amount,
                note=text,
                role=Role.PRODUCER,
                actor=user,
                kind=Kind.ACCEPTED,
                at=now,
            )
        if kind == "propose":
            if remedy not in PROPOSALS:
                raise ComplaintRefused(_("Choose what you propose."))
            amount = _amount_clean(amount, complaint=complaint, remedy=remedy)
            if remedy == Remedy.OTHER and not text:
                raise ComplaintRefused(_("Say what you propose."))
            step_kind = Kind.PROPOSED
        else:
            if not text:
                raise ComplaintRefused(_("Give the reason you reject this complaint."))
            remedy, amount, step_kind = Remedy.NONE, None, Kind.REJECTED
        complaint.state = State.ANSWERED
        complaint.remedy, complaint.remedy_amount, complaint.remedy_note = remedy, amount, text
        complaint.decided_by_role = Role.PRODUCER
        complaint.buyer_due_at = now + timedelta(days=settings.COMPLAINT_BUYER_DAYS)
        complaint.save()
        step_record(
            complaint=complaint,
            kind=step_kind,
            role=Role.PRODUCER,
            actor=user,
            remedy=remedy,
            amount=amount,
            text=text,
            at=now,
        )
    return complaint


def complaint_buyer_accept(
    *, complaint: Complaint, user, order_hash: str = "", now: datetime | None = None
) -> Complaint:
    """The buyer accepts the producer's answer: a proposal is carried out; a rejection closes
    the case with nothing to do."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _lock(complaint)
        _buyer_check(complaint, user=user, order_hash=order_hash)
        if complaint.state != State.ANSWERED:
            raise ComplaintRefused(_("There is no answer from the producer to accept now."))
        return complaint_decide(
            complaint=complaint,
            remedy=complaint.remedy or Remedy.NONE,
            amount=complaint.remedy_amount,
            note=complaint.remedy_note,
            role=Role.BUYER,
            actor=user,
            kind=Kind.BUYER_ACCEPTED,
            at=now,
        )


def complaint_escalate(
    *,
    complaint: Complaint,
    user,
    order_hash: str = "",
    text: str = "",
    now: datetime | None = None,
) -> Complaint:
    """The buyer does not accept the producer's answer: the operators decide."""
    now = now or timezone.now()
    text = text_clean(text, limit=ANSWER_MAX)
    with transaction.atomic():
        complaint = _lock(complaint)
        _buyer_check(complaint, user=user, order_hash=order_hash)
        if complaint.state != State.ANSWERED:
            raise ComplaintRefused(
                _("Only an answer from the producer can be sent to the operators.")
            )
        if complaint.buyer_due_at and now > complaint.buyer_due_at:
            raise ComplaintRefused(_("The time to reply is over: the producer's answer stands."))
        complaint.state, complaint.escalated_at = State.ESCALATED, now
        complaint.save(update_fields=["state", "escalated_at"])
        step_record(
            complaint=complaint,
            kind=Kind.ESCALATED,
            role=Role.BUYER,
            actor=user,
            text=text,
            at=now,
        )
    return complaint


def complaint_withdraw(
    *,
    complaint: Complaint,
    user,
    order_hash: str = "",
    text: str = "",
    now: datetime | None = None,
) -> Complaint:
    """The buyer withdraws their complaint, until its outcome is being carried out."""
    now = now or timezone.now()
    text = text_clean(text, limit=ANSWER_MAX)
    with transaction.atomic():
        complaint = _lock(complaint)
        _buyer_check(complaint, user=user, order_hash=order_hash)
        if complaint.state not in WITHDRAWABLE:
            raise ComplaintRefused(
                _("This complaint is “%(state)s”: it can no longer be withdrawn.")
                % {"state": complaint.get_state_display()}
            )
        complaint.state = State.WITHDRAWN
        complaint.save(update_fields=["state"])
        step_record(
            complaint=complaint,
            kind=Kind.WITHDRAWN,
            role=Role.BUYER,
            actor=user,
            text=text,
            at=now,
        )
    return complaint


def complaint_operator_decide(
    *,
    complaint: Complaint,
    actor,
    remedy: str,
    amount=None,
    reason: str,
    now: datetime | None = None,
) -> Complaint:
    """Operators settle a case not settled yet (escalated, or any open state), with the
    reason recorded; the remedy is then carried out."""
    from shop.roles import is_operator

    now = now or timezone.now()
    if not is_operator(actor):
        raise ComplaintRefused(_("Only the floor's operators decide complaints."))
    reason = text_clean(reason, limit=REASON_MAX)
    if not reason:
        raise ComplaintRefused(_("Give the reason for the decision: both parties read it."))
    if remedy not in Remedy.values:
        raise ComplaintRefused(_("Choose the decision."))
    with transaction.atomic():
        complaint = _lock(complaint)
        if complaint.state not in DECIDABLE:
            raise ComplaintRefused(
                _("This complaint is “%(state)s”: it is already settled.")
                % {"state": complaint.get_state_display()}
            )
        amount = _amount_clean(amount, complaint=complaint, remedy=remedy)
        return complaint_decide(
            complaint=complaint,
            remedy=remedy,
            amount=amount,
            note=reason,
            role=Role.OPERATOR,
            actor=actor,
            kind=Kind.DECIDED,
            at=now,
        )


def complaint_payout_account_give(
    *,
    complaint: Complaint,
    user,
    order_hash: str = "",
    bank_bin: str,
    account_number: str,
    holder: str,
    now: datetime | None = None,
) -> Complaint:
    """The buyer gives (or corrects) the account a refund is paid into (orders paid in cash
    or by bank transfer), while the complaint is open and the refund not yet paid."""
    from shop.complaints import remedies

    now = now or timezone.now()
    bank_bin, number, holder = payout_account_clean(
        bank_bin=bank_bin, account_number=account_number, holder=holder
    )
    with transaction.atomic():
        complaint = _lock(complaint)
        _buyer_check(complaint, user=user, order_hash=order_hash)
        if not complaint.is_open or complaint.payout_recorded_at:
            raise ComplaintRefused(_("This complaint no longer needs an account."))
        if complaint.refund_id and complaint.refund.status in remedies.REFUNDS_DONE:
            raise ComplaintRefused(_("The refund has already been paid."))
        if not payout_needed(complaint.order):
            raise ComplaintRefused(
                _("This order was paid online: a refund goes back the way you paid.")
            )
        complaint.payout_bank_bin = bank_bin
        complaint.payout_account_number = number
        complaint.payout_account_holder = holder
        complaint.save(
            update_fields=["payout_bank_bin", "payout_account_number", "payout_account_holder"]
        )
        step_record(
            complaint=complaint,
            kind=Kind.PAYOUT_ACCOUNT,
            role=Role.BUYER,
            actor=user,
            text=f"{bank_bin} ···{number[-4:]}",
            at=now,
        )
    return complaint


# --------------------------------------------------------------------------- deadlines


def complaints_deadlines(*, now: datetime | None = None) -> dict[str, int]:
    """Deadlines that passed: a complaint the producer did not answer in time goes to the
    operators (automatically, step DEADLINE_MISSED); an answer the buyer did not reply to in
    time stands (a proposal is carried out, a rejection closes the case). Each case in its own
    transaction, skipping one another worker holds. Returns how many of each."""
    now = now or timezone.now()
    done = {"escalated": 0, "stood": 0}
    for pk in Complaint.objects.filter(state=State.OPEN, answer_due_at__lt=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            complaint = (
                Complaint.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, state=State.OPEN, answer_due_at__lt=now)
                .first()
            )
            if complaint is None:
                continue
            complaint.state, complaint.escalated_at = State.ESCALATED, now
            complaint.escalated_automatically = True
            complaint.save(update_fields=["state", "escalated_at", "escalated_automatically"])
            step_record(
                complaint=complaint,
                kind=Kind.DEADLINE_MISSED,
                role=Role.SYSTEM,
                text=_("The producer did not answer within %(hours)d hours.")
                % {"hours": settings.COMPLAINT_ANSWER_HOURS},
                at=now,
            )
            done["escalated"] += 1
    for pk in Complaint.objects.filter(state=State.ANSWERED, buyer_due_at__lt=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            complaint = (
                Complaint.objects.select_for_update(skip_locked=True)
                .select_related("line", "order")
                .filter(pk=pk, state=State.ANSWERED, buyer_due_at__lt=now)
                .first()
            )
            if complaint is None:
                continue
            complaint_decide(
                complaint=complaint,
                remedy=complaint.remedy or Remedy.NONE,
                amount=complaint.remedy_amount,
                note=complaint.remedy_note,
                role=Role.SYSTEM,
                kind=Kind.NOTE,
                at=now,
            )
            done["stood"] += 1
    return done
