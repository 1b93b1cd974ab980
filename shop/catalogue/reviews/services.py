"""Reviews: the only way in, and the figures they feed (a product's and a producer's rating)."""

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop import pagecache, roles
from shop.catalogue.reviews.models import MAX_PHOTOS
from shop.fulfilment.models import Shipment
from shop.notifications import notify
from shop.outbox.models import OutboxMessage
from shop.recipients import known_language
from shop.uploads.files import PRODUCT_IMAGE, upload_clean

ProductReview = get_model("reviews", "ProductReview")
ReviewPhoto = get_model("reviews", "ReviewPhoto")
Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")
Line = get_model("order", "Line")


def ratings_refresh(*, product_id: int | None, partner_id: int | None) -> None:
    """Recompute the average score and count of the approved reviews of a product and of its
    producer, in the caller's transaction (after a review is created, hidden or shown again).
    Cached pages show the new figures (and the review) from then on."""
    approved = ProductReview.objects.filter(status=ProductReview.APPROVED)
    if product_id is not None:
        figures = approved.filter(product_id=product_id).aggregate(
            rating=Avg("score"), count=Count("pk")
        )
        Product.objects.filter(pk=product_id).update(
            rating=figures["rating"], reviews_count=figures["count"]
        )
    if partner_id is not None:
        figures = approved.filter(partner_id=partner_id).aggregate(
            rating=Avg("score"), count=Count("pk")
        )
        Partner.objects.filter(pk=partner_id).update(
            rating=figures["rating"], reviews_count=figures["count"]
        )
    pagecache.bump_generation_now_and_on_commit()


# --------------------------------------------------------------------------- writes

TITLE_MAX = 120
BODY_MAX = 3000
ANSWER_MAX = 2000
REASON_MAX = 255
PHOTO_POLICY = PRODUCT_IMAGE  # JPEG, PNG or WebP, checked by content and re-encoded


class ReviewRefused(ValidationError):
    """A review, an answer or a moderation that the rules do not allow; its message says why,
    in words the person can act on."""


def review_create(
    *,
    line,
    user,
    score: int,
    title: str = "",
    body: str,
    photos: Iterable = (),
    language: str | None = None,
) -> ProductReview:
    """`user`'s review of the product of `line`: only a line of their own order, whose
    shipment was delivered, once per line; 1 to 5 stars, plain text, up to three photos
    (checked by content and re-encoded). Approved at once unless OSCAR_MODERATE_REVIEWS."""
    if not _signed_in(user):
        raise ReviewRefused(_("Sign in to review what you bought."), code="anonymous")
    score = _score(score)
    title = plain_text(title, limit=TITLE_MAX, label=_("The title"))
    body = plain_text(body, limit=BODY_MAX, label=_("Your review"))
    if not body:
        raise ReviewRefused(_("Write a few words about the product."), code="empty")
    photos = [f for f in photos if f]
    if len(photos) > MAX_PHOTOS:
        raise ReviewRefused(
            _("Add at most %(limit)d photos.") % {"limit": MAX_PHOTOS}, code="too_many_photos"
        )
    uploads = [upload_clean(photo, policy=PHOTO_POLICY) for photo in photos]
    with transaction.atomic():
        line = Line.objects.select_for_update().select_related("order").filter(pk=line.pk).first()
        if line is None or line.order.user_id != user.pk:
            raise ReviewRefused(
                _("You can only review what you bought yourself."), code="not_your_line"
            )
        delivered = Shipment.objects.filter(
            order_id=line.order_id, partner_id=line.partner_id, status=Shipment.Status.DELIVERED
        ).exists()
        if not delivered:
            raise ReviewRefused(
                _("You can review this product once it has been delivered to you."),
                code="not_delivered",
            )
        if line.product_id is None:
            raise ReviewRefused(_("This product is no longer sold."), code="no_product")
        if ProductReview.objects.filter(line_id=line.pk).exists():
            raise ReviewRefused(
                _("You have already reviewed this purchase."), code="already_reviewed"
            )
        review = ProductReview.objects.create(
            line=line,
            product_id=line.product_id,
            partner_id=line.partner_id,
            user=user,
            score=score,
            title=title,
            body=body,
            purchased_at=line.order.date_placed,
            language=known_language(language or translation.get_language()),
            status=(
                ProductReview.FOR_MODERATION
                if settings.OSCAR_MODERATE_REVIEWS
                else ProductReview.APPROVED
            ),
        )
        for position, upload in enumerate(uploads):
            ReviewPhoto.objects.create(review=review, image=upload.file, position=position)
        ratings_refresh(product_id=line.product_id, partner_id=line.partner_id)
    return review


