"""The buyer's review pages (Oscar's, forked): a review is written for one delivered line of
the buyer's own order, never for a product alone."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from oscar.apps.catalogue.reviews import views as oscar_views
from oscar.core.loading import get_model

from shop.catalogue.reviews import forms, selectors, services

Product = get_model("catalogue", "Product")
ProductReview = get_model("reviews", "ProductReview")


class CreateProductReview(LoginRequiredMixin, View):
    """``?line=<id>``: the form for that line (one of the buyer's own, delivered, not yet
    reviewed). Without it: the form for the buyer's one reviewable line of this product, a
    choice when there are several, and a refusal (back to the product) when there is none."""

    template_name = "reviews/review_form.html"
    choose_template_name = "reviews/review_choose.html"

    def dispatch(self, request, *args, **kwargs):
        self.product = get_object_or_404(Product, pk=kwargs["product_pk"], is_public=True)
        return super().dispatch(request, *args, **kwargs)

    def _line(self, request):
        lines = selectors.reviewable_lines(user=request.user, product=self.product)
        wanted = request.POST.get("line") or request.GET.get("line")
        if wanted:
            if not str(wanted).isdigit():
                return None, lines
            return lines.filter(pk=int(wanted)).first(), lines
        lines = list(lines[:20])
        return (lines[0] if len(lines) == 1 else None), lines

    def _refuse(self, request):
        messages.warning(
            request,
            _(
                "Only buyers who received this product can review it, once for each "
                "delivered purchase. Your orders show what you can review."
            ),
        )
        return redirect(self.product.get_absolute_url())

    def get(self, request, *args, **kwargs):
        line, lines = self._line(request)
        if line is None:
            if lines and not (request.GET.get("line")):
                return render(
                    request, self.choose_template_name, {"product": self.product, "lines": lines}
                )
            return self._refuse(request)
        return self._render(request, line, forms.ReviewForm())

    def post(self, request, *args, **kwargs):
        line, _lines = self._line(request)
        if line is None:
            return self._refuse(request)
        form = forms.ReviewForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.review_create(
                    line=line,
                    user=request.user,
                    score=data["score"],
                    title=data["title"],
                    body=data["body"],
                    photos=data["photos"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you! Your review is on the product's page."))
                return redirect("customer:order", order_number=line.order.number)
        return self._render(request, line, form, status=400)

    def _render(self, request, line, form, status=200):
        return render(
            request,
            self.template_name,
            {"product": self.product, "line": line, "form": form},
            status=status,
        )


class ProductReviewDetail(oscar_views.ProductReviewDetail):
    """A review's own page: shown reviews of this product only (hidden ones are gone)."""

    def get_queryset(self):
        return ProductReview.objects.approved().filter(product_id=self.kwargs["product_pk"])


class AddVoteView(oscar_views.AddVoteView):
    """Oscar's "was this helpful?": only on a shown review of this product."""

    def post(self, request, *args, **kwargs):
        if not (
            ProductReview.objects.approved()
            .filter(pk=self.kwargs["pk"], product_id=self.kwargs["product_pk"])
            .exists()
        ):
            raise Http404
        return super().post(request, *args, **kwargs)


ProductReviewList = oscar_views.ProductReviewList
