"""Complaints on the buyer's order page and in the step history."""

from django import template
from django.utils.translation import gettext as _

from shop.complaints import selectors
from shop.complaints.models import ComplaintStep, Role

register = template.Library()


@register.simple_tag
def line_complaint(order, line, shipment):
    """``{"complaint", "until"}`` for one line; the order's complaints are read once per page
    (kept on the order object), whatever the number of lines."""
    latest = getattr(order, "_latest_complaints", None)
    if latest is None:
        latest = order._latest_complaints = selectors.order_latest_complaints(order=order)
    return selectors.line_complaint(line=line, shipment=shipment, latest=latest)


@register.filter
def step_label(step: ComplaintStep) -> str:
    """What happened at this step, in words (a producer's answer standing after the buyer's
    time ran out is a note by the floor that carries the remedy)."""
    if step.kind == ComplaintStep.Kind.NOTE and step.role == Role.SYSTEM:
        return _("No reply from the buyer in time: the producer's answer stands")
    return step.get_kind_display()


@register.filter
def overdue(complaint, now=None) -> bool:
    from django.utils import timezone

    return complaint.state == "open" and complaint.answer_due_at < (now or timezone.now())
