"""Reads of reviews: which lines a buyer may review, a producer's reviews, the moderation
queue, the shipments whose buyers are invited to review."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from oscar.core.loading import get_model

from shop.fulfilment.models import Shipment

ProductReview = get_model("reviews", "ProductReview")
Line = get_model("order", "Line")

INVITE_UNTIL_DAYS = 30  # no invitation for a parcel delivered longer ago than this

REVIEWABLE = "reviewable"
REVIEWED = "reviewed"


def _delivered_shipment():
    return Shipment.objects.filter(
        order_id=OuterRef("order_id"),
        partner_id=OuterRef("partner_id"),
        status=Shipment.Status.DELIVERED,
    )


def _review_of_line():
    return ProductReview.objects.filter(line_id=OuterRef("pk"))


def reviewable_lines(*, user, product=None) -> QuerySet:
    """The lines `user` may review: of their own orders, delivered, with a product, not yet
    reviewed; newest first."""
    if not (user and user.is_authenticated):
        return Line.objects.none()
    lines = (
        Line.objects.filter(order__user=user, product__isnull=False)
        .filter(Exists(_delivered_shipment()))
        .exclude(Exists(_review_of_line()))
        .select_related("order", "product")
        .order_by("-order__date_placed", "-pk")
    )
    if product is not None:
        lines = lines.filter(product=product)
    return lines


def order_review_states(*, order) -> dict[int, str]:
    """For the buyer's order page, in one query: line id → REVIEWABLE (delivered, not yet
    reviewed) or REVIEWED; lines not delivered are absent."""
    rows = (
        Line.objects.filter(order_id=order.pk)
        .annotate(delivered=Exists(_delivered_shipment()), reviewed=Exists(_review_of_line()))
        .values_list("pk", "delivered", "reviewed", "product_id")
    )
    states = {}
    for pk, delivered, reviewed, product_id in rows:
        if reviewed:
            states[pk] = REVIEWED
        elif delivered and product_id is not None:
            states[pk] = REVIEWABLE
    return states


def reviews_of_producer(*, partner, unanswered: bool = False) -> QuerySet:
    """A producer's reviews (its own products only), newest first, hidden ones included (the
    producer sees why)."""
    reviews = (
        ProductReview.objects.filter(partner=partner)
        .select_related("product", "user", "line__order")
        .prefetch_related("photos")
        .order_by("-date_created", "-pk")
    )
    if unanswered:
        reviews = reviews.filter(answered_at__isnull=True).exclude(status=ProductReview.REJECTED)
    return reviews


def reviews_for_moderation(*, status: str = "", query: str = "") -> QuerySet:
    """Every review for operators, newest first; `status` "shown" or "hidden"; `query` in the
    text, the product's title or the producer's name."""
    reviews = (
        ProductReview.objects.select_related("product", "partner", "user", "hidden_by")
        .prefetch_related("photos")
        .order_by("-date_created", "-pk")
    )
    if status == "hidden":
        reviews = reviews.filter(status=ProductReview.REJECTED)
    elif status == "shown":
        reviews = reviews.exclude(status=ProductReview.REJECTED)
    query = (query or "").strip()[:100]
    if query:
        reviews = reviews.filter(
            Q(title__icontains=query)
            | Q(body__icontains=query)
            | Q(product__title__icontains=query)
            | Q(partner__name__icontains=query)
        )
    return reviews


def shipments_to_invite(*, now: datetime) -> QuerySet:
    """Ids of shipments delivered REVIEW_INVITE_DAYS to INVITE_UNTIL_DAYS ago, ordered by a
    buyer with an account, with at least one line still to review."""
    lines_to_review = Line.objects.filter(
        order_id=OuterRef("order_id"), partner_id=OuterRef("partner_id"), product__isnull=False
    ).exclude(Exists(_review_of_line()))
    return (
        Shipment.objects.filter(
            status=Shipment.Status.DELIVERED,
            delivered_at__lte=now - timedelta(days=settings.REVIEW_INVITE_DAYS),
            delivered_at__gt=now - timedelta(days=INVITE_UNTIL_DAYS),
            order__user__isnull=False,
            order__user__is_active=True,
        )
        .filter(Exists(lines_to_review))
        .order_by("delivered_at", "pk")
        .values_list("pk", flat=True)
    )


def shipment_lines_to_review(*, shipment) -> list:
    """The shipment's lines its buyer has not reviewed yet (for the invitation)."""
    return list(
        Line.objects.filter(
            order_id=shipment.order_id, partner_id=shipment.partner_id, product__isnull=False
        )
        .exclude(Exists(_review_of_line()))
        .select_related("product")
        .order_by("pk")
    )
