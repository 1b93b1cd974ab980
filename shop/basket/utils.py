"""Oscar's basket messages, with the offers applied by this basket app's applicator (the site's
offers from the cache, shop/basket/offers.py): adding to the basket no longer reads them from
the database a second time."""

from django.contrib import messages
from oscar.apps.basket import utils

from shop.basket.offers import Applicator


class BasketMessageGenerator(utils.BasketMessageGenerator):
    def apply_messages(self, request, offers_before):
        """Oscar's: the offers applied again, and a message for each one gained or lost."""
        request.basket.reset_offer_applications()
        Applicator().apply(request.basket, request.user, request)
        offers_after = request.basket.applied_offers()
        for level, msg in self.get_messages(request.basket, offers_before, offers_after):
            messages.add_message(request, level, msg, extra_tags="safe noicon")
