from oscar.apps.basket.abstract_models import AbstractBasket, AbstractLine

from shop.money import round_discount


class Basket(AbstractBasket):
    def all_lines(self):
        """Oscar's cached lines, with what pricing each line needs loaded in the same queries."""
        if self.id is not None and self._lines is None:
            self._lines = (
                self.lines.select_related(
                    "product",
                    "product__product_class",
                    "product__producer",
                    "stockrecord",
                    "stockrecord__partner",
                )
                .prefetch_related("attributes", "product__images", "product__stockrecords")
                .order_by(self._meta.pk.name)
            )
            # Evaluated once (the queryset keeps its results): each stock record knows its
            # product, which allocating stock at checkout asks for, line by line.
            for line in self._lines:
                if line.stockrecord is not None:
                    line.stockrecord.product = line.product
        return super().all_lines()

    @property
    def num_lines(self):
        """Number of lines, from the cached lines every basket page loads anyway.

        Oscar counts with a separate query first; that query was on every page a buyer sees.
        """
        return len(self.all_lines())


class Line(AbstractLine):
    def discount(self, discount_value, affected_quantity, incl_tax=True, offer=None):
        """Every offer's discount on a line is whole đồng, so every total is too."""
        super().discount(round_discount(discount_value), affected_quantity, incl_tax, offer)


from oscar.apps.basket.models import *  # noqa: E402, F403 (Oscar's fork pattern)
