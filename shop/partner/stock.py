"""Stock allocated for an order's lines at once: one conditional UPDATE for all its stock
records, so a basket of twenty lines costs what a basket of one does.

The database decides, as `StockRecord.allocate` does for one record: a record is updated only
while enough stock is free, the rows are locked in stock-record order (two orders placed at
once cannot deadlock), and a shortfall on any line places no order. What a save of each record
would have set off follows once for all of them: the low-stock alerts, the buyers' "back in
stock" alerts (Oscar's eager alerts) and, when a product is left with few or none, the shared
page cache.
"""

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from shop import pagecache

StockRecord = get_model("partner", "StockRecord")
StockAlert = get_model("partner", "StockAlert")
ProductAlert = get_model("customer", "ProductAlert")


ALLOCATE = """
WITH allocated AS (
UPDATE partner_stockrecord AS s SET num_allocated = COALESCE(s.num_allocated, 0) + v.quantity
FROM unnest(%s::integer[], %s::integer[]) AS v(id, quantity)
WHERE s.id = v.id AND s.num_in_stock >= COALESCE(s.num_allocated, 0) + v.quantity
AND s.id IN (SELECT id FROM partner_stockrecord WHERE id = ANY(%s) ORDER BY id FOR UPDATE)
RETURNING s.id, s.product_id, s.num_in_stock, s.num_allocated, s.low_stock_threshold
)
SELECT a.id, a.product_id, a.num_in_stock, a.num_allocated, a.low_stock_threshold,
EXISTS (SELECT 1 FROM customer_productalert AS p WHERE p.product_id = a.product_id
AND p.status = %s) AS alerted
FROM allocated AS a
"""


def stock_allocate(*, quantities: dict[int, int], titles: dict[int, str]) -> None:
    """Allocate `quantities` (stock record id -> units) in one statement. Raises Oscar's
    `UnableToPlaceOrder`, naming the product (`titles`, by stock record id) of the first record
    short of stock, and then allocates nothing (the caller's transaction is rolled back)."""
    if not quantities:
        return
    ids = sorted(quantities)
    if connection.vendor == "postgresql":
        params = [ids, [quantities[pk] for pk in ids], ids, ProductAlert.ACTIVE]
        with connection.cursor() as cursor:
            cursor.execute(ALLOCATE, params)
            rows = cursor.fetchall()
        alerted = {row[1] for row in rows if row[5]}
    else:  # the SQLite demo: one conditional UPDATE a record (its writes are serialised)
        rows = _allocate_each(ids, quantities)
        alerted = _alerted({row[1] for row in rows})
    allocated = {row[0] for row in rows}
    short = [pk for pk in ids if pk not in allocated]
    if short:
        UnableToPlaceOrder = get_class("order.exceptions", "UnableToPlaceOrder")
        raise UnableToPlaceOrder(
            _("Sorry, “%(product)s” has just sold out. Please adjust your basket.")
            % {"product": titles.get(short[0], "")}
        )
    _low_stock_alerts_open([row[:5] for row in rows])
    _product_alerts_send(alerted)
    # Pages show whether a product can be bought, and its stock only when few are left
    # (`STOCK_EXACT_AT_MOST`): an order that leaves more changes no page.
    if any(
        in_stock - (held or 0) <= settings.STOCK_EXACT_AT_MOST for _, _, in_stock, held, *_ in rows
    ):
        pagecache.bump_generation_now_and_on_commit()


def _allocate_each(ids: list[int], quantities: dict[int, int]) -> list[tuple]:
    from django.db.models import F, Value
    from django.db.models.functions import Coalesce

    done = []
    for pk in ids:
        quantity = quantities[pk]
        free = StockRecord.objects.filter(
            pk=pk, num_in_stock__gte=Coalesce(F("num_allocated"), Value(0)) + quantity
        )
        if free.update(num_allocated=Coalesce(F("num_allocated"), Value(0)) + quantity):
            done += StockRecord.objects.filter(pk=pk).values_list(
                "pk", "product_id", "num_in_stock", "num_allocated", "low_stock_threshold"
            )
    return done


def _low_stock_alerts_open(rows) -> None:
    """Oscar's low-stock alert for each record now below its threshold that has none open.
    Allocating only lowers the free stock, so no open alert is to be closed."""
    below = {
        pk: threshold
        for pk, _product, in_stock, allocated, threshold in rows
        if threshold is not None and in_stock - (allocated or 0) < threshold
    }
    if not below:
        return
    open_ = set(
        StockAlert.objects.filter(stockrecord_id__in=below, status=StockAlert.OPEN).values_list(
            "stockrecord_id", flat=True
        )
    )
    StockAlert.objects.bulk_create(
        [
            StockAlert(stockrecord_id=pk, threshold=threshold)
            for pk, threshold in below.items()
            if pk not in open_
        ]
    )


def _alerted(product_ids: set[int]) -> set[int]:
    """Which of `product_ids` some buyer asked to hear about (the allocating UPDATE answers it
    on PostgreSQL)."""
    return set(
        ProductAlert.objects.filter(
            product_id__in=product_ids, status=ProductAlert.ACTIVE
        ).values_list("product_id", flat=True)
    )


def _product_alerts_send(alerted: set[int]) -> None:
    """Oscar's eager product alerts, as a save of the record would send them: only for the
    products some buyer asked to hear about (`alerted`, usually none)."""
    if not alerted or not getattr(settings, "OSCAR_EAGER_ALERTS", True):
        return
    AlertsDispatcher = get_class("customer.alerts.utils", "AlertsDispatcher")
    Product = get_model("catalogue", "Product")
    for product in Product.objects.filter(pk__in=alerted):
        AlertsDispatcher().send_product_alert_email_for_user(product)
