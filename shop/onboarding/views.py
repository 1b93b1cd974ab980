"""The public "sell with us" pages: apply, thank you, the applicant's signed status page and
the page that e-mails a fresh link to it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shop.onboarding import forms, links, selectors, services
from shop.onboarding.models import Application, Status
from shop.privacy import services as privacy

THANKS_SESSION_KEY = "onboarding_submitted"


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request):
    form = forms.ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        application = services.application_submit(
            data=form.cleaned_data,
            uploads=form.cleaned_data["documents"],
            language=translation.get_language() or "vi",
        )
        privacy.consents_record_from_form(
            form=form, method="application", email=application.email, reference=str(application.pk)
        )
        request.session[THANKS_SESSION_KEY] = application.pk
        return redirect("onboarding:thanks")
    return render(
        request,
        "onboarding/apply.html",
        {"form": form, "files_lost": form.is_bound and bool(request.FILES)},
    )


@never_cache
def thanks(request):
    pk = request.session.get(THANKS_SESSION_KEY)
    application = Application.objects.filter(pk=pk).first() if pk else None
    if application is None:
        return redirect("onboarding:apply")
    return render(request, "onboarding/thanks.html", {"application": application})


@never_cache
@require_http_methods(["GET", "POST"])
def status(request, token):
    try:
        application_id = links.application_id_from(token)
    except links.LinkExpired:
        return render(
            request, "onboarding/link_expired.html", {"form": forms.StatusLinkForm()}, status=410
        )
    application = Application.objects.filter(pk=application_id).first() if application_id else None
    if application is None:
        raise Http404
    waiting = application.status == Status.INFO_REQUESTED
    form = forms.ReplyForm(request.POST or None, request.FILES or None) if waiting else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            services.application_reply(
                application_id=application.pk,
                message=form.cleaned_data["message"],
                uploads=form.cleaned_data["documents"],
            )
            messages.success(request, _("Thank you. We will look at your answer soon."))
            return redirect(request.path)
    return render(
        request,
        "onboarding/status.html",
        {
            "application": application,
            "request_for_info": selectors.last_request(application) if waiting else None,
            "form": form,
            "files_lost": form is not None and form.is_bound and bool(request.FILES),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def status_resend(request):
    """A fresh status link, e-mailed to the application's own address. The answer is the same
    whether or not an application matches what was typed."""
    form = forms.StatusLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.application_status_links_send(
            email=form.cleaned_data["email"], phone=form.cleaned_data["phone"]
        )
        return render(request, "onboarding/link_sent.html")
    return render(request, "onboarding/link_request.html", {"form": form})
