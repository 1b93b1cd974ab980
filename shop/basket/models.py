from django.db import IntegrityError, connection, models, transaction
from django.db.models import Exists, OuterRef, prefetch_related_objects
from oscar.apps.basket.abstract_models import AbstractBasket, AbstractLine
from oscar.apps.basket.managers import OpenBasketManager

from shop.money import round_discount


class OpenBaskets(OpenBasketManager):
    """Oscar's open baskets, each read with whether it holds vouchers (`has_vouchers`): the
    basket middleware then asks for its vouchers only when it does (shop/basket/middleware.py)."""

    def get_queryset(self):
        return super().get_queryset().annotate(has_vouchers=self.model.holds_vouchers("pk"))


class Basket(AbstractBasket):
    # Declared here, `objects` first: the default manager stays the one with every basket.
    objects = models.Manager()
    open = OpenBaskets()

    @classmethod
    def holds_vouchers(cls, field: str) -> Exists:
        """Whether the basket whose id is in the outer query's `field` holds vouchers."""
        return Exists(cls.vouchers.through.objects.filter(basket_id=OuterRef(field)))

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
        """Oscar's, on the basket's lines as read already (the form's checks read them): the
        line to add to is found among them, or written without asking first and without a
        transaction of its own. A basket written here, with its first line, has no lines to
        read."""
        options = options or []
        if not self.id:
            self.save()
            self._lines = self.lines.none()
        stock_info = self.get_stock_info(product, options)
        record, currency = stock_info.stockrecord, self.currency
        if not stock_info.price.exists:
            raise ValueError(f"Strategy hasn't found a price for product {product}")
        if currency and stock_info.price.currency != currency:
            raise ValueError(f"Basket lines must all have the same currency ({currency})")
        if record is None:
            raise ValueError(f"Basket lines must all have stock records ({product})")
        reference = self._create_line_reference(product, record, options)
        line = next((line for line in self.all_lines() if line.line_reference == reference), None)
        created = False
        if line is None:
            line = self._line_new(product, record, reference, quantity, stock_info.price)
            created = line is not None
            line = line or self.lines.get(line_reference=reference)  # written meanwhile
        if created:
            for option in options:
                line.attributes.create(option=option["option"], value=option["value"])
        else:
            line.quantity = max(0, line.quantity + quantity)
            line.save()
        self.reset_offer_applications()
        return line, created

    def product_quantity(self, product):
        """Oscar's, from the basket's lines (read once a request) rather than a sum query."""
        if self.id is None:
            return 0
        return sum(line.quantity for line in self.all_lines() if line.product_id == product.pk)

    def _line_new(self, product, record, reference, quantity, price):
        """A new line, or None when another request wrote one with this reference since the
        lines were read. A single INSERT needs no transaction of its own: inside one, a
        savepoint keeps that transaction usable after the refusal."""
        Line = self.lines.model
        line = Line(
            basket=self,
            line_reference=reference,
            product=product,
            stockrecord=record,
            quantity=max(0, quantity),
            price_excl_tax=price.excl_tax,
            price_currency=price.currency,
            tax_code=price.tax_code,
            price_incl_tax=price.incl_tax if price.is_tax_known else None,
        )
        try:
            if connection.in_atomic_block:
                with transaction.atomic():
                    line.save(force_insert=True)
            else:
                line.save(force_insert=True)
        except IntegrityError:
            return None
        return line

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
