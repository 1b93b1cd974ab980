"""Operators' waybill queue at /dashboard/waybills/: packed shipments whose waybill the
carrier refused or has not made yet, queued again from here; created ones can be cancelled."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shop.carriers.ports import CarrierError
from shop.fulfilment import selectors, waybills
from shop.fulfilment.dashboard.views import label_response
from shop.fulfilment.models import Shipment
from shop.roles import operator_required

PER_PAGE = 50
Waybill = Shipment.Waybill


class QueueFilter(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Waybills"),
        required=False,
        choices=[
            ("", gettext_lazy("Refused or being created")),
            (Waybill.FAILED, Waybill.FAILED.label),
            (Waybill.PENDING, Waybill.PENDING.label),
            (Waybill.CREATED, gettext_lazy("Created, not picked up yet")),
        ],
    )


@operator_required
def waybill_queue(request):
    filters = QueueFilter(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    page = Paginator(selectors.waybills_for_operators(state=state), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "shipments": page.object_list, "filters": filters, "state": state}
    return render(request, "fulfilment/waybill_queue.html", context)


@operator_required
@require_POST
def waybill_retry(request, pk: int):
    """A refused waybill is asked again as it was; a pending one is queued again."""
    shipment = get_object_or_404(Shipment.objects.select_related("order"), pk=pk)
    try:
        if shipment.waybill == Waybill.PENDING:
            waybills.waybill_requeue(shipment=shipment, actor=request.user)
        else:
            waybills.waybill_request(
                shipment=shipment,
                carrier=shipment.carrier,
                weight_grams=shipment.weight_grams,
                size_cm=_size(shipment),
                actor=request.user,
                on_behalf=True,
            )
    except waybills.WaybillRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The waybill of order %(number)s is queued again.") % {
            "number": shipment.order.number
        })  # fmt: skip
    return redirect("waybills-dashboard:list")


@operator_required
@require_POST
def waybill_cancel(request, pk: int):
    shipment = get_object_or_404(Shipment.objects.select_related("order"), pk=pk)
    try:
        waybills.waybill_cancel(shipment=shipment, actor=request.user)
    except (CarrierError, waybills.WaybillRefused) as refused:
        messages.error(request, _("The carrier did not cancel it: %(reason)s") % {
            "reason": refused
        })  # fmt: skip
    else:
        messages.success(request, _("The waybill is cancelled."))
    return redirect("waybills-dashboard:list")


@operator_required
def waybill_label(request, pk: int):
    shipment = get_object_or_404(Shipment.objects.select_related("order", "partner"), pk=pk)
    return label_response(shipment)


def _size(shipment: Shipment):
    sides = (shipment.length_cm, shipment.width_cm, shipment.height_cm)
    return sides if all(sides) else None
