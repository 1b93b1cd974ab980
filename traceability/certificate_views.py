"""Inspectors' and operators' page for certificates: issue one (signed with their own key and
passphrase), see the recent ones with their state, withdraw one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shop import roles
from traceability import forms
from traceability.models import Certificate, InspectorKey
from traceability.services import certificates as service

issuer_required = roles.inspector_or_operator_required


@issuer_required
@require_http_methods(["GET", "POST"])
def certificates(request):
    form = forms.CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            certificate = service.certificate_issue(
                product=data["product"],
                kind=data["kind"],
                reference=data["reference"],
                level=data["level"] or 0,
                valid_from=form.moment(data["valid_from"]),
                valid_until=form.moment(data["valid_until"]),
                issuer=request.user,
                passphrase=data["passphrase"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Certificate %(reference)s signed for %(product)s.")
                % {"reference": certificate.reference, "product": certificate.product.title},
            )
            return redirect("traceability:certificates")
    recent = Certificate.objects.select_related("product", "issued_by").order_by("-created_at")
    context = {
        "form": form,
        "certificates": recent[:100],
        "key": InspectorKey.objects.filter(user=request.user, revoked_at=None).first(),
        "now": timezone.now(),
        "is_operator": roles.is_operator(request.user),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "traceability/certificates.html", context, status=status)


@issuer_required
@require_POST
def certificate_revoke(request, pk: int):
    certificate = get_object_or_404(Certificate, pk=pk)
    try:
        service.certificate_revoke(certificate=certificate, by=request.user)
    except ValidationError:
        raise PermissionDenied from None
    messages.success(
        request, _("Certificate %(reference)s withdrawn.") % {"reference": certificate.reference}
    )
    return redirect("traceability:certificates")
