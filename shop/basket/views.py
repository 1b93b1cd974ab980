from django.shortcuts import get_object_or_404
from django.views.generic import FormView
from oscar.apps.basket import views

from shop.basket.offers import Applicator
from shop.catalogue.selectors import product_to_add


class BasketView(views.BasketView):
    def get_context_data(self, **kwargs):
        """Oscar's, with the lines' images loaded at once for their thumbnails."""
        self.request.basket.images_load()
        return super().get_context_data(**kwargs)

    def get_upsell_messages(self, basket):
        """Oscar's, with the offers from this app's applicator (the site's from the cache)."""
        offers = Applicator().get_offers(basket, self.request.user, self.request)
        applied_offers = list(basket.offer_applications.offers.values())
        return [
            {"message": offer.get_upsell_message(basket), "offer": offer}
            for offer in offers
            if offer.is_condition_partially_satisfied(basket) and offer not in applied_offers
        ]


class BasketAddView(views.BasketAddView):
    def post(self, request, *args, **kwargs):
        """Oscar's, with the product read once with all that adding it asks of it
        (`product_to_add`): the form's checks and the new line each chose its stock record
        again, and asked for its class and options."""
        self.product = get_object_or_404(product_to_add(), pk=kwargs["pk"])
        return FormView.post(self, request, *args, **kwargs)
