"""The producer's dashboard home, and operators choosing whom to act for."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model

from shop.producers import access, selectors
from shop.producers.access import operator_required, producer_required

Partner = get_model("partner", "Partner")


@producer_required
def index(request):
    return render(
        request,
        "producers/dashboard/index.html",
        {"producer": request.producer, "summary": selectors.producer_summary(request.producer)},
    )


@operator_required
def choose(request):
    """Operators pick the producer they act for (a producer who is not online, say)."""
    if request.method == "POST":
        partner = get_object_or_404(Partner, code=request.POST.get("producer", ""))
        access.act_for(request, partner)
        messages.info(request, _("You are now acting for %(name)s.") % {"name": partner.name})
        target = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = ""
        return redirect(target or "producer-dashboard:index")
    return render(
        request,
        "producers/dashboard/choose.html",
        {
            "producers": Partner.objects.order_by("name"),
            "next": request.GET.get("next", ""),
            "acting_for": access.acting_producer(request),
        },
    )


@operator_required
@require_POST
def stop_acting(request):
    access.stop_acting(request)
    return redirect("producer-dashboard:choose")