def review_answer(*, review, partner, user, text: str) -> ProductReview:
    """The producer's one public answer to a review of its own product (its users, or an
    operator acting for it); the review's author is e-mailed it."""
    if partner is None or not (roles.is_operator(user) or roles.producer_of(user) == partner):
        raise ReviewRefused(
            _("Only the producer of this product can answer its reviews."), code="not_producer"
        )
    text = plain_text(text, limit=ANSWER_MAX, label=_("Your answer"))
    if not text:
        raise ReviewRefused(_("Write your answer."), code="empty")
    with transaction.atomic():
        review = ProductReview.objects.select_for_update().get(pk=review.pk)
        if review.partner_id != partner.pk:
            raise ReviewRefused(
                _("Only the producer of this product can answer its reviews."),
                code="not_producer",
            )
        if review.answered_at is not None:
            raise ReviewRefused(_("This review has already been answered."), code="answered")
        if review.status == ProductReview.REJECTED:
            raise ReviewRefused(
                _("This review was hidden by the floor's operators."), code="hidden"
            )
        review.answer, review.answered_at, review.answered_by = text, timezone.now(), user
        review.save(update_fields=["answer", "answered_at", "answered_by"])
        ratings_refresh(product_id=review.product_id, partner_id=review.partner_id)
        if review.user_id:
            from shop.catalogue.reviews import tasks  # tasks import this module

            notify(tasks.send_answer_email, key=f"review-answer:{review.pk}", review_id=review.pk)
    return review


def review_hide(*, review, actor, reason: str) -> ProductReview:
    """An operator hides a review (it no longer counts nor shows); its author is e-mailed the
    reason."""
    _operator_only(actor)
    reason = plain_text(reason, limit=REASON_MAX, label=_("The reason"))
    if not reason:
        raise ReviewRefused(_("Say why the review is hidden."), code="no_reason")
    with transaction.atomic():
        review = ProductReview.objects.select_for_update().get(pk=review.pk)
        if review.status == ProductReview.REJECTED:
            raise ReviewRefused(_("This review is already hidden."), code="hidden")
        review.status = ProductReview.REJECTED
        review.hidden_reason, review.hidden_at, review.hidden_by = reason, timezone.now(), actor
        review.save(update_fields=["status", "hidden_reason", "hidden_at", "hidden_by"])
        ratings_refresh(product_id=review.product_id, partner_id=review.partner_id)
        if review.user_id:
            from shop.catalogue.reviews import tasks  # tasks import this module

            notify(tasks.send_hidden_email, review_id=review.pk)
    return review


def review_show(*, review, actor) -> ProductReview:
    """An operator shows a hidden review again (it counts again)."""
    _operator_only(actor)
    with transaction.atomic():
        review = ProductReview.objects.select_for_update().get(pk=review.pk)
        if review.status == ProductReview.APPROVED:
            raise ReviewRefused(_("This review is already shown."), code="shown")
        review.status = ProductReview.APPROVED
        review.hidden_reason, review.hidden_at, review.hidden_by = "", None, None
        review.save(update_fields=["status", "hidden_reason", "hidden_at", "hidden_by"])
        ratings_refresh(product_id=review.product_id, partner_id=review.partner_id)
    return review


def reviews_invite_due(*, now: datetime | None = None) -> int:
    """Queue one invitation per shipment delivered REVIEW_INVITE_DAYS to 30 days ago whose
    buyer (an account) has lines left to review; each shipment's invitation goes once (its
    outbox key). Returns how many were queued."""
    from shop.catalogue.reviews import selectors, tasks

    now = now or timezone.now()
    shipment_ids = list(selectors.shipments_to_invite(now=now))
    keys = {pk: invitation_key(pk) for pk in shipment_ids}
    sent = set(OutboxMessage.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    queued = 0
    for pk, key in keys.items():
        if key in sent:
            continue
        with transaction.atomic():
            notify(tasks.send_invitation, key=key, shipment_id=pk)
        queued += 1
    return queued


def invitation_key(shipment_id: int) -> str:
    return f"review-invite:{shipment_id}"


# --------------------------------------------------------------------------- helpers


def plain_text(value, *, limit: int, label) -> str:
    """`value` as the plain text we keep: no control characters (a line break and a tab
    excepted), no spaces at the ends of lines, at most one blank line in a row, stripped, at
    most `limit` characters (longer is refused, not cut)."""
    text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co")
    )
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if len(text) > limit:
        raise ReviewRefused(
            _("%(label)s is %(length)d characters long; at most %(limit)d, please.")
            % {"label": label, "length": len(text), "limit": limit},
            code="too_long",
        )
    return text


_BLANK_LINES = re.compile(r"\n{3,}")


def _score(score) -> int:
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ReviewRefused(_("Choose from 1 to 5 stars."), code="score")
    return value


def _operator_only(actor) -> None:
    if not roles.is_operator(actor):
        raise ReviewRefused(_("Only the floor's operators moderate reviews."), code="not_operator")


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)
