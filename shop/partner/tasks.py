"""Followers' news: the hourly run that queues each follower's digest (at most one per
FOLLOW_DIGEST_DAYS), and the e-mail itself, in the follower's language."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from shop.links import absolute_url, page_url
from shop.notifications import message_send
from shop.partner import selectors, services
from shop.partner.models import FollowDigest
from shop.recipients import user_recipient


@shared_task(name="partner.follow_digests")
def follow_digests() -> int:
    """Scheduled hourly: CELERY_BEAT_SCHEDULE["follows-digest"]."""
    return services.follow_digests_send()


@shared_task(name="partner.send_follow_digest")
def send_follow_digest(*, digest_id: int) -> None:
    """The e-mail of one digest: each producer's news, a link to each product, and a link to
    stop following that producer."""
    digest = FollowDigest.objects.select_related("user").get(pk=digest_id)
    recipient = user_recipient(digest.user)
    groups = selectors.digest_news(digest=digest)
    if not groups:  # every product went private meanwhile
        return
    with translation.override(recipient.language):  # the producers' pages in that language
        for group in groups:
            partner = group["partner"]
            group["url"] = absolute_url(partner.get_absolute_url())
            group["unfollow_url"] = page_url(
                "producers:unfollow",
                language=recipient.language,
                token=services.unfollow_token(user_id=digest.user_id, partner_id=partner.pk),
            )
            for news in group["items"]:
                news.url = absolute_url(news.product.get_absolute_url())
    message_send(
        recipient=recipient,
        template="follows/digest",
        context={
            "groups": groups,
            "days": settings.FOLLOW_DIGEST_DAYS,
            "wishlist_url": page_url("customer:wishlists-list", language=recipient.language),
        },
    )
