"""Oscar's basket middleware, with a signed-in buyer's basket read with its lines in one query
and the offers of a basket found in fewer queries: a basket read without vouchers asks for
none, and the site's offers are read from the cache (shop/basket/offers.py). A signed-in buyer's
basket is written with its first line, as an anonymous visitor's is: Oscar writes an empty one
on the first page they open."""

from oscar.apps.basket import middleware
from oscar.core.loading import get_model

from shop.basket.offers import Applicator

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")


class BasketMiddleware(middleware.BasketMiddleware):
    def get_basket(self, request):
        if request._basket_cache is None:
            request._basket_cache = self._owners_basket(request)
        basket = super().get_basket(request)  # Oscar's, for what _owners_basket leaves to it
        if getattr(basket, "has_vouchers", None) is False:
            basket.vouchers_none()
        return basket

    def _owners_basket(self, request):
        """A signed-in buyer's open basket, or, without one, a new basket that Oscar's
        `add_product` writes with its first line. None (Oscar's own way) for a buyer with a
        cookie basket to merge into theirs, or with several open baskets (Oscar merges them:
        two first lines added at once make two)."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.get_cookie_key(request) in request.COOKIES:
            return None
        basket = self._basket_with_lines(user)
        if basket is None:
            found = list(Basket.open.filter(owner=user)[:2])
            if len(found) > 1:
                return None
            basket = found[0] if found else Basket(owner=user)
        basket.owner = user  # no query for it later
        return basket

    @staticmethod
    def _basket_with_lines(user):
        """The buyer's open basket read through its lines, all of them in the one query (each
        checkout step asks for them): None when no open basket of theirs has a line, or when
        two have (Oscar merges them)."""
        lines = Basket.lines_priced(
            Line.objects.filter(basket__owner=user, basket__status=Basket.OPEN)
            .select_related("basket")
            .annotate(basket_has_vouchers=Basket.holds_vouchers("basket_id"))
        )
        if not lines or len({line.basket_id for line in lines}) > 1:
            return None
        basket = lines[0].basket
        basket.has_vouchers = lines[0].basket_has_vouchers
        for line in lines:
            line.basket = basket
        basket._lines = lines
        return basket

    def merge_baskets(self, master, slave):
        """Oscar's; the merged basket may have gained the other's vouchers."""
        super().merge_baskets(master, slave)
        master.has_vouchers = None
        getattr(master, "_prefetched_objects_cache", {}).pop("vouchers", None)

    def apply_offers_to_basket(self, request, basket):
        if not basket.is_empty:
            Applicator().apply(basket, request.user, request)
