"""The invitation to review: a few days after delivery, once per shipment, in the buyer's
language, listing the lines still to review with their links."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from oscar.core.loading import get_model

from shop.catalogue.reviews import services
from shop.catalogue.reviews.tasks import invite_due
from shop.fulfilment.models import Shipment
from tests.reviews.helpers import sent_mail, world

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


def _delivered(shipment, days_ago: float):
    at = timezone.now() - timedelta(days=days_ago)
    Shipment.objects.filter(pk=shipment.pk).update(delivered_at=at)


@pytest.fixture
def w(client):
    return world(client)


def test_one_invitation_per_shipment_after_the_delay_and_once(w):
    _delivered(w.honey, settings.REVIEW_INVITE_DAYS - 1)
    assert services.reviews_invite_due() == 0
    assert sent_mail() == []

    _delivered(w.honey, settings.REVIEW_INVITE_DAYS + 0.5)
    assert services.reviews_invite_due() == 1
    emails = sent_mail()
    assert [e.to for e in emails] == [[w.buyer.email]]
    body = emails[0].body
    assert w.honey_line.description in body
    assert f"?line={w.honey_line.pk}" in body
    assert w.tea_line.description not in body  # not delivered: not offered
    assert "Đánh giá" in emails[0].alternatives[0][0] or "đánh giá" in body

    # Hourly runs afterwards: nothing more.
    assert services.reviews_invite_due() == 0
    assert invite_due() == 0
    assert sent_mail() == []


def test_the_invitation_is_in_the_language_of_the_order(w):
    Order.objects.filter(pk=w.order.pk).update(language="en")
    _delivered(w.honey, settings.REVIEW_INVITE_DAYS + 1)
    services.reviews_invite_due()
    [email] = sent_mail()
    assert "How did you find" in email.subject
    assert "/en/shop/" in email.body


def test_no_invitation_too_late_or_when_everything_is_reviewed(w):
    _delivered(w.honey, 31)
    assert services.reviews_invite_due() == 0
    _delivered(w.honey, settings.REVIEW_INVITE_DAYS + 1)
    services.review_create(line=w.honey_line, user=w.buyer, score=5, body="Ngon")
    assert services.reviews_invite_due() == 0
    assert sent_mail() == []


def test_a_review_written_before_the_e_mail_leaves_empties_it(w):
    _delivered(w.honey, settings.REVIEW_INVITE_DAYS + 1)
    assert services.reviews_invite_due() == 1
    services.review_create(line=w.honey_line, user=w.buyer, score=5, body="Ngon")
    assert sent_mail() == []


def test_guests_are_not_invited(w):
    Order.objects.filter(pk=w.order.pk).update(user=None)
    _delivered(w.honey, settings.REVIEW_INVITE_DAYS + 1)
    assert services.reviews_invite_due() == 0


def test_now_can_be_given(w):
    _delivered(w.honey, 0)
    later = timezone.now() + timedelta(days=settings.REVIEW_INVITE_DAYS + 1)
    assert services.reviews_invite_due(now=later) == 1
