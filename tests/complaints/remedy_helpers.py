"""Complaints made with the ORM and settled through `services.complaint_decide`, so the
remedies are carried out by the real outbox task; and the outbox's retries, run now."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from shop.complaints import services
from shop.complaints.models import Complaint, ComplaintStep, Reason, Role
from shop.outbox.models import OutboxMessage
from shop.outbox.services import outbox_drain

_numbers = itertools.count(1)


def complaint_on(shipment, *, wish: str, quantity: int = 1, user=None) -> Complaint:
    """An open complaint about the first line of `shipment`."""
    line = shipment.order.lines.filter(partner=shipment.partner).order_by("pk").first()
    now = timezone.now()
    return Complaint.objects.create(
        reference=f"KN-2026-{next(_numbers) + 900000:06d}",
        order=shipment.order,
        shipment=shipment,
        line=line,
        partner=shipment.partner,
        user=user if user is not None else shipment.order.user,
        reason=Reason.DAMAGED,
        description="Hũ mật ong bị vỡ khi nhận.",
        wish=wish,
        quantity=quantity,
        opened_at=now,
        answer_due_at=now + timedelta(hours=48),
    )


def decide(complaint: Complaint, *, remedy: str, amount=None, actor=None) -> Complaint:
    """The producer accepts: the remedy is queued through the outbox (run once this commits)."""
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        services.complaint_decide(
            complaint=locked,
            remedy=remedy,
            amount=Decimal(amount) if amount is not None else None,
            note="Nhà sản xuất đồng ý.",
            role=Role.PRODUCER,
            actor=actor,
            kind=ComplaintStep.Kind.ACCEPTED,
        )
    complaint.refresh_from_db()
    return complaint


def retry_due():
    """The outbox's backoff has passed: run what is waiting."""
    OutboxMessage.objects.filter(done_at=None).update(next_attempt_at=timezone.now())
    return outbox_drain(inline=True)


def kinds(complaint: Complaint) -> list[str]:
    return list(complaint.steps.order_by("at", "pk").values_list("kind", flat=True))
