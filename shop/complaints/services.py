"""Complaints: every change of a complaint goes through here, and leaves a step.

The seam between the complaint's conversation and the remedies that carry a decision out:
`complaint_decide` settles the outcome (whoever settled it) and queues its execution
(`shop.complaints.remedies`, through the outbox: refunds and carriers are never called inside
a transaction); the remedies call `complaint_resolve` once the money is back or the parcel has
arrived.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shop.complaints.models import Complaint, ComplaintStep, Remedy, Role, State

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
) -> ComplaintStep:
    """Append a step to the complaint's history (within the caller's transaction)."""
    return ComplaintStep.objects.create(
        complaint=complaint,
        kind=kind,
        role=role,
        actor=actor if actor is not None and actor.is_authenticated else None,
        remedy=remedy,
        amount=amount,
        text=text,
        at=at or timezone.now(),
    )


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
        complaint_resolve(complaint=complaint, role=role, actor=actor, at=now)
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
