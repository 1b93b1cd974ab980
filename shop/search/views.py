"""Browsing and search over the catalogue with the ORM, not a search engine.

Oscar's own views go through Haystack and fetch each result's product one by one; these build one
prefetched queryset (see `shop.catalogue.selectors`) so a page costs the same few queries whatever
the size of the catalogue, on SQLite and PostgreSQL alike.
"""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.core.loading import get_model

from shop.catalogue import selectors
from shop.catalogue.forms import ProductFilterForm

Category = get_model("catalogue", "Category")


class ProductListView(ListView):
    """A page of product cards, filtered by what the URL and the query string say."""

    context_object_name = "products"
    template_name = "oscar/catalogue/browse.html"
    summary = _("All products")

    def get_paginate_by(self, queryset):
        return settings.OSCAR_PRODUCTS_PER_PAGE

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_filters(self) -> dict:
        """What the query string asks for: the search words and the filter form's valid fields
        (the form shows what it could not use)."""
        self.filter_form = ProductFilterForm(self.request.GET)
        return {"query": self.request.GET.get("q", "")[:10_000], **self.filter_form.filters()}

    def get_queryset(self):
        self.filters = self.get_filters()
        return selectors.product_list(**self.filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = self.summary
        context["filters"] = self.filters
        context["filter_form"] = self.filter_form
        context["query"] = self.filters["query"]
        return context


class CatalogueView(ProductListView):
    pass


class ProductCategoryView(ProductListView):
    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=kwargs["pk"], is_public=True)
        expected = self.category.get_absolute_url()
        if request.path != expected:
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{expected}?{query}" if query else expected)
        return super().get(request, *args, **kwargs)

    def get_filters(self) -> dict:
        return {**super().get_filters(), "category": self.category}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["category"] = self.category
        context["summary"] = self.category.name
        return context


class FacetedSearchView(ProductListView):
    """Search results; the name keeps Oscar's URL configuration working."""

    template_name = "oscar/search/results.html"
    summary = _("Search")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = _("Results for “%(q)s”") % {"q": self.filters["query"][:100]}
        return context
