"""Reviews in the dashboards: operators moderate every review (/dashboard/reviews/); a
producer reads the reviews of its own products and answers each once
(/dashboard/producer/reviews/)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model

from shop.catalogue.reviews import selectors, services
from shop.catalogue.reviews.forms import AnswerForm, HideForm
from shop.roles import operator_required, producer_required

ProductReview = get_model("reviews", "ProductReview")

PER_PAGE = 30


# --------------------------------------------------------------------------- operators


@operator_required
def moderation_list(request):
    status = request.GET.get("status", "")
    status = status if status in ("shown", "hidden") else ""
    query = request.GET.get("q", "")[:100]
    reviews = selectors.reviews_for_moderation(status=status, query=query)
    page = Paginator(reviews, PER_PAGE).get_page(request.GET.get("page"))
    params = {k: v for k, v in {"status": status, "q": query}.items() if v}
    return render(
        request,
        "reviews/dashboard/moderation_list.html",
        {
            "page": page,
            "reviews": page.object_list,
            "status": status,
            "q": query,
            "query": urlencode(params) + "&" if params else "",
        },
    )


@operator_required
def moderation_detail(request, pk: int):
    review = get_object_or_404(selectors.reviews_for_moderation(), pk=pk)
    form = HideForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "show":
                services.review_show(review=review, actor=request.user)
                messages.success(request, _("The review shows again and counts in the rating."))
                return redirect("dashboard:reviews-update", pk=review.pk)
            if action == "hide" and form.is_valid():
                services.review_hide(
                    review=review, actor=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The review is hidden; its author is told why."))
                return redirect("dashboard:reviews-update", pk=review.pk)
            if action not in ("show", "hide"):
                messages.error(request, _("Choose to hide or to show the review."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        review.refresh_from_db()
    return render(
        request,
        "reviews/dashboard/moderation_detail.html",
        {"review": review, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --------------------------------------------------------------------------- producers


@producer_required
def producer_reviews(request):
    unanswered = request.GET.get("unanswered") == "1"
    reviews = selectors.reviews_of_producer(partner=request.producer, unanswered=unanswered)
    page = Paginator(reviews, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/dashboard/producer_reviews.html",
        {
            "page": page,
            "reviews": page.object_list,
            "unanswered": unanswered,
            "form": AnswerForm(),
            "producer": request.producer,
        },
    )


@producer_required
@require_POST
def producer_answer(request, pk: int):
    review = get_object_or_404(selectors.reviews_of_producer(partner=request.producer), pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.review_answer(
                review=review,
                partner=request.producer,
                user=request.user,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your answer is published under the review."))
            return redirect("producer-reviews:list")
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return render(
        request,
        "reviews/dashboard/producer_answer.html",
        {"review": review, "form": form},
        status=400,
    )
