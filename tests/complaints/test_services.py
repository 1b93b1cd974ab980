"""The complaint's conversation, service by service: who may open one and when, the
producer's answer, the buyer's reply, the operators' decision, the deadlines passing (time
given with ``now=``), and every refusal with its message and nothing changed."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from shop.complaints import opening, services
from shop.complaints.models import (
    AppendOnly,
    Complaint,
    ComplaintStep,
    Reason,
    Remedy,
    Role,
    State,
)
from shop.complaints.services import ComplaintRefused
from shop.outbox.models import OutboxMessage
from tests.complaints.conftest import DELIVERED_AT, HCM, after

pytestmark = pytest.mark.django_db
Kind = ComplaintStep.Kind


def png(name="hu-hong.png", size=(40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG", pnginfo=None)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def open_(world, *, line=None, user=None, now=None, **overrides):
    values = dict(
        line=line or world.honey_line,
        user=user if user is not None else world.mai,
        reason=Reason.DAMAGED,
        description="Hũ mật ong bị vỡ nắp, mật chảy ra ngoài hộp.",
        wish=Remedy.REFUND,
        quantity=1,
        photos=[],
        now=now or after(days=1),
    )
    values.update(overrides)
    return opening.complaint_open(**values)


def refused(message_part, call, *args, **kwargs):
    before = (Complaint.objects.count(), ComplaintStep.objects.count())
    with pytest.raises(ComplaintRefused) as error:
        call(*args, **kwargs)
    assert message_part in str(error.value)
    assert (Complaint.objects.count(), ComplaintStep.objects.count()) == before
    return error


def tasks_queued(name):
    return OutboxMessage.objects.filter(task=name)


# --------------------------------------------------------------------------- opening


def test_the_buyer_opens_a_complaint_on_a_delivered_line(world):
    now = after(days=2)
    complaint = open_(world, now=now)
    assert complaint.state == State.OPEN
    assert complaint.reference == f"KN-2026-{complaint.pk:06d}"
    assert complaint.partner == world.honey_maker and complaint.shipment == world.honey
    assert complaint.answer_due_at == now + timedelta(hours=48)
    assert complaint.user == world.mai and complaint.lot is None
    (step,) = complaint.steps.all()
    assert (step.kind, step.role, step.actor, step.remedy) == (
        Kind.OPENED,
        Role.BUYER,
        world.mai,
        Remedy.REFUND,
    )
    assert tasks_queued("complaints.send_step_email").filter(kwargs={"step_id": step.pk}).exists()


def test_the_window_closes_seven_days_after_delivery(world):
    assert open_(world, now=after(days=7)).state == State.OPEN  # the last moment
    Complaint.objects.all().update(state=State.WITHDRAWN)
    refused("within 7 days", open_, world, now=after(days=7, hours=0.01))


@override_settings(COMPLAINT_WINDOW_DAYS=2)
def test_the_window_is_a_setting(world):
    refused("within 2 days", open_, world, now=after(days=3))


def test_someone_else_cannot_complain_about_the_line(world):
    refused("not yours", open_, world, user=world.tea_user)
    from django.contrib.auth.models import AnonymousUser

    refused("not yours", open_, world, user=AnonymousUser())


def test_a_guest_complains_with_the_orders_signed_link_only(world):
    from django.contrib.auth.models import AnonymousUser

    type(world.order).objects.filter(pk=world.order.pk).update(user=None)
    world.order.refresh_from_db()
    refused("not yours", open_, world, user=AnonymousUser(), order_hash="1:forged")
    complaint = open_(world, user=AnonymousUser(), order_hash=world.order.verification_hash())
    assert complaint.user is None


def test_a_shipped_parcel_may_be_complained_about_once_late(world):
    # Expected on 22 November: late from the start of the 23rd (Việt Nam time).
    on_time = DELIVERED_AT.replace(day=22, hour=23, minute=59)
    refused("has not begun", open_, world, line=world.tea_line, now=on_time)
    late = DELIVERED_AT.replace(day=23, hour=0, minute=1)
    complaint = open_(world, line=world.tea_line, now=late, reason=Reason.LATE, quantity=2)
    assert complaint.partner == world.tea_maker and complaint.quantity == 2
    window_end = DELIVERED_AT.replace(day=30, hour=0, minute=0)
    assert opening.window_of(world.tea, now=late) == window_end.astimezone(HCM)


def test_a_parcel_not_yet_delivered_nor_late_cannot_be_complained_about(world):
    from shop.fulfilment.models import Shipment

    Shipment.objects.filter(pk=world.tea.pk).update(expected_delivery=None)
    refused("once the parcel is delivered", open_, world, line=world.tea_line)


def test_one_open_complaint_per_line(world):
    first = open_(world)
    refused("already open", open_, world, now=after(days=1, hours=1))
    services.complaint_withdraw(complaint=first, user=world.mai, now=after(days=1, hours=2))
    assert open_(world, now=after(days=1, hours=3)).state == State.OPEN


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"quantity": 2}, "between 1 and 1"),
        ({"quantity": 0}, "between 1 and 1"),
        ({"quantity": "x"}, "between 1 and 1"),
        ({"reason": "bored"}, "from the list"),
        ({"wish": Remedy.NONE}, "a refund, a replacement or a return"),
        ({"wish": Remedy.OTHER}, "a refund, a replacement or a return"),
        ({"description": "   "}, "what happened"),
        ({"description": "x" * 2001}, "2000 characters"),
        ({"bank_bin": "123456", "account_number": "0123456789", "account_holder": "Mai"}, "bank"),
        ({"bank_bin": "970436", "account_number": "12 ab", "account_holder": "Mai"}, "6 to 19"),
        ({"bank_bin": "970436", "account_number": "0123456789", "account_holder": " "}, "holder"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(world, overrides, message):
    refused(message, open_, world, **overrides)


def test_photos_are_checked_reencoded_and_kept_private(world):
    fake = SimpleUploadedFile("anh.png", b"<html><script>alert(1)</script></html>", "image/png")
    refused("is not a JPEG, PNG or WebP image", open_, world, photos=[fake])
    refused("at most 3 photos", open_, world, photos=[png(), png(), png(), png()])
    complaint = open_(world, photos=[png(), png("b.png")])
    photos = list(complaint.photos.all())
    assert [p.position for p in photos] == [0, 1]
    assert photos[0].content_type == "image/png"
    assert photos[0].file.name.startswith("complaints/")
    with pytest.raises(ValueError):  # private: no public URL, only through the pages' checks
        photos[0].file.storage.url(photos[0].file.name)


def test_a_payout_account_given_on_the_form_is_kept_cleaned(world):
    complaint = open_(
        world,
        bank_bin="970436",
        account_number="0123 4567 89",
        account_holder="nguyễn thị  mai",
    )
    assert (
        complaint.payout_bank_bin,
        complaint.payout_account_number,
        complaint.payout_account_holder,
    ) == ("970436", "0123456789", "NGUYỄN THỊ MAI")
    assert services.payout_needed(world.order)  # cash on delivery: no gateway refund


def test_a_doubt_about_origin_tells_the_inspectors(world):
    complaint = open_(world, reason=Reason.ORIGIN, wish=Remedy.RETURN)
    kinds = list(complaint.steps.values_list("kind", flat=True))
    assert kinds == [Kind.OPENED, Kind.INSPECTORS]
    step = complaint.steps.get(kind=Kind.INSPECTORS)
    assert (
        tasks_queued("complaints.send_inspectors_email")
        .filter(kwargs={"step_id": step.pk})
        .exists()
    )
    # The inspectors' step is theirs: the parties are not e-mailed about it.
    assert (
        not tasks_queued("complaints.send_step_email").filter(kwargs={"step_id": step.pk}).exists()
    )


# --------------------------------------------------------------------------- the producer


def answer(world, complaint, *, user=None, partner=None, now=None, **kw):
    return services.complaint_answer(
        complaint=complaint,
        user=user or world.honey_user,
        partner=partner or world.honey_maker,
        now=now or after(days=1, hours=5),
        **kw,
    )


def test_the_producer_accepts_the_buyers_wish_and_the_refund_is_queued(world):
    complaint = open_(world)
    complaint = answer(world, complaint, kind="accept", text="Xin lỗi chị, shop hoàn tiền ạ.")
    assert complaint.state == State.EXECUTING
    assert (complaint.remedy, complaint.remedy_amount) == (Remedy.REFUND, Decimal("350000"))
    assert complaint.decided_by_role == Role.PRODUCER and complaint.resolved_in_time is True
    assert complaint.steps.filter(kind=Kind.ACCEPTED, role=Role.PRODUCER).exists()
    assert (
        tasks_queued("complaints.remedy_execute")
        .filter(kwargs={"complaint_id": complaint.pk})
        .exists()
    )


def test_accepting_a_replacement_carries_no_amount(world):
    complaint = answer(world, open_(world, wish=Remedy.REPLACE), kind="accept")
    assert (complaint.state, complaint.remedy, complaint.remedy_amount) == (
        State.EXECUTING,
        Remedy.REPLACE,
        None,
    )


def test_the_producer_proposes_something_else(world):
    now = after(days=1, hours=5)
    complaint = answer(
        world, open_(world), kind="propose", remedy=Remedy.REFUND, amount=100000, now=now
    )
    assert complaint.state == State.ANSWERED
    assert (complaint.remedy, complaint.remedy_amount) == (Remedy.REFUND, Decimal(100000))
    assert complaint.buyer_due_at == now + timedelta(days=7)
    assert complaint.answered_at == now


def test_the_producer_rejects_with_a_reason(world):
    complaint = answer(world, open_(world), kind="reject", text="Ảnh cho thấy hũ còn nguyên.")
    assert (complaint.state, complaint.remedy) == (State.ANSWERED, Remedy.NONE)
    assert complaint.steps.filter(kind=Kind.REJECTED).exists()


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"kind": "reject", "text": ""}, "reason you reject"),
        ({"kind": "propose", "remedy": Remedy.REFUND, "amount": None}, "how much"),
        ({"kind": "propose", "remedy": Remedy.REFUND, "amount": 350001}, "at most"),
        ({"kind": "propose", "remedy": Remedy.REFUND, "amount": 0}, "more than 0"),
        ({"kind": "propose", "remedy": Remedy.REFUND, "amount": "10.5"}, "whole number"),
        ({"kind": "propose", "remedy": Remedy.OTHER, "text": ""}, "what you propose"),
        ({"kind": "propose", "remedy": Remedy.NONE}, "what you propose"),
        ({"kind": "shrug"}, "Choose to accept"),
    ],
)
def test_bad_answers_are_refused(world, kw, message):
    complaint = open_(world)
    refused(message, answer, world, complaint, **kw)
    complaint.refresh_from_db()
    assert complaint.state == State.OPEN and complaint.answered_at is None


def test_the_wrong_producer_cannot_answer(world):
    complaint = open_(world)
    refused(
        "another producer",
        answer,
        world,
        complaint,
        kind="accept",
        user=world.tea_user,
        partner=world.tea_maker,
    )
    # Naming the right producer does not help a user who does not work for it.
    refused("another producer", answer, world, complaint, kind="accept", user=world.tea_user)
    refused("another producer", answer, world, complaint, kind="accept", user=world.mai)


def test_the_producer_answers_once(world):
    complaint = answer(world, open_(world), kind="reject", text="Không đúng.")
    refused("can no longer be answered", answer, world, complaint, kind="accept")


def test_no_answer_after_the_deadline_or_after_escalation(world):
    complaint = open_(world, now=after(days=1))
    refused(
        "time to answer is over",
        answer,
        world,
        complaint,
        kind="accept",
        now=after(days=3, minutes=1) if False else after(days=3, hours=0.02),
    )
    services.complaints_deadlines(now=after(days=3, hours=0.02))
    complaint.refresh_from_db()
    assert complaint.state == State.ESCALATED
    refused("can no longer be answered", answer, world, complaint, kind="accept", now=after(days=2))


# --------------------------------------------------------------------------- the buyer's reply


def test_the_buyer_accepts_a_proposal_and_it_is_carried_out(world):
    complaint = answer(world, open_(world), kind="propose", remedy=Remedy.RETURN, amount=300000)
    complaint = services.complaint_buyer_accept(
        complaint=complaint, user=world.mai, now=after(days=2)
    )
    assert complaint.state == State.EXECUTING
    assert (complaint.remedy, complaint.remedy_amount) == (Remedy.RETURN, Decimal(300000))
    assert complaint.decided_by_role == Role.BUYER
    assert complaint.steps.filter(kind=Kind.BUYER_ACCEPTED, role=Role.BUYER).exists()


def test_the_buyer_accepts_a_proposal_in_words_and_the_case_closes(world):
    complaint = answer(
        world, open_(world), kind="propose", remedy=Remedy.OTHER, text="Tặng chị một hũ nhỏ."
    )
    complaint = services.complaint_buyer_accept(
        complaint=complaint, user=world.mai, now=after(days=2)
    )
    assert complaint.state == State.RESOLVED and complaint.remedy == Remedy.OTHER


def test_the_buyer_accepts_a_rejection_and_the_case_closes(world):
    complaint = answer(world, open_(world), kind="reject", text="Không đúng.")
    complaint = services.complaint_buyer_accept(
        complaint=complaint, user=world.mai, now=after(days=2)
    )
    assert (complaint.state, complaint.remedy) == (State.RESOLVED, Remedy.NONE)
    assert list(complaint.steps.values_list("kind", flat=True)) == [
        Kind.OPENED,
        Kind.REJECTED,
        Kind.BUYER_ACCEPTED,
        Kind.RESOLVED,
    ]


def test_the_buyer_escalates_an_answer(world):
    complaint = answer(world, open_(world), kind="reject", text="Không đúng.")
    complaint = services.complaint_escalate(
        complaint=complaint, user=world.mai, text="Tôi có ảnh.", now=after(days=2)
    )
    assert complaint.state == State.ESCALATED and not complaint.escalated_automatically
    assert complaint.escalated_at == after(days=2)


def test_the_buyers_replies_are_refused_when_they_do_not_fit(world):
    complaint = open_(world)
    refused(
        "no answer from the producer",
        services.complaint_buyer_accept,
        complaint=complaint,
        user=world.mai,
    )
    refused("Only an answer", services.complaint_escalate, complaint=complaint, user=world.mai)
    complaint = answer(world, complaint, kind="reject", text="Không đúng.")
    refused("not yours", services.complaint_buyer_accept, complaint=complaint, user=world.tea_user)
    refused("not yours", services.complaint_escalate, complaint=complaint, user=world.honey_user)
    refused("not yours", services.complaint_withdraw, complaint=complaint, user=world.operator)
    refused(
        "time to reply is over",
        services.complaint_escalate,
        complaint=complaint,
        user=world.mai,
        now=complaint.buyer_due_at + timedelta(minutes=1),
    )


def test_the_buyer_withdraws_until_the_outcome_is_carried_out(world):
    complaint = services.complaint_withdraw(
        complaint=open_(world), user=world.mai, now=after(days=2)
    )
    assert complaint.state == State.WITHDRAWN
    executing = answer(
        world, open_(world, now=after(days=3)), kind="accept", now=after(days=3, hours=1)
    )
    refused(
        "can no longer be withdrawn",
        services.complaint_withdraw,
        complaint=executing,
        user=world.mai,
    )


# --------------------------------------------------------------------------- operators


def decide(world, complaint, **kw):
    values = {
        "actor": world.operator,
        "remedy": Remedy.REFUND,
        "amount": 350000,
        "reason": "Ảnh cho thấy hũ vỡ khi nhận.",
        "now": after(days=4),
    }
    values.update(kw)
    return services.complaint_operator_decide(complaint=complaint, **values)


def test_operators_decide_an_escalated_complaint_with_a_reason(world):
    complaint = open_(world)
    services.complaints_deadlines(now=after(days=3, hours=1))
    complaint.refresh_from_db()
    complaint = decide(world, complaint)
    assert complaint.state == State.EXECUTING
    assert (complaint.decided_by_role, complaint.remedy_note) == (
        Role.OPERATOR,
        "Ảnh cho thấy hũ vỡ khi nhận.",
    )
    step = complaint.steps.get(kind=Kind.DECIDED)
    assert (step.role, step.actor, step.amount) == (Role.OPERATOR, world.operator, Decimal(350000))


def test_operators_may_decide_nothing_is_owed(world):
    complaint = decide(world, open_(world), remedy=Remedy.NONE, amount=None)
    assert complaint.state == State.RESOLVED and complaint.remedy_amount is None


def test_an_operator_decision_needs_a_reason_an_operator_and_an_open_case(world):
    complaint = open_(world)
    refused("reason for the decision", decide, world, complaint, reason="  ")
    refused("Only the floor's operators", decide, world, complaint, actor=world.honey_user)
    refused("Choose the decision", decide, world, complaint, remedy="")
    refused("how much", decide, world, complaint, amount=None)
    decide(world, complaint)
    refused("already settled", decide, world, complaint)


# --------------------------------------------------------------------------- deadlines


def test_an_unanswered_complaint_escalates_automatically_once(world):
    complaint = open_(world, now=after(days=1))
    due = complaint.answer_due_at
    assert services.complaints_deadlines(now=due) == {"escalated": 0, "stood": 0}
    assert services.complaints_deadlines(now=due + timedelta(seconds=1))["escalated"] == 1
    complaint.refresh_from_db()
    assert complaint.state == State.ESCALATED and complaint.escalated_automatically
    step = complaint.steps.get(kind=Kind.DEADLINE_MISSED)
    assert step.role == Role.SYSTEM and "48" in step.text
    assert services.complaints_deadlines(now=due + timedelta(hours=1))["escalated"] == 0
    assert complaint.steps.filter(kind=Kind.DEADLINE_MISSED).count() == 1


def test_a_proposal_the_buyer_leaves_unanswered_stands(world):
    complaint = answer(world, open_(world), kind="propose", remedy=Remedy.REFUND, amount=200000)
    due = complaint.buyer_due_at
    assert services.complaints_deadlines(now=due)["stood"] == 0
    assert services.complaints_deadlines(now=due + timedelta(seconds=1))["stood"] == 1
    complaint.refresh_from_db()
    assert complaint.state == State.EXECUTING and complaint.decided_by_role == Role.SYSTEM
    assert complaint.remedy_amount == Decimal(200000)
    # Settled more than COMPLAINT_RESOLVE_DAYS after opening: not in time.
    assert complaint.resolved_in_time is False


def test_a_rejection_the_buyer_leaves_unanswered_closes_the_case(world):
    complaint = answer(world, open_(world), kind="reject", text="Không đúng.")
    services.complaints_deadlines(now=complaint.buyer_due_at + timedelta(minutes=1))
    complaint.refresh_from_db()
    assert (complaint.state, complaint.remedy) == (State.RESOLVED, Remedy.NONE)
    assert complaint.resolved_at is not None


# --------------------------------------------------------------------------- the history


def test_steps_are_append_only(world):
    step = open_(world).steps.get()
    step.text = "đã sửa"
    with pytest.raises(AppendOnly):
        step.save()
    with pytest.raises(AppendOnly):
        step.delete()
    step.refresh_from_db()
    assert step.text != "đã sửa"


def test_the_buyer_gives_a_payout_account_later(world):
    complaint = answer(world, open_(world), kind="accept")
    refused(
        "6 to 19",
        services.complaint_payout_account_give,
        complaint=complaint,
        user=world.mai,
        bank_bin="970436",
        account_number="12",
        holder="Mai",
    )
    refused(
        "not yours",
        services.complaint_payout_account_give,
        complaint=complaint,
        user=world.tea_user,
        bank_bin="970436",
        account_number="0123456789",
        holder="Mai",
    )
    complaint = services.complaint_payout_account_give(
        complaint=complaint,
        user=world.mai,
        bank_bin="970436",
        account_number="0123456789",
        holder="Nguyen Thi Mai",
    )
    assert complaint.payout_account_number == "0123456789"
    step = complaint.steps.get(kind=Kind.PAYOUT_ACCOUNT)
    assert "0123456789" not in step.text and step.text.endswith("6789")


def test_a_doubt_about_origin_names_the_lot_the_line_came_from(world):
    from django.utils import timezone

    from tests.onboarding.conftest import pdf
    from traceability import services as trace
    from traceability.models import LotShipment

    lot = trace.lot_create(
        product=world.honey_line.product,
        code="MO-2026-007",
        production_date=timezone.localdate(),
        quantity=Decimal("20"),
        unit="KGM",
        actor=world.honey_user,
        attachments=[pdf("kiem-nghiem.pdf")],
    )
    LotShipment.objects.create(order_line=world.honey_line, lot=lot, quantity=1)
    complaint = open_(world, reason=Reason.ORIGIN, wish=Remedy.RETURN)
    assert complaint.lot == lot
    assert "MO-2026-007" in complaint.steps.get(kind=Kind.INSPECTORS).text
    # Other reasons do not involve the lot.
    services.complaint_withdraw(complaint=complaint, user=world.mai, now=after(days=1, hours=1))
    assert open_(world, now=after(days=1, hours=2)).lot is None


def test_the_periodic_task_applies_the_deadlines_now(world):
    from django.utils import timezone

    from shop.complaints import tasks

    complaint = open_(world)  # opened on 21 November 2026: its 48 hours are over
    assert complaint.answer_due_at < timezone.now()
    assert tasks.deadlines() == {"escalated": 1, "stood": 0}
    complaint.refresh_from_db()
    assert complaint.state == State.ESCALATED
