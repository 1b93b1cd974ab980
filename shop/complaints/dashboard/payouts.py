"""Operators' page of complaint refunds paid by transfer (cash on delivery and bank transfer
orders): each with the buyer's account and a VietQR code for the exact amount, recorded as
paid once transferred; and the remedies that could not be carried out, queued again."""

import base64

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from payments import vietqr
from shop.complaints import remedies, remedy_selectors
from shop.complaints.models import Complaint
from shop.complaints.services import ComplaintRefused
from shop.roles import operator_required

PER_PAGE = 20


@operator_required
@require_GET
def payout_list(request):
    page = Paginator(remedy_selectors.payouts_due(), PER_PAGE).get_page(request.GET.get("page"))
    payouts = []
    for complaint in page.object_list:
        payout = remedy_selectors.payout_of(complaint)
        qr = ""
        if payout.payload:
            qr = base64.b64encode(vietqr.render_svg(payout.payload, box_size=5)).decode()
        payouts.append((payout, qr))
    context = {
        "page": page,
        "payouts": payouts,
        "failed": remedy_selectors.remedies_failed()[:50],
    }
    return render(request, "complaints/dashboard/payouts.html", context)


@operator_required
@require_POST
def payout_record(request, pk: int):
    complaint = get_object_or_404(Complaint, pk=pk)
    try:
        remedies.complaint_payout_record(complaint=complaint, actor=request.user)
    except ComplaintRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The refund of %(reference)s is recorded as paid.") % {
            "reference": complaint.reference
        })  # fmt: skip
    return redirect("complaint-payouts:list")


@operator_required
@require_POST
def remedy_retry(request, pk: int):
    complaint = get_object_or_404(Complaint, pk=pk)
    try:
        remedies.remedy_retry(complaint=complaint, actor=request.user)
    except ComplaintRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("%(reference)s is being carried out again.") % {
            "reference": complaint.reference
        })  # fmt: skip
    return redirect("complaint-payouts:list")
