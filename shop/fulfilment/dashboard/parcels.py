"""Operators' page of carriers' callbacks: every one received, newest first, and what became of
it (applied, already known, out of order, unknown parcel, rejected), to answer "why does this
parcel's status look wrong?"."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shop.fulfilment import selectors
from shop.fulfilment.forms import CallbackFilterForm
from shop.roles import operator_required

PER_PAGE = 50


@operator_required
@require_safe
def callback_list(request):
    filters = CallbackFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    callbacks = selectors.carrier_callbacks(
        carrier=chosen.get("carrier", ""),
        outcome=chosen.get("outcome", ""),
        code=chosen.get("code", ""),
    )
    page = Paginator(callbacks, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "fulfilment/dashboard/callback_list.html",
        {
            "page": page,
            "callbacks": page.object_list,
            "filters": filters,
            "query": urlencode({k: v for k, v in chosen.items() if v}) + "&" if chosen else "",
        },
    )
