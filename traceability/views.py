"""Thin views: the public lot page (HTML, proof bundle, EPCIS), and the producers' and
inspectors' pages (the operators' are in dashboard.py). Business rules live in services.py,
reads in selectors.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from oscar.core.loading import get_model

from shop import roles
from shop.roles import inspector_required, producer_or_operator_required
from shop.uploads.responses import attachment_response
from traceability import epcis, forms, labels, lotpage, scanners, selectors, services
from traceability.lotpage import TimelineItem
from traceability.models import EventAttachment, InspectorKey, Lot

Product = get_model("catalogue", "Product")


def _json(data: Any, **kwargs: Any) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2}, **kwargs)
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --------------------------------------------------------------------------- the public lot page


@never_cache
def lot_page(request, gtin: str, lot: str):
    found = selectors.lot_by_digital_link(gtin=gtin, code=lot)
    if found is None:
        raise Http404(_("No lot has this code."))
    output = request.GET.get("format", "")
    if output == "json":
        return _json(selectors.lot_bundle(lot=found))
    if output == "epcis":
        events = [(e.payload, e.digest) for e in selectors.lot_events(lot=found)]
        document = epcis.epcis_document(events, now=timezone.now())
        response = _json(document, content_type="application/ld+json")
        name = f"epcis-{found.gtin14}-{found.pk}.jsonld"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response

    inspector = roles.is_inspector(request.user)
    can_manage = (
        request.user.is_authenticated
        and selectors.lots_for_user(user=request.user).filter(pk=found.pk).exists()
    )
    new_visitor = None
    if not (inspector or can_manage) and scanners.is_scan(request):
        visitors, new_visitor = scanners.visitors(request)
        services.lot_scan_record(lot_id=found.pk, visitors=visitors)
        found.refresh_from_db(fields=["scan_count", "first_scanned_at"])
    check = selectors.lot_check(lot=found)
    product = found.product
    timeline = lotpage.timeline(check)
    last_anchored = next((item for item in reversed(timeline) if item.anchor), None)
    completeness = lotpage.completeness_of(check)
    context = {
        "lot": found,
        "product": product,
        "check": check,
        "status": check.status,
        "timeline": timeline,
        "facts": lotpage.plain_facts(
            lot=found,
            items=timeline,
            completeness=completeness,
            problems=check.verdict.problems,
        ),
        "completeness": completeness.value if completeness else "",
        "scans": scanners.scan_summary(lot=found),
        "photos": list(product.get_all_images()[:4]),
        "can_buy": product.is_public and found.flagged_at is None and check.status != "tampered",
        "inspector_view": inspector,
        "can_manage": can_manage,
        "json_url": f"{request.path}?format=json",
        "epcis_url": f"{request.path}?format=epcis",
        "last_anchor": last_anchored.anchor if last_anchored else None,
        "last_anchored_at": last_anchored.anchored_at if last_anchored else None,
    }
    response = render(request, "traceability/lot_detail.html", context)
    if new_visitor:
        response.set_signed_cookie(
            scanners.SCAN_COOKIE,
            new_visitor,
            salt=scanners.SCAN_COOKIE,
            max_age=365 * 24 * 60 * 60,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


@never_cache
def attachment_download(request, pk: int):
    """A lot-event attachment, public like the lot page, always sent as a download."""
    attachment = get_object_or_404(EventAttachment, pk=pk)
    return attachment_response(
        attachment.file.open("rb"), filename=attachment.name, content_type=attachment.media_type
    )


# --------------------------------------------------------------------------- producers


def _manageable(request) -> Any:
    if not request.user.is_authenticated:
        raise PermissionDenied
    return selectors.lots_for_user(user=request.user)


@producer_or_operator_required
def lot_list(request):
    lots = _manageable(request)
    return render(request, "traceability/lot_list.html", {"lots": lots[:200]})


def _products_for(user: Any):
    products = Product.objects.select_related("producer").order_by("title")
    return (
        products if roles.is_operator(user) else products.filter(producer=roles.producer_of(user))
    )


@producer_or_operator_required
@require_http_methods(["GET", "POST"])
def lot_create(request):
    products = _products_for(request.user)
    if not roles.is_operator(request.user) and not products.exists():
        raise PermissionDenied
    form = forms.LotForm(request.POST or None, request.FILES or None, products=products)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lot = services.lot_create(
                product=data["product"],
                code=data["code"],
                production_date=data["production_date"],
                quantity=data["quantity"],
                unit=data["unit"],
                actor=request.user,
                latitude=data["latitude"],
                longitude=data["longitude"],
                ocop_certificate=data["ocop_certificate"],
                gi_certificate=data["gi_certificate"],
                details=data["details"],
                attachments=[data["attachment"]] if data["attachment"] else [],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Lot %(code)s recorded.") % {"code": lot.code})
            return redirect("traceability:lot-manage", pk=lot.pk)
    return render(request, "traceability/lot_form.html", {"form": form})


@producer_or_operator_required
@require_http_methods(["GET", "POST"])
def lot_manage(request, pk: int):
    lot = get_object_or_404(_manageable(request), pk=pk)
    posted = request.POST if request.method == "POST" else None
    shipment_form = forms.ShipmentForm(
        posted if posted and "shipment-order_number" in posted else None, prefix="shipment"
    )
    events = selectors.lot_events(lot=lot)
    form = forms.EventForm(
        posted if posted and "shipment-order_number" not in posted else None,
        request.FILES or None,
        events=events,
    )
    if shipment_form.is_bound and shipment_form.is_valid():
        try:
            services.lot_shipment_record_for_order(
                lot=lot,
                order_number=shipment_form.cleaned_data["order_number"],
                quantity=shipment_form.cleaned_data["quantity"],
            )
        except ValidationError as exc:
            shipment_form.add_error(None, exc)
        else:
            messages.success(request, _("Shipment recorded."))
            return redirect("traceability:lot-manage", pk=lot.pk)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.event_record(
                lot=lot,
                biz_step=data["biz_step"],
                actor=request.user,
                details=data["details"],
                quantity=data["quantity"],
                attachments=[data["attachment"]] if data["attachment"] else [],
                role="operator" if roles.is_operator(request.user) else "producer",
                corrects=data["corrects"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Event recorded."))
            return redirect("traceability:lot-manage", pk=lot.pk)
    context = {
        "lot": lot,
        "form": form,
        "labels_form": forms.LabelsForm(),
        "shipment_form": shipment_form,
        "events": events,
        "uri": selectors.lot_uri(lot),
    }
    return render(request, "traceability/lot_manage.html", context)


@producer_or_operator_required
def lot_labels(request, pk: int):
    lot = get_object_or_404(_manageable(request), pk=pk)
    form = forms.LabelsForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        for error in form.errors.get("count", form.non_field_errors()):
            messages.error(request, error)
        return redirect("traceability:lot-manage", pk=lot.pk)
    count = form.cleaned_data["count"] if form.is_bound else labels.PER_SHEET
    label = labels.Label(
        uri=selectors.lot_uri(lot), product=lot.product.title, lot=lot.code, gtin=lot.gtin14
    )
    response = HttpResponse(labels.label_sheet(label, count=count), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="nhan-{lot.gtin14}-{lot.pk}.pdf"'
    return response


# --------------------------------------------------------------------------- inspectors


@inspector_required
def inspections(request):
    context = {
        "awaiting": selectors.lots_awaiting_inspection()[:100],
        "flagged": selectors.lots_flagged()[:100],
        "key": InspectorKey.objects.filter(user=request.user, revoked_at=None).first(),
    }
    return render(request, "traceability/inspections.html", context)


@roles.inspector_or_operator_required  # operators sign certificates with their own key
@require_http_methods(["GET", "POST"])
def signing_key(request):
    key = InspectorKey.objects.filter(user=request.user, revoked_at=None).first()
    form = forms.SigningKeyForm(request.POST or None)
    if key is None and request.method == "POST" and form.is_valid():
        try:
            key = services.inspector_key_create(
                user=request.user, passphrase=form.cleaned_data["passphrase"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your signing key is ready."))
            if not roles.is_inspector(request.user):  # an operator, who signs certificates
                return redirect("traceability:certificates")
            return redirect("traceability:inspections")
    return render(request, "traceability/signing_key.html", {"form": form, "key": key})


@inspector_required
@require_http_methods(["GET", "POST"])
def inspection_create(request, pk: int):
    lot = get_object_or_404(Lot.objects.select_related("product", "producer"), pk=pk)
    posted = request.method == "POST"
    token = request.POST.get("held_report") if posted else None
    held = (  # a report kept from a try that was not signed, which the form offers again
        None
        if posted and not token
        else selectors.held_lab_report(inspector=request.user, lot=lot, token=token)
    )
    form = forms.InspectionForm(request.POST or None, request.FILES or None)
    if posted:
        valid = form.is_valid()
        fresh = form.cleaned_data.get("lab_report")
        forget = form.cleaned_data.get("forget_held_report")
        if held is not None and (fresh or forget):
            services.lab_report_forget(held)
            held = None
        elif token and held is None and not (fresh or forget):
            expired = _("The lab report kept from your last try has expired: choose it again.")
            form.add_error("lab_report", expired)
            valid = False
        if valid:
            data = form.cleaned_data
            try:
                services.inspection_record(
                    lot=lot,
                    inspector=request.user,
                    result=data["result"],
                    notes=data["notes"],
                    passphrase=data["passphrase"],
                    lab_report=fresh or (services.lab_report_file(held) if held else None),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if held is not None:
                    services.lab_report_forget(held)
                messages.success(request, _("Inspection signed and recorded."))
                return redirect(lot.get_absolute_url())
        if fresh:  # not signed: the chosen file waits for the next try
            held = services.lab_report_hold(inspector=request.user, lot=lot, upload=fresh)
    key = InspectorKey.objects.filter(user=request.user, revoked_at=None).first()
    history = [TimelineItem.unverified(event) for event in selectors.lot_events(lot=lot)]
    context = {"lot": lot, "form": form, "key": key, "held": held, "history": history}
    return render(request, "traceability/inspection_form.html", context)


@inspector_required
def scanner(request):
    form = forms.ScanForm(request.GET or None)
    matches = None
    if form.is_valid():
        matches = list(selectors.lots_matching_code(code=form.cleaned_data["code"])[:20])
        if len(matches) == 1:
            return redirect(matches[0].get_absolute_url())
    return render(request, "traceability/scanner.html", {"form": form, "matches": matches})
