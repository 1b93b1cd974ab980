from django.db import models
from django.db.models import Exists, OuterRef, prefetch_related_objects
from oscar.apps.basket.abstract_models import AbstractBasket, AbstractLine
from oscar.apps.basket.managers import OpenBasketManager

from shop.money import round_discount


class OpenBaskets(OpenBasketManager):
    """Oscar's open baskets, each read with whether it holds vouchers (`has_vouchers`): the
    basket middleware then asks for its vouchers only when it does (shop/basket/middleware.py)."""

    def get_queryset(self):
        vouchers = self.model.vouchers.through.objects.filter(basket_id=OuterRef("pk"))
        return super().get_queryset().annotate(has_vouchers=Exists(vouchers))


class Basket(AbstractBasket):
    # Declared here, `objects` first: the default manager stays the one with every basket.
    objects = models.Manager()
    open = OpenBaskets()

    def all_lines(self):
        """Oscar's cached lines, with what pricing each line needs, in one query
        (`lines_priced`)."""
        if self.id is not None and self._lines is None:
            self._lines = self.lines_priced(self.lines.all())
        return super().all_lines()

    @classmethod
    def lines_priced(cls, lines: models.QuerySet) -> models.QuerySet:
        """`lines` read with what pricing each line needs, in one query: with their products
        and stock records. Each line is priced from its own stock record, so the products'
        other records are not loaded; a line's options are loaded only for the lines that have
        some (rare here); the products' images only by the pages that show them
        (`images_load`). Returned evaluated (the queryset keeps its results)."""
        LineAttribute = cls.lines.rel.related_model.attributes.rel.related_model
        lines = (
            lines.select_related(
                "product",
                "product__product_class",
                "product__producer",
                "stockrecord",
                "stockrecord__partner",
            )
            .annotate(has_options=Exists(LineAttribute.objects.filter(line=OuterRef("pk"))))
            .order_by("pk")
        )
        # Each stock record knows its product, which allocating stock at checkout asks for,
        # line by line.
        with_options = []
        for line in lines:
            if line.stockrecord is not None:
                line.stockrecord.product = line.product
            if line.has_options:
                with_options.append(line)
            else:
                line._prefetched_objects_cache = {"attributes": line.attributes.none()}
        prefetch_related_objects(with_options, "attributes")
        return lines

    def save(self, *args, **kwargs):
        """Written for the first time (with its first line), it holds no vouchers yet."""
        new = self._state.adding
        super().save(*args, **kwargs)
        if new:
            self.vouchers_none()

    def add_product(self, product, quantity=1, options=None):
        """Oscar's. A basket written here, with its first line, is known to have no lines yet:
        the currency of its lines is not asked of the database."""
        if not self.id:
            self.save()
            self._lines = self.lines.none()
        return super().add_product(product, quantity, options)

    def vouchers_none(self) -> None:
        """The basket is known to hold no vouchers (read with it): asking for them costs no
        query. Django's add() of a voucher forgets this."""
        prefetched = self.__dict__.setdefault("_prefetched_objects_cache", {})
        prefetched["vouchers"] = self.vouchers.model.objects.none()

    def images_load(self) -> None:
        """The images of the lines' products, in one query, for a page that shows them."""
        products = [line.product for line in self.all_lines()]
        prefetch_related_objects(
            [product for product in products if not _images_loaded(product)], "images"
        )

    @property
    def num_lines(self):
        """Number of lines, from the cached lines every basket page loads anyway.

        Oscar counts with a separate query first; that query was on every page a buyer sees.
        """
        return len(self.all_lines())


def _images_loaded(product) -> bool:
    return "images" in getattr(product, "_prefetched_objects_cache", {})


class Line(AbstractLine):
    def discount(self, discount_value, affected_quantity, incl_tax=True, offer=None):
        """Every offer's discount on a line is whole đồng, so every total is too."""
        super().discount(round_discount(discount_value), affected_quantity, incl_tax, offer)


from oscar.apps.basket.models import *  # noqa: E402, F403 (Oscar's fork pattern)
