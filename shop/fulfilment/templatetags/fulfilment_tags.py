from django import template

from shop.fulfilment import selectors

register = template.Library()


@register.simple_tag
def order_shipment_groups(order):
    """The order's lines, one group per producer, each with its shipment."""
    return selectors.order_shipment_groups(order=order)


@register.simple_tag
def shipment_timeline(shipment):
    """The parcel's statuses, carrier and code, for templates/fulfilment/_timeline.html."""
    return selectors.shipment_timeline(shipment=shipment)
