"""Public pages of producers: who they are, where they are, and their live products."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView
from oscar.core.loading import get_class, get_model

from shop.catalogue import selectors

Partner = get_model("partner", "Partner")


def story_page_for(producer):
    """The live content page telling this producer's story, in the current language, if any."""
    from wagtail.models import Locale

    pages = producer.story_pages.live()
    return pages.filter(locale=Locale.get_active()).first() or pages.first()


ProductListView = get_class("search.views", "ProductListView")


class ProducerListView(ListView):
    template_name = "oscar/partner/producer_list.html"
    context_object_name = "producers"

    def get_queryset(self):
        return selectors.public_producers()


class ProducerDetailView(ProductListView):
    template_name = "oscar/partner/producer_detail.html"

    def get(self, request, *args, **kwargs):
        self.producer = get_object_or_404(Partner, code=kwargs["code"], is_public=True)
        return super().get(request, *args, **kwargs)

    def get_filters(self) -> dict:
        return {**super().get_filters(), "producer": self.producer}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["producer"] = self.producer
        context["certificates"] = selectors.producer_certificates(producer=self.producer)
        context["story_page"] = story_page_for(self.producer)
        context["summary"] = self.producer.name
        return context
