"""The producer's orders: their own shipments and, in each, their own lines only."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shop.carriers import registry
from shop.fulfilment import labels, packing, parcels, selectors, services, waybills
from shop.fulfilment.forms import AdvanceForm, PackForm, StatusFilterForm, WaybillForm
from shop.fulfilment.models import Shipment
from shop.roles import producer_required

PER_PAGE = 20
Status = Shipment.Status
# From packed on, a shipment has a label and a packing slip to print.
PRINTABLE = (Status.PACKED, Status.SHIPPED, Status.DELIVERED, Status.RETURNED)


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


def _own(request, pk: int) -> Shipment:
    return get_object_or_404(selectors.shipment_of_producer(producer=request.producer), pk=pk)


@producer_required
def shipment_detail(request, pk: int):
    shipment = _own(request, pk)
    return _render_detail(request, shipment, AdvanceForm(initial=_next(shipment)))


@producer_required
@require_POST
def shipment_advance(request, pk: int):
    shipment = _own(request, pk)
    if request.POST.get("to") == Status.PACKED:
        return _pack(request, shipment)
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


def _pack(request, shipment: Shipment):
    form = _pack_form(shipment, request.POST)
    if form.is_valid():
        try:
            packing.shipment_pack(
                shipment=shipment,
                actor=request.user,
                on_behalf=request.on_behalf,
                carrier=form.cleaned_data["carrier"],
                weight_grams=form.cleaned_data["weight_grams"],
                size_cm=form.size_cm,
                allocations=form.allocations,
            )
        except services.ShipmentRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Packed. The carrier's waybill is on its way."))
            return redirect("producer-orders:detail", pk=shipment.pk)
    return _render_detail(request, shipment, AdvanceForm(initial=_next(shipment)), pack=form)


@producer_required
@require_POST
def shipment_waybill(request, pk: int):
    """Ask the carrier's waybill again (it was refused, cancelled, or never asked)."""
    shipment = _own(request, pk)
    form = _waybill_form(shipment, request.POST)
    if form.is_valid():
        try:
            waybills.waybill_request(
                shipment=shipment,
                carrier=form.cleaned_data["carrier"],
                weight_grams=form.cleaned_data["weight_grams"],
                size_cm=form.size_cm,
                actor=request.user,
                on_behalf=request.on_behalf,
            )
        except waybills.WaybillRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The waybill has been asked for again."))
            return redirect("producer-orders:detail", pk=shipment.pk)
    return _render_detail(
        request, shipment, AdvanceForm(initial=_next(shipment)), waybill=form, status=400
    )


@producer_required
def shipment_label(request, pk: int):
    shipment = _own(request, pk)
    if shipment.status not in PRINTABLE:
        return redirect("producer-orders:detail", pk=shipment.pk)
    return label_response(shipment)


def label_response(shipment: Shipment) -> HttpResponse:
    response = HttpResponse(labels.shipment_label_pdf(shipment), content_type="application/pdf")
    name = f"van-don-{shipment.order.number}-{shipment.partner_id}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _next(shipment: Shipment) -> dict:
    step = services.NEXT_STEP.get(shipment.status)
    return {"to": step} if step else {}


def _estimate(lines) -> int:
    return parcels.parcel_of(lines).weight_grams


def _pack_form(shipment: Shipment, data=None) -> PackForm:
    lines = list(selectors.shipment_lines(shipment=shipment))
    return PackForm(
        data,
        lines=lines,
        lots_by_product=selectors.lots_for_lines(producer_id=shipment.partner_id, lines=lines),
        default_carrier=shipment.partner.default_carrier,
        weight_grams=_estimate(lines),
    )


def _waybill_form(shipment: Shipment, data=None) -> WaybillForm:
    lines = selectors.shipment_lines(shipment=shipment)
    return WaybillForm(
        data,
        auto_id="waybill_%s",  # beside the shipping form's fields on the same page
        default_carrier=shipment.carrier or shipment.partner.default_carrier,
        weight_grams=shipment.weight_grams or _estimate(lines),
    )


def _render_detail(request, shipment, form, status=200, pack=None, waybill=None):
    step = services.NEXT_STEP.get(shipment.status)
    if pack is not None:
        status = 400
    elif step == Status.PACKED:
        pack = _pack_form(shipment)
    requestable = shipment.waybill in waybills.REQUESTABLE
    if waybill is None and shipment.status == Status.PACKED and requestable:
        waybill = _waybill_form(shipment)
    context = {
        "shipment": shipment,
        "order": shipment.order,
        "address": shipment.order.shipping_address,
        "lines": selectors.shipment_lines(shipment=shipment),
        "events": selectors.shipment_events(shipment=shipment),
        "next_step": step,
        "next_label": Status(step).label if step else "",
        "form": form,
        "pack_form": pack,
        "waybill_form": waybill,
        "manual_shipping": shipment.waybill not in services.CARRIER_SHIPS,
        "printable": shipment.status in PRINTABLE,
        "carrier_label": registry.label(shipment.carrier) if shipment.carrier else "",
        "statuses": Status,
        "waybill_states": Shipment.Waybill,
    }
    return render(request, "fulfilment/shipment_detail.html", context, status=status)
