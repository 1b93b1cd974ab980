"""The demo's year of history: enough of it, written as the services would have left it,
loaded once, the same every time, and leaving the demo buyer something to review."""

import random
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db.models import Avg, Count, F
from django.utils import timezone
from oscar.core.loading import get_model

from shop import demo
from shop.complaints.models import Complaint, ComplaintStep, Remedy, State
from shop.demo import history
from shop.fulfilment.models import Shipment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_floor")]

Order = get_model("order", "Order")
Line = get_model("order", "Line")
Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")
ProductReview = get_model("reviews", "ProductReview")
Kind = ComplaintStep.Kind
BUYER = "buyer@chophien.test"


def history_orders():
    return Order.objects.filter(number__gte=str(history.HISTORY["first_number"]))


def counts():
    return {
        "orders": Order.objects.count(),
        "lines": Line.objects.count(),
        "shipments": Shipment.objects.count(),
        "reviews": ProductReview.objects.count(),
        "complaints": Complaint.objects.count(),
        "steps": ComplaintStep.objects.count(),
        "users": get_user_model_count(),
    }


def get_user_model_count():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.count()


def test_a_year_of_orders_mostly_on_time_some_late_a_few_cancelled():
    orders = history_orders()
    assert orders.count() >= 200
    now = timezone.now()
    months = {d.strftime("%Y-%m") for d in orders.values_list("date_placed", flat=True)}
    assert len(months) >= 12
    assert min(orders.values_list("date_placed", flat=True)) < now - timedelta(days=330)
    assert orders.filter(status="Cancelled").count() >= 3
    assert orders.filter(user__isnull=True).count() == 0
    assert len(set(orders.values_list("user", flat=True))) >= 8

    delivered = Shipment.objects.filter(order__in=orders, status=Shipment.Status.DELIVERED)
    late = delivered.filter(delivered_at__date__gt=F("expected_delivery"))
    assert delivered.count() >= 250
    assert 0.04 < late.count() / delivered.count() < 0.25
    # Each producer ships and is reviewed; the producers differ (the index has something to say).
    by_producer = dict(delivered.values_list("partner__code").annotate(n=Count("pk")))
    assert set(by_producer) == set(history.HISTORY["producers"])
    assert all(n >= 20 for n in by_producer.values())
    # Totals add up, the way checkout writes them.
    for order in orders.prefetch_related("lines", "shipments")[:40]:
        goods = sum((line.line_price_incl_tax for line in order.lines.all()), Decimal(0))
        shipping = sum((s.charge for s in order.shipments.all()), Decimal(0))
        assert order.shipping_incl_tax == shipping
        assert order.total_incl_tax == goods + shipping
        attempt = order.payment_attempts.get()
        assert attempt.amount == order.total_incl_tax
    # Every delivered shipment went through each step, in order, in the past.
    for shipment in delivered.prefetch_related("events")[:60]:
        steps = [event.status for event in shipment.events.all()]
        assert steps[-5:] == ["new", "confirmed", "packed", "shipped", "delivered"]
        times = [event.at for event in shipment.events.all()]
        assert times == sorted(times) and times[-1] == shipment.delivered_at <= now
        assert shipment.created_at < shipment.delivered_at


def test_reviews_only_on_delivered_lines_by_their_buyers_and_the_ratings_add_up():
    reviews = ProductReview.objects.select_related("line__order", "product")
    assert reviews.filter(status=ProductReview.APPROVED).count() >= 100
    assert {r.language for r in reviews} == {"vi", "en"}
    assert reviews.exclude(answer="").count() >= 20
    assert Counter(r.score for r in reviews).keys() == {1, 2, 3, 4, 5}
    shipments = {
        (s.order_id, s.partner_id): s for s in Shipment.objects.filter(order__in=history_orders())
    }
    for review in reviews:
        line = review.line
        shipment = shipments[(line.order_id, line.partner_id)]
        assert shipment.status == Shipment.Status.DELIVERED
        assert review.user_id == line.order.user_id
        assert review.product_id == line.product_id and review.partner_id == line.partner_id
        assert review.purchased_at == line.order.date_placed
        assert shipment.delivered_at <= review.date_created <= timezone.now()
        assert review.language == line.order.language
        if review.answer:
            assert review.date_created < review.answered_at <= timezone.now()
    hidden = reviews.get(status=ProductReview.REJECTED)
    assert hidden.hidden_reason and hidden.hidden_by.is_staff

    # The figures on products and producers are the approved reviews' (ratings_refresh).
    approved = ProductReview.objects.filter(status=ProductReview.APPROVED)
    for product in Product.objects.all():
        figures = approved.filter(product=product).aggregate(avg=Avg("score"), n=Count("pk"))
        assert product.reviews_count == figures["n"]
        assert product.rating == pytest.approx(figures["avg"]) if figures["n"] else True
    ratings = {p.code: p.rating for p in Partner.objects.filter(reviews_count__gt=0)}
    assert set(ratings) == set(history.HISTORY["producers"])
    assert ratings["mat-ong"] > ratings["thit"]  # the honey cooperative serves best


