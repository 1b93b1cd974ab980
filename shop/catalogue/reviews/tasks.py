"""Reviews' tasks: the hourly invitation to review what was delivered, and the e-mails to a
review's author. Tasks take ids; the services queue the e-mails with
`shop.notifications.notify`."""

from celery import shared_task
from oscar.core.loading import get_model

from shop.catalogue.reviews import selectors, services
from shop.fulfilment.models import Shipment
from shop.links import page_url
from shop.notifications import message_send
from shop.recipients import order_recipient, user_recipient

ProductReview = get_model("reviews", "ProductReview")


@shared_task(name="reviews.invite_due")
def invite_due() -> int:
    """Scheduled hourly (CELERY_BEAT_SCHEDULE["reviews-invite"])."""
    return services.reviews_invite_due()


def review_url(line, *, language: str) -> str:
    """The review form for `line`, in full and in `language`."""
    url = page_url(
        "catalogue:reviews-add",
        language=language,
        product_slug=line.product.slug,
        product_pk=line.product_id,
    )
    return f"{url}?line={line.pk}"


@shared_task(name="reviews.send_invitation")
def send_invitation(*, shipment_id: int) -> None:
    """The buyer is asked to review what this shipment brought (its lines still unreviewed
    when the e-mail leaves; nothing is sent when none is left)."""
    shipment = Shipment.objects.select_related("order__user", "partner").get(pk=shipment_id)
    lines = selectors.shipment_lines_to_review(shipment=shipment)
    order = shipment.order
    if not lines or order.user is None or not order.user.is_active:
        return
    recipient = order_recipient(order)
    message_send(
        recipient=recipient,
        template="reviews/invitation",
        context={
            "order": order,
            "shipment": shipment,
            "lines": [
                {"line": line, "url": review_url(line, language=recipient.language)}
                for line in lines
            ],
        },
    )


@shared_task(name="reviews.send_hidden_email")
def send_hidden_email(*, review_id: int) -> None:
    """The author learns that operators hid their review, and why."""
    review = ProductReview.objects.select_related("user", "product").get(pk=review_id)
    if review.user is None or review.status != ProductReview.REJECTED:
        return  # shown again before the e-mail left
    message_send(
        recipient=user_recipient(review.user),
        template="reviews/hidden",
        context={"review": review, "product": review.product},
    )


@shared_task(name="reviews.send_answer_email")
def send_answer_email(*, review_id: int) -> None:
    """The author reads the producer's answer to their review, with a link to the product."""
    review = ProductReview.objects.select_related("user", "product", "partner").get(pk=review_id)
    if review.user is None or not review.answer:
        return
    recipient = user_recipient(review.user)
    message_send(
        recipient=recipient,
        template="reviews/answered",
        context={
            "review": review,
            "product": review.product,
            "producer": review.partner,
            "product_url": page_url(
                "catalogue:detail",
                language=recipient.language,
                product_slug=review.product.slug,
                pk=review.product_id,
            ),
        },
    )
