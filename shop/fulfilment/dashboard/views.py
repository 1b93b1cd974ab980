"""The producer's orders: their own shipments and, in each, their own lines only."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shop.fulfilment import selectors, services
from shop.fulfilment.forms import AdvanceForm, StatusFilterForm
from shop.fulfilment.models import Shipment
from shop.roles import producer_required

PER_PAGE = 20


@producer_required
def shipment_list(request):
    filters = StatusFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    shipments = selectors.shipments_for_producer(producer=request.producer, status=status)
    page = Paginator(shipments, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "fulfilment/shipment_list.html",
        {"page": page, "shipments": page.object_list, "filters": filters, "status": status},
    )


@producer_required
def shipment_detail(request, pk: int):
    shipment = get_object_or_404(selectors.shipment_of_producer(producer=request.producer), pk=pk)
    return _render_detail(request, shipment, AdvanceForm(initial=_next(shipment)))


@producer_required
@require_POST
def shipment_advance(request, pk: int):
    shipment = get_object_or_404(selectors.shipment_of_producer(producer=request.producer), pk=pk)
    form = AdvanceForm(request.POST)
    if form.is_valid():
        try:
            services.shipment_advance(
                shipment=shipment,
                to=form.cleaned_data["to"],
                actor=request.user,
                on_behalf=request.on_behalf,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except services.ShipmentRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The shipment has moved on."))
            return redirect("producer-orders:detail", pk=shipment.pk)
    return _render_detail(request, shipment, form, status=400)


def _next(shipment: Shipment) -> dict:
    step = services.NEXT_STEP.get(shipment.status)
    return {"to": step} if step else {}


def _render_detail(request, shipment, form, status=200):
    step = services.NEXT_STEP.get(shipment.status)
    context = {
        "shipment": shipment,
        "order": shipment.order,
        "address": shipment.order.shipping_address,
        "lines": selectors.shipment_lines(shipment=shipment),
        "events": selectors.shipment_events(shipment=shipment),
        "next_step": step,
        "next_label": Shipment.Status(step).label if step else "",
        "form": form,
        "statuses": Shipment.Status,
    }
    return render(request, "fulfilment/shipment_detail.html", context, status=status)
