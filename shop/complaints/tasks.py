"""Complaints' tasks: carrying a decided remedy out, deadlines, e-mails. Tasks take ids."""

from celery import shared_task


@shared_task(name="complaints.remedy_execute")
def remedy_execute(*, complaint_id: int) -> str:
    """Carry the complaint's decided remedy out (`shop.complaints.remedies.remedy_execute`)."""
    from shop.complaints import remedies

    return remedies.remedy_execute(complaint_id=complaint_id)


# --------------------------------------------------------------------------- the conversation


@shared_task(name="complaints.deadlines")
def deadlines() -> dict:
    """Deadlines that passed (every 10 minutes: CELERY_BEAT_SCHEDULE)."""
    from shop.complaints.services import complaints_deadlines

    return complaints_deadlines()


@shared_task(name="complaints.send_step_email")
def send_step_email(*, step_id: int) -> int:
    """One step of a complaint, told to its parties, each in their language: the buyer, the
    producer, and the operators when the case comes to them. Returns how many were written."""
    from django.contrib.auth import get_user_model

    from shop.complaints.models import ComplaintStep, Role, State
    from shop.links import page_url
    from shop.notifications import message_send
    from shop.recipients import (
        Recipient,
        known_language,
        order_recipient,
        producer_addresses,
        producer_recipient,
        user_recipient,
    )

    step = ComplaintStep.objects.select_related(
        "complaint__order", "complaint__line", "complaint__partner", "actor"
    ).get(pk=step_id)
    complaint = step.complaint
    Kind = ComplaintStep.Kind
    context = {"complaint": complaint, "step": step, "line": complaint.line}
    sent = 0

    buyer = order_recipient(complaint.order)
    if buyer.email:
        message_send(
            recipient=buyer,
            template="complaints/step_buyer",
            context={**context, "complaint_url": buyer_url(complaint, language=buyer.language)},
        )
        sent += 1

    producer = producer_recipient(complaint.partner)
    addresses = producer_addresses(complaint.partner)
    if addresses:
        message_send(
            recipient=producer,
            to=addresses,
            template="complaints/step_producer",
            context={
                **context,
                "complaint_url": page_url(
                    "producer-complaints:detail", language=producer.language, pk=complaint.pk
                ),
            },
        )
        sent += 1

    to_operators = step.kind in (Kind.ESCALATED, Kind.DEADLINE_MISSED) or (
        complaint.state == State.ESCALATED and step.role != Role.OPERATOR
    )
    if to_operators:
        operators = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
        for operator in operators.select_related("profile").order_by("pk"):
            recipient = user_recipient(operator)
            message_send(
                recipient=Recipient(
                    email=recipient.email, language=known_language(recipient.language)
                ),
                template="complaints/step_operator",
                context={
                    **context,
                    "complaint_url": page_url(
                        "complaints-dashboard:detail", language=recipient.language, pk=complaint.pk
                    ),
                },
            )
            sent += 1
    return sent


@shared_task(name="complaints.send_inspectors_email")
def send_inspectors_email(*, step_id: int) -> int:
    """A doubt about origin: each active inspector hears of the complaint and its lot."""
    from django.contrib.auth import get_user_model

    from shop.complaints.models import ComplaintStep
    from shop.links import page_url
    from shop.notifications import message_send
    from shop.recipients import user_recipient
    from shop.roles import INSPECTORS_GROUP

    step = ComplaintStep.objects.select_related(
        "complaint__lot", "complaint__line", "complaint__partner"
    ).get(pk=step_id)
    complaint = step.complaint
    inspectors = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=INSPECTORS_GROUP)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    count = 0
    for inspector in inspectors:
        recipient = user_recipient(inspector)
        lot_url = (
            page_url("traceability:inspect", language=recipient.language, pk=complaint.lot_id)
            if complaint.lot_id
            else ""
        )
        message_send(
            recipient=recipient,
            template="complaints/inspectors",
            context={
                "complaint": complaint,
                "step": step,
                "lot": complaint.lot,
                "lot_url": lot_url,
            },
        )
        count += 1
    return count


def buyer_url(complaint, *, language: str) -> str:
    """The buyer's page of the complaint; a guest's order page (its signed link), where
    Oscar asks for the order's e-mail address first and the complaint is linked."""
    from shop.links import page_url

    if complaint.order.user_id:
        return page_url("complaints:detail", language=language, reference=complaint.reference)
    return page_url(
        "customer:anon-order",
        language=language,
        order_number=complaint.order.number,
        hash=complaint.order.verification_hash(),
    )


@shared_task(name="complaints.track_parcels")
def track_parcels() -> dict:
    """Ask the carriers where the complaints' return and replacement parcels are."""
    from shop.complaints import parcels

    return parcels.parcels_track()
