"""Operators take a live listing down, with a reason, and restore it (Decree 52/2013/NĐ-CP as
amended by Decree 85/2021/NĐ-CP). Thin views over ``shop.producers.services``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model

from shop.producers import forms, selectors, services
from shop.roles import operator_required

Product = get_model("catalogue", "Product")


@operator_required
def takedown_list(request):
    """Live listings (searchable) with a takedown action each, and the takedowns so far."""
    query = request.GET.get("q", "")[:100]
    return render(
        request,
        "producers/dashboard/takedown_list.html",
        {
            "query": query,
            "products": selectors.live_listings(query=query),
            "takedowns": selectors.listing_takedowns(),
            "form": forms.TakedownForm(),
        },
    )


def _product(pk: int):
    return get_object_or_404(
        Product.objects.filter(producer__isnull=False, parent=None).select_related("producer"),
        pk=pk,
    )


@operator_required
def takedown(request, pk: int):
    """One listing: take it down (POST, with a reason), or see its takedowns and restore it."""
    product = _product(pk)
    form = forms.TakedownForm(request.POST or None)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ValidationError(form.errors["reason"])
            services.listing_take_down(
                product=product, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            messages.success(
                request,
                _("“%(title)s” is taken down: buyers no longer see it; the producer is told.")
                % {"title": product.title},
            )
            return redirect("listings-dashboard:takedown", pk=product.pk)
    else:
        status = 200
    return render(
        request,
        "producers/dashboard/takedown.html",
        {
            "product": product,
            "form": forms.TakedownForm(),
            "restore_form": forms.TakedownForm(),
            "takedowns": selectors.product_takedowns(product=product),
        },
        status=status,
    )


@operator_required
@require_POST
def restore(request, pk: int):
    product = _product(pk)
    form = forms.TakedownForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        services.listing_restore(
            product=product, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(title)s” is on sale again; the producer is told.") % {"title": product.title},
        )
    return redirect("listings-dashboard:takedown", pk=product.pk)
