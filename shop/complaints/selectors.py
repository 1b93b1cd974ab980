"""Reads of complaints: the buyer's own, a producer's own, the operators' queue, and which
lines of an order a complaint may be opened on (one query per order)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, IntegerField, QuerySet, Value, When

from shop.complaints.models import OPEN_STATES, Complaint, State
from shop.complaints.opening import window_of

_LIST = ("order", "line", "partner")


def complaints_of_buyer(*, user) -> QuerySet[Complaint]:
    """A signed-in buyer's complaints (on their own orders), newest first."""
    return Complaint.objects.filter(order__user=user).select_related(*_LIST)


def complaints_of_producer(*, producer, state: str = "") -> QuerySet[Complaint]:
    """A producer's complaints: those waiting for its answer first, the most urgent (overdue)
    first, then the others, newest first."""
    complaints = (
        Complaint.objects.filter(partner=producer)
        .select_related(*_LIST)
        .annotate(
            waiting=Case(
                When(state=State.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("waiting", "answer_due_at", "-opened_at", "-pk")
    )
    if state:
        complaints = complaints.filter(state=state)
    return complaints


def complaint_of_producer(*, producer) -> QuerySet[Complaint]:
    return Complaint.objects.filter(partner=producer).select_related(*_LIST, "shipment", "lot")


def complaints_for_operators(*, state: str = "") -> QuerySet[Complaint]:
    """The operators' queue: escalated first (oldest escalation first), then open cases by
    their deadline, then the settled ones, newest first."""
    complaints = Complaint.objects.select_related(*_LIST).annotate(
        rank=Case(
            When(state=State.ESCALATED, then=Value(0)),
            When(state__in=(State.OPEN, State.ANSWERED, State.EXECUTING), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    if state:
        complaints = complaints.filter(state=state)
    return complaints.order_by("rank", "escalated_at", "answer_due_at", "-opened_at", "-pk")


def complaint_steps(*, complaint: Complaint) -> QuerySet:
    return complaint.steps.select_related("actor").order_by("at", "pk")


def order_latest_complaints(*, order) -> dict[int, Complaint]:
    """The latest complaint of each line of `order`, by line id, in one query."""
    latest: dict[int, Complaint] = {}
    for complaint in Complaint.objects.filter(order_id=order.pk).order_by("opened_at", "pk"):
        latest[complaint.line_id] = complaint
    return latest


def line_complaint(*, line, shipment, latest: dict, now: datetime | None = None) -> dict:
    """For the buyer's order page: the line's latest complaint, and until when a new one may
    be opened (None when it may not: one is open, or no window)."""
    complaint = latest.get(line.pk)
    if complaint is not None and complaint.state in OPEN_STATES:
        return {"complaint": complaint, "until": None}
    return {"complaint": complaint, "until": window_of(shipment, now=now)}
