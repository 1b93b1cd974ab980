"""What the buyer's order page offers on each line: "Review" or "Reviewed" (one query per
order, whatever the number of lines)."""

from django import template

from shop.catalogue.reviews import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def line_review_state(context, order, line) -> str:
    """``"reviewable"``, ``"reviewed"`` or ``""`` for `line` of `order`, for the signed-in
    buyer who owns the order (guests and anyone else: ``""``). The order's states are loaded
    once and kept on the order."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and order.user_id == user.pk):
        return ""
    states = getattr(order, "_review_states", None)
    if states is None:
        states = order._review_states = selectors.order_review_states(order=order)
    return states.get(line.pk, "")
