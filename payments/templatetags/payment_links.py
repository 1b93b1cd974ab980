from django import template

from payments import gateways_registry, selectors
from shop.order import statuses

register = template.Library()


@register.simple_tag
def order_payment_url(order) -> str:
    """A fresh link to the order's payment page (for a page only the order's buyer sees)."""
    return selectors.order_payment_url(order)


@register.simple_tag
def cash_to_record(order, user) -> bool:
    """Whether `user` may record the cash of `order`, a cash-on-delivery order not yet paid."""
    return order.status == statuses.CASH_ON_DELIVERY and selectors.cash_collection_allowed(
        order=order, user=user
    )


@register.filter
def method_templates(method: str, part: str) -> list[str]:
    """The templates to include for `part` of payment `method` (see the gateways registry)."""
    return gateways_registry.method_templates(method, part)
