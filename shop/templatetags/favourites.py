"""Hearts and follow buttons know the signed-in buyer's favourites and follows from one query
per page each, however many cards the page shows (remembered on the request). Anonymous
visitors cost nothing and all see the same button (their pages are cached)."""

from django import template

from shop.customer.wishlists.selectors import wishlisted_product_ids
from shop.partner.selectors import followed_partner_ids

register = template.Library()


def _remembered(request, name: str, load):
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return frozenset()
    if not hasattr(request, name):
        setattr(request, name, load(user=user))
    return getattr(request, name)


@register.simple_tag(takes_context=True)
def in_favourites(context, product) -> bool:
    ids = _remembered(context.get("request"), "_favourite_ids", wishlisted_product_ids)
    return product.pk in ids


@register.simple_tag(takes_context=True)
def follows_producer(context, producer) -> bool:
    ids = _remembered(context.get("request"), "_followed_ids", followed_partner_ids)
    return producer.pk in ids
