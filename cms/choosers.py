"""Admin choosers for catalogue products and producers.

Editors pick products and producers from a searchable modal (names typed with or without
diacritics), never by typing ids. Each chooser also gives a StreamField block (`cms.blocks`) and
the widget Wagtail uses for foreign keys to that model.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from cms import selectors


class FoldedSearchForm(BaseFilterForm):
    """A search box that ignores diacritics, like the shop's search."""

    q = forms.CharField(
        label=_("Search term"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Search, with or without diacritics")}),
    )
    search = None  # a selector: (query) -> queryset of matching ids

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(pk__in=type(self).search(query))
            self.is_searching = True
            self.search_query = query
        return objects


class ProductSearchForm(FoldedSearchForm):
    search = staticmethod(selectors.product_ids_matching)


class ProducerSearchForm(FoldedSearchForm):
    search = staticmethod(selectors.producer_ids_matching)


class ProductChooseMixin:
    filter_form_class = ProductSearchForm
    ordering = ("title", "pk")

    def get_object_list(self):
        return selectors.product_choices()

    @property
    def columns(self):
        return [
            self.title_column,
            Column("producer", label=_("Producer"), accessor="producer"),
            Column("origin", label=_("Origin"), accessor="origin_label"),
        ]


class ProductChooseView(ProductChooseMixin, ChooseView):
    pass


class ProductChooseResultsView(ProductChooseMixin, ChooseResultsView):
    pass


class ProducerChooseMixin:
    filter_form_class = ProducerSearchForm
    ordering = ("name", "pk")

    def get_object_list(self):
        return selectors.producer_choices()

    @property
    def columns(self):
        return [
            self.title_column,
            Column("kind", label=_("Producer type"), accessor="get_kind_display"),
            Column("location", label=_("Location"), accessor="location_label"),
        ]


class ProducerChooseView(ProducerChooseMixin, ChooseView):
    pass


class ProducerChooseResultsView(ProducerChooseMixin, ChooseResultsView):
    pass


class ProductChooserViewSet(ChooserViewSet):
    model = "catalogue.Product"
    icon = "pick"
    choose_one_text = _("Choose a product")
    choose_another_text = _("Choose another product")
    edit_item_text = _("Edit in the dashboard")
    choose_view_class = ProductChooseView
    choose_results_view_class = ProductChooseResultsView
    per_page = 20


class ProducerChooserViewSet(ChooserViewSet):
    model = "partner.Partner"
    icon = "group"
    choose_one_text = _("Choose a producer")
    choose_another_text = _("Choose another producer")
    edit_item_text = _("Edit in the dashboard")
    choose_view_class = ProducerChooseView
    choose_results_view_class = ProducerChooseResultsView
    per_page = 20


product_chooser = ProductChooserViewSet("product_chooser", url_prefix="choose/product")
producer_chooser = ProducerChooserViewSet("producer_chooser", url_prefix="choose/producer")
