"""Oscar's order creator, writing an order's lines, their prices and their stock in a few
statements whatever the size of the basket: the lines and their prices in bulk, the stock of
every line allocated in one conditional UPDATE (shop/partner/stock.py). It runs inside the
checkout's transaction (shop/checkout/views.py), which holds the basket's lock."""

from collections import defaultdict

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from oscar.apps.order import utils
from oscar.apps.order.signals import order_placed
from oscar.core.loading import get_class, get_model

from shop.partner.stock import stock_allocate

OrderNumberGenerator = utils.OrderNumberGenerator  # Oscar's: 100000 + the basket's id
UnableToPlaceOrder = get_class("order.exceptions", "UnableToPlaceOrder")
Line = get_model("order", "Line")
LinePrice = get_model("order", "LinePrice")
LineAttribute = get_model("order", "LineAttribute")


class OrderCreator(utils.OrderCreator):
    def place_order(
        self,
        basket,
        total,
        shipping_method,
        shipping_charge,
        user=None,
        shipping_address=None,
        billing_address=None,
        order_number=None,
        status=None,
        request=None,
        surcharges=None,
        **kwargs,
    ):
        """Oscar's, in the caller's transaction. The order number is the basket's, and the
        caller found no order for this basket under the basket's lock: no number to check.
        The lines are written with `line_status` if given (else Oscar's initial one).

        With `finish_later`, the stock is not allocated nor `order_placed` sent: the caller
        calls `place_order_finish` as the last write of its transaction. Both lock rows every
        buyer of a product shares (its stock record, its purchase counter), held until the
        commit: written last, concurrent orders of one product wait for each other the least."""
        line_status = kwargs.pop("line_status", None) or getattr(
            settings, "OSCAR_INITIAL_LINE_STATUS", ""
        )
        finish_later = kwargs.pop("finish_later", False)
        if basket.is_empty:
            raise ValueError(_("Empty baskets cannot be submitted"))
        if not order_number:
            order_number = OrderNumberGenerator().order_number(basket)
        if not status and hasattr(settings, "OSCAR_INITIAL_ORDER_STATUS"):
            status = settings.OSCAR_INITIAL_ORDER_STATUS
        kwargs["surcharges"] = surcharges
        order = self.create_order_model(
            user,
            basket,
            shipping_address,
            shipping_method,
            shipping_charge,
            billing_address,
            total,
            order_number,
            status,
            request,
            **kwargs,
        )
        vouchers = list(basket.vouchers.select_for_update())
        for voucher in vouchers:
            if not voucher.is_active():  # the basket ignores inactive vouchers
                basket.vouchers.remove(voucher)
            else:
                available_to_user, msg = voucher.is_available_to_user(user=user)
                if not available_to_user:
                    raise ValueError(msg)
        for application in basket.offer_applications:
            application["message"] = application["offer"].apply_deferred_benefit(
                basket, order, application
            )
            if application["result"].affects_shipping:
                shipping_discount = shipping_method.discount(basket)
                if shipping_discount <= 0:
                    continue
                application["discount"] = shipping_discount
            self.create_discount_model(order, application)
            self.record_discount(application)
        for voucher in vouchers:
            if voucher.is_active():
                self.record_voucher_usage(order, voucher, user)
        lines = self.create_lines(order, basket, status=line_status)
        # The order's lines as written: read by what follows (shipments, analytics).
        written = Line.objects.filter(order=order)
        written._result_cache = lines
        order._prefetched_objects_cache = {"lines": written}
        if not finish_later:
            self.place_order_finish(order, basket=basket, user=user)
        return order

    def place_order_finish(self, order, *, basket, user) -> None:
        """The stock of `basket`'s lines allocated (Oscar's `UnableToPlaceOrder` when one is
        short: the caller's transaction places nothing), then Oscar's `order_placed` sent."""
        self.allocate_stock(basket)
        order_placed.send(sender=self, order=order, user=user)

    def create_lines(self, order, basket, *, status: str) -> list:
        """The order's lines in basket order (their ids keep the order the buyer saw), then
        their prices and options, each kind in one INSERT."""
        basket_lines = list(basket.all_lines())
        lines = []
        for basket_line in basket_lines:
            stockrecord = basket_line.stockrecord
            if not stockrecord:
                raise UnableToPlaceOrder(f"Basket line #{basket_line.id} has no stockrecord")
            product, partner = basket_line.product, stockrecord.partner
            lines.append(
                Line(
                    order=order,
                    partner=partner,
                    partner_name=partner.name,
                    partner_sku=stockrecord.partner_sku,
                    stockrecord=stockrecord,
                    product=product,
                    title=product.get_title(),
                    upc=product.upc,
                    quantity=basket_line.quantity,
                    line_price_excl_tax=basket_line.line_price_excl_tax_incl_discounts,
                    line_price_incl_tax=basket_line.line_price_incl_tax_incl_discounts,
                    line_price_before_discounts_excl_tax=basket_line.line_price_excl_tax,
                    line_price_before_discounts_incl_tax=basket_line.line_price_incl_tax,
                    unit_price_incl_tax=basket_line.unit_price_incl_tax,
                    unit_price_excl_tax=basket_line.unit_price_excl_tax,
                    tax_code=basket_line.tax_code,
                    num_allocated=basket_line.quantity,
                    status=status,
                )
            )
        Line.objects.bulk_create(lines)
        prices, attributes = [], []
        for line, basket_line in zip(lines, basket_lines, strict=True):
            for price_incl_tax, price_excl_tax, quantity in basket_line.get_price_breakdown():
                prices.append(
                    LinePrice(
                        order=order,
                        line=line,
                        quantity=quantity,
                        price_incl_tax=price_incl_tax,
                        price_excl_tax=price_excl_tax,
                        tax_code=basket_line.tax_code,
                    )
                )
            for attribute in basket_line.attributes.all():
                attributes.append(
                    LineAttribute(
                        line=line,
                        option=attribute.option,
                        type=attribute.option.code,
                        value=attribute.value,
                    )
                )
        LinePrice.objects.bulk_create(prices)
        if attributes:
            LineAttribute.objects.bulk_create(attributes)
        for line, basket_line in zip(lines, basket_lines, strict=True):
            self.create_line_discount_models(order, line, basket_line)
            self.create_additional_line_models(order, line, basket_line)
        return lines

    def allocate_stock(self, basket) -> None:
        """Every line's stock at once; none if any line is short (the order is not placed)."""
        quantities, titles = defaultdict(int), {}
        for line in basket.all_lines():
            if line.stockrecord and line.product.get_product_class().track_stock:
                quantities[line.stockrecord_id] += line.quantity
                titles[line.stockrecord_id] = line.product.get_title()
        stock_allocate(quantities=dict(quantities), titles=titles)


