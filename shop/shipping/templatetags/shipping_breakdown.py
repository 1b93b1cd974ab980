from django import template
from django.utils.translation import pgettext_lazy

from shop.shipping.methods import breakdown_of

register = template.Library()

# "thứ Năm 10/12": the weekday as a delivery promise reads, whatever Django's own date names.
WEEKDAYS = (
    pgettext_lazy("delivery day", "Monday"),
    pgettext_lazy("delivery day", "Tuesday"),
    pgettext_lazy("delivery day", "Wednesday"),
    pgettext_lazy("delivery day", "Thursday"),
    pgettext_lazy("delivery day", "Friday"),
    pgettext_lazy("delivery day", "Saturday"),
    pgettext_lazy("delivery day", "Sunday"),
)


@register.simple_tag
def shipping_breakdown(method, basket):
    """The per-producer parts of the chosen shipping method, or None."""
    if method is None or basket is None:
        return None
    return breakdown_of(method, basket)


@register.filter
def delivery_day(value) -> str:
    """A date as a delivery day: its weekday, then day/month ("thứ Năm 10/12")."""
    if not value:
        return ""
    return f"{WEEKDAYS[value.weekday()]} {value.day:02d}/{value.month:02d}"
