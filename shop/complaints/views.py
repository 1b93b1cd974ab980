"""The buyer's complaint pages, under /shop/complaints/ (in both languages): the list of their
complaints, the form to open one on a line of their order, the complaint's page (its history
and the buyer's actions), its photos.

Only the order's buyer reaches them: the signed-in owner, or a guest who opened Oscar's guest
order page (its signed link, and the order's e-mail address given in this session; the link's
hash travels with each request). Anyone else gets a 404; the services check again under lock.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from oscar.core.loading import get_model

from shop.complaints import opening, selectors, services
from shop.complaints.forms import AccountFields, OpenForm, ReplyForm
from shop.complaints.models import Complaint, ComplaintPhoto, Remedy, State
from shop.fulfilment.aftersale import buyer_owns
from shop.uploads import content
from shop.uploads.responses import harden

Line = get_model("order", "Line")
PER_PAGE = 20


def _order_hash(request) -> str:
    return (request.POST.get("order_hash") or request.GET.get("order_hash") or "")[:200]


def _may_see(request, order, shipment, order_hash: str) -> bool:
    if shipment is None or not buyer_owns(
        shipment=shipment, user=request.user, order_hash=order_hash
    ):
        return False
    guest = order.user_id is None
    return not guest or request.session.get("anon_order_email") == order.email


def _own_complaint(request, reference: str) -> tuple[Complaint, str]:
    order_hash = _order_hash(request)
    complaint = get_object_or_404(
        Complaint.objects.select_related("order", "line", "partner", "shipment", "lot"),
        reference=reference,
    )
    if not _may_see(request, complaint.order, complaint.shipment, order_hash):
        raise Http404
    return complaint, order_hash


def _with_hash(url: str, order_hash: str) -> str:
    from urllib.parse import urlencode

    return f"{url}?{urlencode({'order_hash': order_hash})}" if order_hash else url


def _complaint_url(complaint: Complaint, order_hash: str) -> str:
    url = reverse("complaints:detail", kwargs={"reference": complaint.reference})
    return _with_hash(url, order_hash)


def _order_url(order, order_hash: str) -> str:
    if order.user_id is None:
        return reverse(
            "customer:anon-order", kwargs={"order_number": order.number, "hash": order_hash}
        )
    return reverse("customer:order", kwargs={"order_number": order.number})


@login_required
def complaint_list(request):
    complaints = selectors.complaints_of_buyer(user=request.user)
    page = Paginator(complaints, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/buyer_list.html",
        {
            "page": page,
            "complaints": page.object_list,
            "page_title": _("My complaints"),
            "active_tab": "complaints",
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def complaint_open(request, line_id: int):
    order_hash = _order_hash(request)
    line = get_object_or_404(Line.objects.select_related("order", "product"), pk=line_id)
    shipment = opening.line_shipment(line)
    if not _may_see(request, line.order, shipment, order_hash):
        raise Http404
    until = opening.window_of(shipment)
    form = OpenForm(request.POST or None, request.FILES or None, line=line)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint = opening.complaint_open(
                    line=line,
                    user=request.user,
                    order_hash=order_hash,
                    reason=data["reason"],
                    description=data["description"],
                    wish=data["wish"],
                    quantity=data["quantity"],
                    photos=data["photos"],
                    bank_bin=data["bank_bin"],
                    account_number=data["account_number"],
                    account_holder=data["account_holder"],
                )
            except services.ComplaintRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request,
                    _("Your complaint %(reference)s is sent to the producer.")
                    % {"reference": complaint.reference},
                )
                return redirect(_complaint_url(complaint, order_hash))
        status = 400
    return render(
        request,
        "complaints/buyer_open.html",
        {
            "form": form,
            "line": line,
            "order": line.order,
            "shipment": shipment,
            "until": until,
            "order_hash": order_hash,
            "order_url": _order_url(line.order, order_hash),
            "payout_needed": services.payout_needed(line.order),
            "answer_hours": services.settings.COMPLAINT_ANSWER_HOURS,
        },
        status=status,
    )


def _detail(request, complaint: Complaint, order_hash: str, *, account_form=None, status=200):
    money = (Remedy.REFUND, Remedy.RETURN)
    needs_account = (
        complaint.is_open
        and not complaint.payout_recorded_at
        and (complaint.wish in money or complaint.remedy in money)
        and services.payout_needed(complaint.order)
    )
    return render(
        request,
        "complaints/buyer_detail.html",
        {
            "complaint": complaint,
            "steps": selectors.complaint_steps(complaint=complaint),
            "photos": complaint.photos.all(),
            "order_hash": order_hash,
            "order_url": _order_url(complaint.order, order_hash),
            "may_reply": complaint.state == State.ANSWERED
            and (complaint.buyer_due_at is None or timezone.now() <= complaint.buyer_due_at),
            "may_withdraw": complaint.state in services.WITHDRAWABLE,
            "needs_account": needs_account,
            "account_form": account_form or AccountFields(),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
def complaint_detail(request, reference: str):
    complaint, order_hash = _own_complaint(request, reference)
    return _detail(request, complaint, order_hash)


@require_POST
def complaint_reply(request, reference: str):
    """The buyer accepts the producer's answer, sends it to the operators, or withdraws."""
    complaint, order_hash = _own_complaint(request, reference)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do."))
        return redirect(_complaint_url(complaint, order_hash))
    action, text = form.cleaned_data["action"], form.cleaned_data["text"]
    actor = request.user
    try:
        if action == "accept":
            services.complaint_buyer_accept(complaint=complaint, user=actor, order_hash=order_hash)
            done = _("You accepted the producer's answer.")
        elif action == "escalate":
            services.complaint_escalate(
                complaint=complaint, user=actor, order_hash=order_hash, text=text
            )
            done = _("Your complaint is sent to the floor's operators, who will decide.")
        else:
            services.complaint_withdraw(
                complaint=complaint, user=actor, order_hash=order_hash, text=text
            )
            done = _("Your complaint is withdrawn.")
    except services.ComplaintRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect(_complaint_url(complaint, order_hash))


@require_POST
def complaint_account(request, reference: str):
    """The buyer gives the bank account a refund is paid into."""
    complaint, order_hash = _own_complaint(request, reference)
    form = AccountFields(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.complaint_payout_account_give(
                complaint=complaint,
                user=request.user,
                order_hash=order_hash,
                bank_bin=data["bank_bin"],
                account_number=data["account_number"],
                holder=data["account_holder"],
            )
        except services.ComplaintRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Thank you: the refund will be paid into this account."))
            return redirect(_complaint_url(complaint, order_hash))
    return _detail(request, complaint, order_hash, account_form=form, status=400)


def photo_response(photo: ComplaintPhoto):
    """A complaint's photo, for those allowed to see it (the caller checked): an image of the
    kind we stored, never cached by shared caches, in a sandbox."""
    from django.http import FileResponse

    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = photo.content_type if photo.content_type in content.IMAGES else None
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    return harden(response)


@require_http_methods(["GET", "HEAD"])
def complaint_photo(request, reference: str, position: int):
    complaint, _hash = _own_complaint(request, reference)
    return photo_response(get_object_or_404(complaint.photos, position=position))
