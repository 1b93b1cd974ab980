"""Reads of favourites: which products a buyer keeps (for every heart on a page at once), and
the products of their list page.

Which products a buyer keeps is asked on every page they see, so it is kept in the cache
(``favourites_forget`` drops it whenever the list changes, in ``services``): a page costs no
query for its hearts, or one when the cache has lost it."""

import logging

from django.core.cache import cache
from django.db.models import Max, Q, QuerySet
from oscar.core.loading import get_model

from shop.catalogue import selectors as catalogue

Line = get_model("wishlists", "Line")
logger = logging.getLogger(__name__)
CACHE_SECONDS = 24 * 60 * 60


def _key(user_id: int) -> str:
    return f"favourites:{user_id}"


def favourites_forget(*, user_id: int) -> None:
    try:
        cache.delete(_key(user_id))
    except Exception:  # a cache outage: the entry expires on its own
        logger.warning("favourites of %s not dropped from the cache", user_id, exc_info=True)


def wishlisted_product_ids(*, user) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    try:
        cached = cache.get(_key(user.pk))
    except Exception:
        logger.warning("cache unavailable for favourites", exc_info=True)
        cached = None
    if cached is not None:
        return frozenset(cached)
    ids = frozenset(
        Line.objects.filter(wishlist__owner=user, product__isnull=False).values_list(
            "product_id", flat=True
        )
    )
    try:
        cache.set(_key(user.pk), sorted(ids), CACHE_SECONDS)
    except Exception:
        logger.warning("cache unavailable for favourites", exc_info=True)
    return ids


def wishlist_products(*, user) -> QuerySet:
    """The buyer's favourites buyers can still buy, as product cards, last added first."""
    return (
        catalogue.product_cards()
        .filter(Q(producer__isnull=True) | Q(producer__is_public=True))
        .filter(wishlists_lines__wishlist__owner=user)
        .annotate(added=Max("wishlists_lines__pk"))
        .order_by("-added")
    )


def wishlist_gone(*, user) -> QuerySet:
    """Favourites no longer on sale (hidden or withdrawn): kept by title so the buyer knows."""
    return (
        Line.objects.filter(wishlist__owner=user)
        .filter(
            Q(product__isnull=True)
            | Q(product__is_public=False)
            | Q(product__parent__isnull=False)
            | Q(product__producer__is_public=False)
        )
        .select_related("product")
        .order_by("-pk")
    )
