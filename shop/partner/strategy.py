"""Oscar's pricing and availability strategy, with one rule of ours: a product with a lot that
failed inspection (a flagged lot) is not sold, from the moment the inspector flags it."""

from django.utils.translation import gettext_lazy as _
from oscar.apps.partner import strategy as oscar_strategy
from oscar.apps.partner.strategy import *  # noqa: F403 (Oscar's fork pattern; ours below win)
from oscar.core.loading import get_class

from traceability.selectors import flagged_product_ids

Unavailable = get_class("partner.availability", "Unavailable")


class WithdrawnAfterInspection(Unavailable):
    code = "unavailable withdrawn"
    message = _("Withdrawn from sale: a lot failed inspection")

    def is_purchase_permitted(self, quantity):
        return False, self.message


class FlaggedLotsWithdrawn:
    """Mixin: products with a flagged lot are unavailable, whatever their stock."""

    def availability_policy(self, product, stockrecord):
        if product.pk in self._flagged() or (
            product.parent_id is not None and product.parent_id in self._flagged()
        ):
            return WithdrawnAfterInspection()
        return super().availability_policy(product, stockrecord)

    def _flagged(self) -> frozenset[int]:
        # one cache read per strategy (that is, per request), none per product
        if not hasattr(self, "_flagged_ids"):
            self._flagged_ids = flagged_product_ids()
        return self._flagged_ids


class NoLongerOnSale(Unavailable):
    code = "unavailable withdrawn"
    message = _("No longer on sale")

    def is_purchase_permitted(self, quantity):
        return False, self.message


class HiddenNotSold:
    """Mixin: a product hidden from buyers (an operator took the listing down, say) is not sold,
    even from a basket filled before it was hidden; nor is a variant of a hidden product (a
    takedown hides the parent, its variants keep their own flag)."""

    def availability_policy(self, product, stockrecord):
        hidden_parent = product.parent_id is not None and not product.parent.is_public
        if not product.is_public or hidden_parent:
            return NoLongerOnSale()
        return super().availability_policy(product, stockrecord)


class Default(HiddenNotSold, FlaggedLotsWithdrawn, oscar_strategy.Default):
    # Prices and availability do not depend on who asks, so every visitor may be served the
    # same page (shop/pagecache.py). A strategy that prices per visitor leaves this False.
    same_for_everyone = True

    def fetch_for_line(self, line, stockrecord=None):
        """Priced from the line's own stock record (loaded with the basket's lines), not by
        choosing among the product's records again (Oscar's), which costs a query a line."""
        return self.fetch_for_product(line.product, stockrecord or line.stockrecord)


class Selector(oscar_strategy.Selector):
    def strategy(self, request=None, user=None, **kwargs):
        return Default(request)
