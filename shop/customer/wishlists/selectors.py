"""Reads of favourites: which products a buyer keeps (for every heart on a page at once: part
of the visitor's state, shop/personal, which keeps it in the cache), and the products of
their list page."""

from django.db.models import Max, Q, QuerySet
from oscar.core.loading import get_model

from shop.catalogue import selectors as catalogue

Line = get_model("wishlists", "Line")


def wishlisted_product_ids(*, user) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        Line.objects.filter(wishlist__owner=user, product__isnull=False).values_list(
            "product_id", flat=True
        )
    )


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