PRODUCTS_BOUGHT = """
INSERT INTO analytics_productrecord
    (product_id, num_purchases, num_views, num_basket_additions, score)
SELECT v.product_id, v.quantity, 0, 0, 0
FROM unnest(%s::integer[], %s::integer[]) AS v(product_id, quantity) ORDER BY v.product_id
ON CONFLICT (product_id) DO UPDATE
SET num_purchases = analytics_productrecord.num_purchases + EXCLUDED.num_purchases
"""
PRODUCT_BOUGHT = """
INSERT INTO analytics_productrecord
    (product_id, num_purchases, num_views, num_basket_additions, score)
VALUES (%s, %s, 0, 0, 0)
ON CONFLICT (product_id) DO UPDATE
SET num_purchases = analytics_productrecord.num_purchases + EXCLUDED.num_purchases
"""
USER_ORDERED = """
INSERT INTO analytics_userrecord (user_id, num_orders, num_order_lines, num_order_items,
    total_spent, date_last_order, num_product_views, num_basket_additions)
VALUES (%s, 1, %s, %s, %s, %s, 0, 0)
ON CONFLICT (user_id) DO UPDATE SET
    num_orders = analytics_userrecord.num_orders + 1,
    num_order_lines = analytics_userrecord.num_order_lines + EXCLUDED.num_order_lines,
    num_order_items = analytics_userrecord.num_order_items + EXCLUDED.num_order_items,
    total_spent = analytics_userrecord.total_spent + EXCLUDED.total_spent,
    date_last_order = EXCLUDED.date_last_order
"""


def analytics_record_order(sender, order, user, **kwargs) -> None:
    """Oscar's analytics of an order (each product's purchases, the buyer's orders and
    spending), in two statements whatever the number of lines; replaces Oscar's receiver."""
    if kwargs.get("raw", False):
        return
    bought = defaultdict(int)
    for line in order.lines.all():
        if line.product_id:
            bought[line.product_id] += line.quantity
    buyer = user is not None and user.is_authenticated
    with connection.cursor() as cursor:
        if bought and connection.vendor == "postgresql" and buyer:  # both in one statement
            lines = list(order.lines.all())
            cursor.execute(
                f"WITH products AS ({PRODUCTS_BOUGHT}) {USER_ORDERED}",
                [list(bought), [bought[pk] for pk in bought], *_user_figures(user, order, lines)],
            )
            return
        if bought and connection.vendor == "postgresql":
            cursor.execute(PRODUCTS_BOUGHT, [list(bought), [bought[pk] for pk in bought]])
        elif bought:  # the SQLite demo: the same upsert a product
            for product_id in sorted(bought):
                cursor.execute(PRODUCT_BOUGHT, [product_id, bought[product_id]])
        if buyer:
            cursor.execute(USER_ORDERED, _user_figures(user, order, list(order.lines.all())))


def _user_figures(user, order, lines) -> list:
    return [
        user.pk,
        len(lines),
        sum(line.quantity for line in lines),
        order.total_incl_tax,
        order.date_placed,
    ]


PRODUCT_ADDED = """
INSERT INTO analytics_productrecord
    (product_id, num_purchases, num_views, num_basket_additions, score)
VALUES (%s, 0, 0, 1, 0)
ON CONFLICT (product_id) DO UPDATE
SET num_basket_additions = analytics_productrecord.num_basket_additions + 1
"""
USER_ADDED = """
INSERT INTO analytics_userrecord (user_id, num_orders, num_order_lines, num_order_items,
    total_spent, date_last_order, num_product_views, num_basket_additions)
VALUES (%s, 0, 0, 0, 0, NULL, 0, 1)
ON CONFLICT (user_id) DO UPDATE
SET num_basket_additions = analytics_userrecord.num_basket_additions + 1
"""


def analytics_record_basket_addition(sender, product, user, **kwargs) -> None:
    """Oscar's analytics of a product added to a basket (the product's additions, the
    buyer's), counted by upserts: one statement on PostgreSQL, not up to four; replaces
    Oscar's receiver."""
    if kwargs.get("raw", False):
        return
    buyer = user is not None and user.is_authenticated
    with connection.cursor() as cursor:
        if buyer and connection.vendor == "postgresql":
            cursor.execute(
                f"WITH products AS ({PRODUCT_ADDED}) {USER_ADDED}", [product.pk, user.pk]
            )
            return
        cursor.execute(PRODUCT_ADDED, [product.pk])
        if buyer:
            cursor.execute(USER_ADDED, [user.pk])
