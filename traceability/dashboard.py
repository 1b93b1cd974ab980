"""The operators' traceability pages: every lot and anchoring batch, inspectors' accreditation
on the ledger, the recall list of a lot (which orders received it), and the erasure of a
person's data on their request."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from oscar.core.loading import get_model

from shop.roles import operator_required
from traceability import selectors, services
from traceability.forms import ErasureForm, ErasureSearchForm
from traceability.models import ErasureRequest, InspectorKey, Lot
from traceability.services.erasure import HOUSEHOLD

Partner = get_model("partner", "Partner")


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


# --------------------------------------------------------------------------- erasure


@operator_required
@require_GET
def erasure(request):
    """Find the person who asked (an account, a household producer); the requests so far."""
    form = ErasureSearchForm(request.GET or None)
    users, producers = [], []
    if form.is_bound and form.is_valid():
        users, producers = services.erasure_subjects_find(query=form.cleaned_data["q"])
    history = ErasureRequest.objects.select_related("user", "producer", "operator")[:100]
    context = {"form": form, "users": users, "producers": producers, "history": history}
    return render(request, "traceability/erasure.html", context, status=400 if form.errors else 200)


def _erasure_subject(subject: str, pk: int) -> dict:
    if subject == "account":
        return {"user": get_object_or_404(get_user_model(), pk=pk)}
    if subject == "household":
        return {"producer": get_object_or_404(Partner, pk=pk, kind=HOUSEHOLD)}
    raise Http404


@operator_required
@require_http_methods(["GET", "POST"])
def erasure_confirm(request, subject: str, pk: int):
    """What we hold of the person, and the confirmation that erases it."""
    person = _erasure_subject(subject, pk)
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            done = services.personal_data_erase(
                operator=request.user,
                reference=form.cleaned_data["reference"],
                reason=form.cleaned_data["reason"],
                **person,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Erased %(count)s values. The request is recorded.")
                % {"count": done.values_erased},
            )
            return redirect("traceability:erasure-detail", pk=done.request.pk)
    context = {
        "form": form,
        "subject": subject,
        "person": person.get("user") or person.get("producer"),
        "held": services.personal_data_held(**person),
        # A household's own accounts recorded events under their names: each is its own subject.
        "accounts": person["producer"].users.order_by("email") if "producer" in person else [],
    }
    return render(
        request, "traceability/erasure_confirm.html", context, status=400 if form.errors else 200
    )


@operator_required
@require_GET
def erasure_detail(request, pk: int):
    """One request as recorded, and what the histories still hold of the person."""
    record = get_object_or_404(
        ErasureRequest.objects.select_related("user", "producer", "operator"), pk=pk
    )
    held = None
    if record.user_id or record.producer_id:  # gone when the account or producer was deleted
        held = services.personal_data_held(user=record.user, producer=record.producer)
    lots = (
        Lot.objects.filter(events__disclosures__erasure=record)
        .select_related("product")
        .distinct()
        .order_by("pk")
    )
    context = {"record": record, "held": held, "lots": lots}
    return render(request, "traceability/erasure_detail.html", context)
