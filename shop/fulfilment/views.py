"""The buyer's buttons on their order page, one producer's part at a time: cancel it before
it is packed (after a confirmation page), or say it arrived ("Đã nhận hàng").

Only the order's owner reaches them: the signed-in buyer, or a guest who opened Oscar's
guest order page (its signed link, and the order's e-mail address given in this session; the
link's hash comes with the form). Anyone else gets a 404, whatever the shipment's id; the
services check ownership and state again under lock."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shop.fulfilment import aftersale, selectors
from shop.fulfilment.models import Shipment
from shop.fulfilment.services import ShipmentRefused


def _own_shipment(request, pk: int) -> tuple[Shipment, str]:
    order_hash = (request.POST.get("order_hash") or request.GET.get("order_hash") or "")[:200]
    shipment = get_object_or_404(Shipment.objects.select_related("order", "partner"), pk=pk)
    if not aftersale.buyer_owns(shipment=shipment, user=request.user, order_hash=order_hash):
        raise Http404
    guest = shipment.order.user_id is None
    if guest and request.session.get("anon_order_email") != shipment.order.email:
        raise Http404  # as Oscar's guest order page: the signed link and the e-mail given
    return shipment, order_hash


def _order_page(shipment: Shipment, order_hash: str) -> str:
    number = shipment.order.number
    if shipment.order.user_id is None:
        return reverse("customer:anon-order", kwargs={"order_number": number, "hash": order_hash})
    return reverse("customer:order", kwargs={"order_number": number})


def _act(request, shipment: Shipment, order_hash: str, service, done: str):
    """Run the after-sale `service` for the buyer, tell them how it went, back to the order."""
    try:
        service(shipment=shipment, user=request.user, order_hash=order_hash)
    except ShipmentRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done % {"name": shipment.partner.name})
    return redirect(_order_page(shipment, order_hash))


@require_http_methods(["GET", "HEAD", "POST"])
def shipment_cancel(request, pk: int):
    shipment, order_hash = _own_shipment(request, pk)
    if request.method == "POST":
        done = _("The part from %(name)s is cancelled.")
        return _act(request, shipment, order_hash, aftersale.shipment_cancel_by_buyer, done)
    return render(
        request,
        "fulfilment/buyer_cancel.html",
        {
            "shipment": shipment,
            "order": shipment.order,
            "lines": selectors.shipment_lines(shipment=shipment),
            "order_hash": order_hash,
            "order_url": _order_page(shipment, order_hash),
            "cancellable": shipment.status in aftersale.BUYER_CANCELLABLE,
        },
    )


@require_POST
def shipment_received(request, pk: int):
    shipment, order_hash = _own_shipment(request, pk)
    done = _("Thank you: you received the part from %(name)s.")
    return _act(request, shipment, order_hash, aftersale.shipment_confirm_receipt, done)