def test_a_complaint_in_every_state_with_steps_that_tell_how_it_got_there():
    now = timezone.now()
    complaints = Complaint.objects.prefetch_related("steps").select_related("shipment", "refund")
    assert {c.state for c in complaints} == set(State.values)
    assert complaints.filter(state=State.RESOLVED, resolved_in_time=True).exists()
    assert complaints.filter(state=State.RESOLVED, resolved_in_time=False).exists()
    assert complaints.filter(escalated_automatically=True, decided_by_role="operator").exists()
    assert complaints.filter(state=State.RESOLVED, decided_by_role="operator").count() >= 2
    for complaint in complaints:
        steps = list(complaint.steps.all())
        kinds = [step.kind for step in steps]
        times = [step.at for step in steps]
        assert kinds[0] == Kind.OPENED and times[0] == complaint.opened_at, complaint
        assert times == sorted(times) and times[-1] <= now
        assert steps[0].actor_id == complaint.user_id == complaint.order.user_id
        # Opened on a delivered line, within the window after delivery.
        assert complaint.shipment.status == Shipment.Status.DELIVERED
        window = timedelta(days=settings.COMPLAINT_WINDOW_DAYS)
        assert complaint.shipment.delivered_at < complaint.opened_at
        assert complaint.opened_at <= complaint.shipment.delivered_at + window
        assert complaint.answer_due_at == complaint.opened_at + timedelta(
            hours=settings.COMPLAINT_ANSWER_HOURS
        )
        if complaint.decided_at:
            deciding = [s for s in steps if s.kind in (Kind.ACCEPTED, Kind.DECIDED)]
            deciding += [s for s in steps if s.kind == Kind.BUYER_ACCEPTED]
            assert deciding[0].at == complaint.decided_at
            assert complaint.resolved_in_time == (
                complaint.decided_at <= complaint.opened_at + timedelta(days=7)
            )
        state = complaint.state
        if state == State.OPEN:
            assert kinds == [Kind.OPENED] and complaint.answer_due_at > now
        elif state == State.ANSWERED:
            assert kinds[-1] in (Kind.PROPOSED, Kind.REJECTED) and complaint.buyer_due_at > now
            assert complaint.user.email == BUYER  # the demo buyer has one to answer
        elif state == State.ESCALATED:
            assert kinds[-1] == Kind.ESCALATED and complaint.escalated_at == times[-1]
            assert complaint.decided_at is None
        elif state == State.EXECUTING:
            assert complaint.remedy in (Remedy.REFUND, Remedy.REPLACE, Remedy.RETURN)
            assert complaint.decided_at and Kind.RESOLVED not in kinds
            assert complaint.payout_account_number  # a payout an operator can make now
        elif state == State.RESOLVED:
            assert kinds[-1] == Kind.RESOLVED and complaint.resolved_at == times[-1]
            assert complaint.decided_at is not None
            if complaint.remedy == Remedy.REFUND:
                refund = complaint.refund
                assert refund.amount == complaint.remedy_amount
                assert refund.partner_id == complaint.partner_id  # clawed back in settlements
                assert refund.attempt.refunded == refund.amount
        elif state == State.WITHDRAWN:
            assert kinds[-1] == Kind.WITHDRAWN and complaint.decided_at is None
    # The open one is for a producer with a demo login, who can answer it.
    open_one = complaints.get(state=State.OPEN)
    assert open_one.partner.users.filter(email__endswith="@chophien.test").exists()


def test_the_demo_buyer_has_a_delivered_line_to_review_and_complain_about():
    now = timezone.now()
    lines = Line.objects.filter(
        order__user__email=BUYER,
        review__isnull=True,
        complaints__isnull=True,
        order__shipments__partner=F("partner"),
        order__shipments__status=Shipment.Status.DELIVERED,
        order__shipments__delivered_at__gte=now
        - timedelta(days=settings.COMPLAINT_WINDOW_DAYS - 1),
    )
    assert lines.exists()
    # …and reviews of her own from before, one answered.
    mine = ProductReview.objects.filter(user__email=BUYER)
    assert mine.count() >= 2 and mine.exclude(answer="").exists()


def test_loading_again_adds_nothing():
    before = counts()
    assert history.history_load() == {"orders": 0, "reviews": 0, "complaints": 0}
    demo.demo_load()
    assert counts() == before


def test_the_same_history_from_the_same_seed():
    now = timezone.now()
    floor = history._floor()

    def plan():
        orders = history._plan(floor, random.Random(history.HISTORY["seed"]), now=now)
        return [
            (o.number, o.buyer.pk, o.method, o.cancelled, o.placed_at, o.total)
            + tuple((s.partner.code, s.status, s.expected) for s in o.shipments)
            for o in orders
        ]

    first = plan()
    assert len(first) >= 200 and first == plan()


def test_the_pages_the_demo_people_open_show_the_history(client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    User = get_user_model()
    client.force_login(User.objects.get(email=BUYER))
    listing = client.get(reverse("customer:order-list"))
    assert listing.status_code == 200
    orders = history_orders().filter(user__email=BUYER)
    assert orders.first().number in listing.content.decode()
    for order in orders:
        assert client.get(reverse("customer:order", args=[order.number])).status_code == 200

    client.force_login(User.objects.get(email="che@chophien.test"))
    listing = client.get(reverse("producer-orders:list"))
    assert listing.status_code == 200
    shipment = Shipment.objects.filter(partner__code="che", order__in=history_orders()).last()
    detail = client.get(reverse("producer-orders:detail", kwargs={"pk": shipment.pk}))
    assert detail.status_code == 200
