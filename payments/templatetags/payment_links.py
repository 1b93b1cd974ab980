from django import template

from payments import gateways_registry, selectors

register = template.Library()


@register.simple_tag
def order_payment_url(order) -> str:
    """A fresh link to the order's payment page (for a page only the order's buyer sees)."""
    return selectors.order_payment_url(order)


@register.filter
def method_templates(method: str, part: str) -> list[str]:
    """The templates to include for `part` of payment `method` (see the gateways registry)."""
    return gateways_registry.method_templates(method, part)
