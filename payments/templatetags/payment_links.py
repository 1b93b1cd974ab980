from django import template

from payments import selectors

register = template.Library()


@register.simple_tag
def order_payment_url(order) -> str:
    """A fresh link to the order's payment page (for a page only the order's buyer sees)."""
    return selectors.order_payment_url(order)
