"""Oscar's basket middleware, with the offers of a basket found in fewer queries: a basket
read without vouchers asks for none, and the site's offers are read from the cache
(shop/basket/offers.py)."""

from oscar.apps.basket import middleware

from shop.basket.offers import Applicator


class BasketMiddleware(middleware.BasketMiddleware):
    def get_basket(self, request):
        basket = super().get_basket(request)
        if getattr(basket, "has_vouchers", None) is False:
            basket.vouchers_none()
        return basket

    def merge_baskets(self, master, slave):
        """Oscar's; the merged basket may have gained the other's vouchers."""
        super().merge_baskets(master, slave)
        master.has_vouchers = None
        getattr(master, "_prefetched_objects_cache", {}).pop("vouchers", None)

    def apply_offers_to_basket(self, request, basket):
        if not basket.is_empty:
            Applicator().apply(basket, request.user, request)
