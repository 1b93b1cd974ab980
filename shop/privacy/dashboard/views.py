"""Operators' register of personal data requests: every request, its deadline and state;
overdue ones highlighted; a waiting erasure carried out by an operator."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shop import roles
from shop.privacy import forms, selectors, services
from shop.privacy.models import PrivacyRequest


@roles.operator_required
@require_GET
def request_list(request):
    form = forms.RegisterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    requests = selectors.register(
        kind=filters.get("kind", ""),
        state=filters.get("state", ""),
        overdue=bool(filters.get("overdue")),
    )
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/dashboard/request_list.html",
        {
            "form": form,
            "page_obj": page,
            "overdue_count": selectors.register(overdue=True).count(),
        },
    )


@roles.operator_required
@require_POST
def erasure_carry_out(request, pk: int):
    erasure = get_object_or_404(PrivacyRequest, pk=pk)
    try:
        services.erasure_retry(request=erasure, operator=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        erasure.refresh_from_db()
        if erasure.state == "done":
            messages.success(request, _("The erasure is carried out."))
        else:
            messages.info(request, _("The erasure still waits: see why in the register."))
    return redirect("privacy-dashboard:list")
