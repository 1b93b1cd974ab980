"""The seller's information a producer's public page discloses (``selectors.seller_disclosure``)."""

from django import template

from shop.producers.selectors import seller_disclosure

register = template.Library()


@register.inclusion_tag("producers/partials/seller_disclosure.html")
def seller_information(producer) -> dict:
    return {"rows": seller_disclosure(producer=producer)}
