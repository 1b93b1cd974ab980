"""Catalogue views: Oscar's, plus browsing by origin (province and commune)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from oscar.apps.catalogue.views import *  # noqa: F403 (Oscar's fork pattern)
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.core.loading import get_class

from shop import geo
from shop.catalogue import selectors

ProductListView = get_class("search.views", "ProductListView")


class ProductDetailView(OscarProductDetailView):
    """Oscar's product page without the per-view history cookie and analytics writes.

    Those made every product view a write and a per-visitor response, which no cache can share.
    """

    def send_signal(self, request, response, product):
        return None

    def get_alert_status(self):
        # Stock alerts only matter when the product cannot be bought; skip the query otherwise.
        info = self.request.strategy.fetch_for_product(self.object)
        if info.availability.is_available_to_buy:
            return False
        return super().get_alert_status()

    def get_object(self, queryset=None):
        if hasattr(self, "object"):
            return self.object
        return super().get_object(queryset=selectors.product_detail())

    def get_context_data(self, **kwargs):
        """With the producer's province, where the typical delivery time to the buyer's province
        counts from (a personal part of the page: shop/personal.py)."""
        context = super().get_context_data(**kwargs)
        product = self.object
        context["delivery_origin"] = (
            getattr(product.producer, "province_code", None) or product.origin_province_code
        )
        context.update(self.get_reviews_context(product))
        if product.ocop_stars:  # the signed certificate behind the stars (one query)
            from traceability.selectors import product_rating_certificate

            context["ocop_certificate"] = product_rating_certificate(product=product)
        return context

    def get_reviews_context(self, product) -> dict:
        """The approved reviews, newest first, a page at a time (`?page=`, shared by everyone:
        the page cache keys on it), and how many gave each score. A product nobody has reviewed
        costs no query (its count is a column)."""
        if not product.reviews_count:
            return {"reviews": [], "reviews_page": None}
        score_counts = selectors.product_score_counts(product=product)
        paginator = Paginator(
            selectors.product_reviews(product=product), selectors.REVIEWS_PER_PAGE
        )
        paginator.count = sum(row["n"] for row in score_counts)  # counted already
        page = paginator.get_page(self.request.GET.get("page"))
        return {
            "reviews": list(page.object_list),
            "reviews_page": page,
            "review_page_numbers": list(
                paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
            ),
            "score_counts": score_counts,
        }


class OriginIndexView(TemplateView):
    """Every province and commune that has products on the floor."""

    template_name = "oscar/catalogue/origin_index.html"

    def get_context_data(self, **kwargs):
        provinces: dict[int, dict] = {}
        for row in selectors.origin_counts():
            province = geo.province(row["origin_province_code"])
            if province is None:
                continue
            entry = provinces.setdefault(
                row["origin_province_code"],
                {"province": province, "code": row["origin_province_code"], "n": 0, "wards": []},
            )
            entry["n"] += row["n"]
            unit = geo.ward(row["origin_ward_code"])
            if unit is not None:
                entry["wards"].append(
                    {"ward": unit, "code": row["origin_ward_code"], "n": row["n"]}
                )
        for entry in provinces.values():
            entry["slug"] = geo.province_slug(entry["code"])
            for ward in entry["wards"]:
                ward["slug"] = ward["ward"].codename.replace("_", "-")
        return super().get_context_data(origins=list(provinces.values()), **kwargs)


class OriginProductsView(ProductListView):
    template_name = "oscar/catalogue/origin.html"

    def get(self, request, *args, **kwargs):
        self.province = geo.province(kwargs["province"])
        self.ward = geo.ward(kwargs["ward"]) if "ward" in kwargs else None
        if self.province is None or ("ward" in kwargs and self.ward is None):
            raise Http404(_("No such place."))
        if self.ward is not None and int(self.ward.province_code) != kwargs["province"]:
            raise Http404(_("No such place."))
        return super().get(request, *args, **kwargs)

    def get_filters(self) -> dict:
        return {
            **super().get_filters(),
            "province_code": self.kwargs["province"],
            "ward_code": self.kwargs.get("ward"),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["province"] = self.province
        context["ward"] = self.ward
        context["summary"] = geo.place_name(self.ward or self.province)
        return context
