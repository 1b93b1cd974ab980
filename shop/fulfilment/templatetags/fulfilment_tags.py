from django import template

from shop.carriers import registry
from shop.fulfilment import aftersale, selectors

register = template.Library()


@register.simple_tag
def order_shipment_groups(order):
    """The order's lines, one group per producer, each with its shipment."""
    return selectors.order_shipment_groups(order=order)


@register.simple_tag
def shipment_timeline(shipment):
    """The parcel's statuses, carrier and code, for templates/fulfilment/_timeline.html."""
    return selectors.shipment_timeline(shipment=shipment)


@register.filter
def buyer_may_cancel(shipment) -> bool:
    """Not packed yet: the buyer may cancel this part (an unpaid order only whole)."""
    return shipment is not None and shipment.status in aftersale.BUYER_CANCELLABLE


@register.filter
def buyer_may_confirm(shipment) -> bool:
    """On its way or delivered, and not confirmed yet: the buyer may say it arrived."""
    return shipment is not None and not shipment.receipt and shipment.status in aftersale.RECEIVABLE


@register.filter
def carrier_name(name: str) -> str:
    """A carrier as people read it ("Viettel Post") from its key in settings.CARRIERS; the
    name a producer typed for an older shipment stays as typed."""
    return registry.label(name) if name else ""
