"""The buyer's personal data pages, in their account: consents (withdraw), downloads (JSON,
PDF), erasure (password re-confirmed). Only the signed-in person's own data."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from oscar.core.loading import get_model

from shop.privacy import export, forms, selectors, services, texts


def _page(request, *, erasure_form=None, status=200):
    user = request.user
    consents = [
        (c, texts.text_of(purpose=c.purpose, version=c.version))
        for c in selectors.consents_of(user=user)
    ]
    context = {
        "consents": consents,
        "requests": selectors.requests_of(user=user),
        "open_erasure": selectors.open_erasure_of(user=user),
        "erasure_form": erasure_form or forms.ErasureForm(),
        "page_title": _("Your personal data"),
        "active_tab": "privacy",
    }
    return render(request, "privacy/account.html", context, status=status)


@never_cache
@login_required
@require_GET
def account(request):
    return _page(request)


def _download(request, *, kind: str, content_type: str, body: bytes):
    services.access_record(user=request.user, kind_of_file=kind)
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="cho-phien-du-lieu-{stamp}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_GET
def data_json(request):
    data = export.buyer_data(user=request.user)
    return _download(
        request,
        kind="json",
        content_type="application/json; charset=utf-8",
        body=export.data_json(data),
    )


@never_cache
@login_required
@require_GET
def data_pdf(request):
    data = export.buyer_data(user=request.user)
    return _download(
        request, kind="pdf", content_type="application/pdf", body=export.data_pdf(data)
    )


@login_required
@require_POST
def consent_withdraw(request, pk: int):
    try:
        services.consent_withdraw(user=request.user, consent_id=pk)
    except ValidationError as error:
        if not selectors.consents_of(user=request.user).filter(pk=pk).exists():
            raise Http404 from error  # someone else's, or none: nothing to say about it
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your consent is withdrawn; it takes effect now."))
    return redirect("privacy:account")


@never_cache
@login_required
@require_http_methods(["POST"])
def erasure_ask(request):
    form = forms.ErasureForm(request.POST)
    if not form.is_valid():
        return _page(request, erasure_form=form, status=400)
    try:
        erasure = services.erasure_request(
            user=request.user, password=form.cleaned_data["password"]
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return _page(request, erasure_form=form, status=400)
    erasure.refresh_from_db()
    if erasure.state == "done":
        logout(request)
        messages.success(request, _("Your personal data has been erased. Goodbye."))
        return redirect("/")
    messages.success(
        request,
        _("We have your request for erasure; we carry it out within %(hours)s hours.")
        % {"hours": int((erasure.deadline_at - erasure.received_at).total_seconds() // 3600)},
    )
    return redirect("privacy:account")


@never_cache
@require_http_methods(["GET", "POST"])
def guest_erasure(request, number: str, order_hash: str):
    """A guest erases their details from one order, through the order's signed link."""
    Order = get_model("order", "Order")
    order = Order.objects.filter(number=number, user__isnull=True).first()
    if order is None or not order.guest_email or not order.check_verification_hash(order_hash):
        raise Http404
    pending = selectors.open_guest_erasure_of(order_number=order.number)
    if request.method == "POST" and pending is None:
        try:
            pending = services.guest_erasure_request(order_number=number, order_hash=order_hash)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            pending.refresh_from_db()
            if pending.state == "done":
                messages.success(request, _("Your personal data has been erased. Goodbye."))
                return redirect("/")
        return redirect(request.path)
    return render(request, "privacy/guest_erasure.html", {"order": order, "pending": pending})
