"""Reads of follows and producers' news (each in one query)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Greatest

from shop.partner.models import Follow, FollowDigest, FollowNews


def followed_partner_ids(*, user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Follow.objects.filter(user=user).values_list("partner_id", flat=True))


def follows_of(*, user) -> QuerySet:
    """The public producers `user` follows, most recent first."""
    return Follow.objects.filter(user=user, partner__is_public=True).select_related("partner")


def _last_digest() -> Subquery:
    return Subquery(
        FollowDigest.objects.filter(user=OuterRef("user"))
        .order_by("-sent_at")
        .values("sent_at")[:1]
    )


def _news_of_follows(*, now: datetime) -> QuerySet:
    """Follows annotated with whether their producer has news the follower has not heard of:
    public products' news made after the follow began and after the follower's last digest."""
    news = FollowNews.objects.filter(
        partner=OuterRef("partner"),
        created_at__lte=now,
        created_at__gt=Greatest(OuterRef("created_at"), OuterRef("last_digest")),
        product__is_public=True,
        partner__is_public=True,
    )
    return Follow.objects.annotate(last_digest=_last_digest()).annotate(has_news=Exists(news))


def digest_due_user_ids(*, now: datetime) -> list[int]:
    """Followers with unheard news and no digest in the last FOLLOW_DIGEST_DAYS."""
    since = now - timedelta(days=settings.FOLLOW_DIGEST_DAYS)
    return sorted(
        set(
            _news_of_follows(now=now)
            .filter(Q(last_digest__isnull=True) | Q(last_digest__lte=since), has_news=True)
            .values_list("user_id", flat=True)
        )
    )


def news_for_digest(*, user_id: int, now: datetime) -> QuerySet:
    """The news `user_id` has not heard of yet, from the producers they follow."""
    follows = Follow.objects.filter(user_id=user_id).annotate(last_digest=_last_digest())
    follow = follows.filter(partner=OuterRef("partner"))
    begun = Subquery(follow.values("created_at")[:1])
    last = Subquery(follow.values("last_digest")[:1])
    return (
        FollowNews.objects.filter(
            partner__in=follows.values("partner"),
            created_at__lte=now,
            product__is_public=True,
            partner__is_public=True,
        )
        .alias(begun=begun, last=last)
        .filter(created_at__gt=Greatest("begun", "last"))
        .order_by("created_at", "pk")
    )


def digest_news(*, digest: FollowDigest) -> list[dict]:
    """A digest's news by producer: [{"partner", "items": [news, …]}], a product once (its
    latest news), producers by name."""
    by_partner: dict[int, dict] = {}
    seen: set[int] = set()
    for news in (
        digest.news.filter(product__is_public=True)
        .select_related("partner", "product")
        .order_by("-created_at", "-pk")
    ):
        if news.product_id in seen:
            continue
        seen.add(news.product_id)
        group = by_partner.setdefault(news.partner_id, {"partner": news.partner, "items": []})
        group["items"].append(news)
    return sorted(by_partner.values(), key=lambda group: group["partner"].name)
