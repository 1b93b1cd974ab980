"""Every step of a complaint is e-mailed to its parties through the outbox, each in their
language: the buyer and the producer always, the operators when the case comes to them,
the inspectors on a doubt about origin."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from shop.complaints import opening, services
from shop.complaints.models import Reason, Remedy
from shop.outbox.models import OutboxMessage
from shop.outbox.services import outbox_drain as _drain
from tests.complaints.conftest import after

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _order_mail_sent(world):
    """The order's own e-mails (placed, shipped, delivered) are out of the way."""
    outbox_drain()
    mail.outbox.clear()


def opened(world, **kw):
    values = dict(
        line=world.honey_line,
        user=world.mai,
        reason=Reason.DAMAGED,
        description="Hũ mật ong bị vỡ nắp khi nhận hàng.",
        wish=Remedy.REFUND,
        quantity=1,
        now=after(days=1),
    )
    values.update(kw)
    return opening.complaint_open(**values)


def outbox_drain(*, inline=True):
    """Deliver what is queued now, as the worker would (its dispatch grace passed); a broken
    template would leave the row undone with its error."""
    OutboxMessage.objects.filter(done_at=None).update(next_attempt_at=timezone.now())
    _drain(inline=inline)
    failed = OutboxMessage.objects.filter(done_at=None).exclude(task="complaints.remedy_execute")
    assert not failed.exists(), list(failed.values_list("task", "last_error"))


def sent_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_opening_tells_the_buyer_and_the_producer_in_their_language(world):
    type(world.order).objects.filter(pk=world.order.pk).update(language="vi")
    complaint = opened(world)
    outbox_drain(inline=True)
    (buyer_mail,) = sent_to("mai@example.com")
    (producer_mail,) = sent_to("mat-ong@example.com")
    assert complaint.reference in buyer_mail.subject and "Khiếu nại" in buyer_mail.subject
    assert f"/shop/complaints/{complaint.reference}/" in buyer_mail.body
    assert f"/dashboard/producer/complaints/{complaint.pk}/" in producer_mail.body
    assert "Hũ mật ong bị vỡ nắp" in producer_mail.body
    assert not sent_to("operator@example.com")
    outbox_drain(inline=True)  # once per step
    assert len(sent_to("mai@example.com")) == 1


def test_an_english_buyer_reads_english(world):
    type(world.order).objects.filter(pk=world.order.pk).update(language="en")
    complaint = opened(world)
    outbox_drain(inline=True)
    (buyer_mail,) = sent_to("mai@example.com")
    assert buyer_mail.subject.startswith(f"Your complaint {complaint.reference}")
    assert "/en/shop/complaints/" in buyer_mail.body


def test_operators_hear_when_the_producer_misses_the_deadline(world):
    complaint = opened(world)
    outbox_drain(inline=True)
    mail.outbox.clear()
    services.complaints_deadlines(now=complaint.answer_due_at + timedelta(minutes=1))
    outbox_drain(inline=True)
    (operator_mail,) = sent_to("operator@example.com")
    assert f"/dashboard/complaints/{complaint.pk}/" in operator_mail.body
    assert sent_to("mai@example.com") and sent_to("mat-ong@example.com")


def test_a_doubt_about_origin_reaches_the_inspectors(world):
    complaint = opened(world, reason=Reason.ORIGIN, wish=Remedy.RETURN)
    outbox_drain(inline=True)
    (inspector_mail,) = sent_to("thanh-tra@example.com")
    assert complaint.reference in inspector_mail.subject
    assert "Hũ mật ong bị vỡ nắp" in inspector_mail.body
    # The buyer hears of the opening once, not of the inspectors' step.
    assert len(sent_to("mai@example.com")) == 1


def test_a_rejection_and_its_reply_are_told(world):
    complaint = opened(world)
    services.complaint_answer(
        complaint=complaint,
        user=world.honey_user,
        partner=world.honey_maker,
        kind="reject",
        text="Ảnh chưa cho thấy hũ bị vỡ.",
        now=after(days=1, hours=2),
    )
    mail.outbox.clear()
    outbox_drain(inline=True)
    rejection = [m for m in sent_to("mai@example.com") if "Ảnh chưa cho thấy" in m.body]
    assert len(rejection) == 1
