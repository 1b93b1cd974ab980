"""Following producers: a buyer follows or stops following a producer; a producer's news (a new
product, a season opening) is recorded once; each follower gets at most one e-mail of news per
FOLLOW_DIGEST_DAYS (task ``partner.follow_digests``)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.notifications import notify
from shop.partner import selectors
from shop.partner.models import Follow, FollowDigest, FollowNews, Partner

UNFOLLOW_SALT = "shop.partner.unfollow"


def follow_start(*, user, partner: Partner) -> Follow:
    """`user` follows `partner` (a public producer); following twice changes nothing."""
    if not user.is_authenticated:
        raise ValidationError(_("Sign in to follow a producer."))
    if not partner.is_public:
        raise ValidationError(_("This producer is not on the floor."))
    try:
        with transaction.atomic():
            follow, _created = Follow.objects.get_or_create(user=user, partner=partner)
    except IntegrityError:  # the same click twice at once: the other request made it
        follow = Follow.objects.get(user=user, partner=partner)
    return follow


def follow_stop(*, user, partner: Partner) -> bool:
    """`user` no longer follows `partner`; True if they did."""
    deleted, _rows = Follow.objects.filter(user=user, partner=partner).delete()
    return bool(deleted)


def follow_news_record(*, product, kind: str, now: datetime | None = None) -> FollowNews | None:
    """Tell the followers of `product`'s producer, in their next digest. A product is new once
    (a second NEW is ignored); None when there is nobody to tell of it (no producer)."""
    if product.producer_id is None:
        return None
    now = now or timezone.now()
    if kind == FollowNews.Kind.NEW:
        news, _created = FollowNews.objects.get_or_create(
            product=product,
            kind=kind,
            defaults={"partner_id": product.producer_id, "created_at": now},
        )
        return news
    return FollowNews.objects.create(
        partner_id=product.producer_id, product=product, kind=kind, created_at=now
    )


def season_opens(*, was_available: int, available: int, last_moved: datetime | None, now=None):
    """True when a restock opens a season: nothing was left to sell, nothing had moved for
    FOLLOW_SEASON_GAP_DAYS days (no sale, no delivery, no restock), and now there is stock."""
    now = now or timezone.now()
    gap = timedelta(days=settings.FOLLOW_SEASON_GAP_DAYS)
    return (
        was_available <= 0 and available > 0 and last_moved is not None and last_moved <= now - gap
    )


def follow_digests_send(*, now: datetime | None = None) -> int:
    """Queue a digest for each follower with news since their last digest (or since they began
    following), unless they had one in the last FOLLOW_DIGEST_DAYS. Returns how many."""
    now = now or timezone.now()
    sent = 0
    for user_id in selectors.digest_due_user_ids(now=now):
        if _digest_create(user_id=user_id, now=now) is not None:
            sent += 1
    return sent


def _digest_create(*, user_id: int, now: datetime) -> FollowDigest | None:
    User = get_user_model()
    with transaction.atomic():
        # One digest at a time per person, whoever else runs the task.
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or not user.email:
            return None
        if user.follow_digests.filter(
            sent_at__gt=now - timedelta(days=settings.FOLLOW_DIGEST_DAYS)
        ).exists():
            return None
        news = list(selectors.news_for_digest(user_id=user_id, now=now))
        if not news:
            return None
        digest = FollowDigest.objects.create(user=user, sent_at=now)
        digest.news.set(news)
        notify(_tasks().send_follow_digest, digest_id=digest.pk, key=f"follow-digest:{digest.pk}")
        return digest


def _tasks():
    from shop.partner import tasks

    return tasks


def unfollow_token(*, user_id: int, partner_id: int) -> str:
    """The token of a digest's "stop following" link: who stops following whom."""
    return signing.dumps([user_id, partner_id], salt=UNFOLLOW_SALT, compress=True)


def unfollow_token_read(token: str) -> tuple[int, int] | None:
    try:
        user_id, partner_id = signing.loads(token, salt=UNFOLLOW_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(partner_id, int):
        return None
    return user_id, partner_id
