"""Template helpers for the complaints' parcels."""

from django import template

from shop.fulfilment.timeline import tracking_label

register = template.Library()


@register.filter
def parcel_tracking(status: str) -> str:
    """Where a parcel is, in the buyer's words (the same as a shipment's timeline)."""
    return tracking_label(status) if status else ""
