from django import template

from shop.shipping.methods import breakdown_of

register = template.Library()


@register.simple_tag
def shipping_breakdown(method, basket):
    """The per-producer parts of the chosen shipping method, or None."""
    if method is None or basket is None:
        return None
    return breakdown_of(method, basket)
