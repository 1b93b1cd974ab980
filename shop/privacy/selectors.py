"""Reads about personal data: a buyer's consents and requests, what holds an erasure back,
the operators' register."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from oscar.core.loading import get_model

from shop.order import outcomes
from shop.privacy.models import OPEN_REQUEST_STATES, Consent, PrivacyRequest


def consents_of(*, user: Any) -> QuerySet[Consent]:
    return Consent.objects.filter(user=user).order_by("-given_at", "-pk")


def requests_of(*, user: Any) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(user=user).order_by("-received_at", "-pk")


def open_erasure_of(*, user: Any) -> PrivacyRequest | None:
    return PrivacyRequest.objects.filter(
        user=user, kind="erasure", state__in=OPEN_REQUEST_STATES
    ).first()


def open_guest_erasure_of(*, order_number: str) -> PrivacyRequest | None:
    return PrivacyRequest.objects.filter(
        user=None, kind="erasure", state__in=OPEN_REQUEST_STATES, outcome__order=order_number
    ).first()


def erasure_blockers(*, user: Any = None, orders: QuerySet | None = None) -> dict[str, list[str]]:
    """What must end before `user`'s data (or a guest's, on `orders`) can go: orders neither
    delivered nor failed (cancelled or returned), complaints still open. Empty: nothing holds
    it back."""
    Order = get_model("order", "Order")
    Complaint = get_model("complaints", "Complaint")
    from shop.complaints.models import OPEN_STATES

    if orders is None:
        orders = Order.objects.filter(user=user)
    in_progress = (
        orders.exclude(outcomes.succeeded() | outcomes.failed())
        .order_by("number")
        .values_list("number", flat=True)
    )
    mine = Complaint.objects.filter(user=user) if user is not None else Complaint.objects.none()
    complaints = (
        (mine | Complaint.objects.filter(order__in=orders))
        .filter(state__in=OPEN_STATES)
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    waiting: dict[str, list[str]] = {}
    if orders := list(in_progress):
        waiting["orders"] = orders
    if references := list(complaints):
        waiting["complaints"] = references
    return waiting


def register(*, kind: str = "", state: str = "", overdue: bool = False) -> QuerySet:
    """Every request for the operators' register, newest first, optionally filtered."""
    requests = PrivacyRequest.objects.select_related("handled_by", "user")
    if kind:
        requests = requests.filter(kind=kind)
    if state:
        requests = requests.filter(state=state)
    if overdue:
        requests = requests.filter(overdue_q())
    return requests.order_by("-received_at", "-pk")


def overdue_q() -> Q:
    return Q(state__in=OPEN_REQUEST_STATES, deadline_at__lt=timezone.now())
