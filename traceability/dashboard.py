"""The operators' traceability pages: every lot and anchoring batch, inspectors' accreditation
on the ledger, and the recall list of a lot (which orders received it)."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shop.roles import operator_required
from traceability import selectors, services
from traceability.models import InspectorKey, Lot


@operator_required
def recall(request, pk: int):
    lot = get_object_or_404(Lot.objects.select_related("product", "producer"), pk=pk)
    shipments = selectors.lot_recall(lot=lot)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "lot": lot.code,
                "orders": [
                    {
                        "order": s.order_line.order.number,
                        "buyer": s.order_line.order.email,
                        "address": s.order_line.order.shipping_address.summary
                        if s.order_line.order.shipping_address
                        else "",
                        "quantity": s.quantity,
                    }
                    for s in shipments
                ],
            }
        )
    return render(request, "traceability/recall.html", {"lot": lot, "shipments": shipments})


@operator_required
@require_http_methods(["GET", "POST"])
def operator_lots(request):
    if request.method == "POST":
        key = get_object_or_404(InspectorKey, pk=request.POST.get("key"), revoked_at=None)
        allowed = request.POST.get("allowed") == "1"
        services.inspector_accreditation_queue(key=key, allowed=allowed)
        messages.success(request, _("Sent to the ledger: %(address)s.") % {"address": key.address})
        return redirect("traceability:operator")
    context = {
        "lots": Lot.objects.select_related("product", "producer").order_by("-pk")[:200],
        "batches": selectors.batches_recent(),
        "keys": InspectorKey.objects.select_related("user").filter(revoked_at=None),
    }
    return render(request, "traceability/operator.html", context)
