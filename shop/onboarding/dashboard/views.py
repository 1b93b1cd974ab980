"""Operators review producer applications: thin views over selectors and services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from shop.onboarding import forms, selectors, services
from shop.onboarding.models import Application, Document
from shop.roles import operator_required
from shop.uploads.responses import attachment_response

PAGE_SIZE = 25


@operator_required
@require_GET
def application_list(request):
    form = forms.ApplicationFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = Paginator(selectors.applications_for_operators(status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "onboarding/dashboard/list.html",
        {"form": form, "page_obj": page, "paginator": page.paginator, "applications": page},
    )


def _application(pk: int) -> Application:
    try:
        return selectors.application_for_review(pk=pk)
    except Application.DoesNotExist:
        raise Http404 from None


@operator_required
@require_GET
def application_detail(request, pk):
    application = _application(pk)
    return render(
        request,
        "onboarding/dashboard/detail.html",
        {"application": application, "history": selectors.application_history(application)},
    )


DECISIONS = {
    # action: (service, keyword of the message, message required, success text)
    "approve": (services.application_approve, "message", False),
    "reject": (services.application_reject, "reason", True),
    "ask": (services.application_ask, "message", True),
}


@operator_required
@require_http_methods(["GET", "POST"])
def application_decide(request, pk, action):
    if action not in DECISIONS:
        raise Http404
    service, keyword, required = DECISIONS[action]
    application = _application(pk)
    form = forms.DecisionForm(request.POST or None, required=required)
    if request.method == "POST" and form.is_valid():
        try:
            service(
                application_id=application.pk,
                actor=request.user,
                **{keyword: form.cleaned_data["message"]},
            )
        except services.DecisionNotAllowed as refused:
            messages.error(request, str(refused))
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
        else:
            messages.success(request, _("Decision recorded; the applicant has been told."))
        return redirect("applications-dashboard:detail", pk=application.pk)
    return render(
        request,
        "onboarding/dashboard/decide.html",
        {"application": application, "action": action, "form": form},
        status=400 if form.is_bound else 200,
    )


@never_cache
@operator_required
@require_GET
def document_download(request, pk):
    """Sends a private document as an attachment, never rendered inline by the browser."""
    try:
        document = selectors.document_for_operators(pk=pk)
    except Document.DoesNotExist:
        raise Http404 from None
    return attachment_response(
        document.file.open("rb"),
        filename=document.original_name,
        content_type=document.content_type,
    )
