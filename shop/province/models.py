"""The province dashboard's summary tables: the floor's orders, sales and deliveries grouped by
day (Asia/Ho_Chi_Minh) and by what the dashboard breaks them down by.

They are small next to the orders they summarise (a day holds a few hundred rows where the
floor holds thousands of order lines), and sales and deliveries are added up again per month
(`SalesMonth`, `DeliveryMonth`), so a period of two years reads its whole months from a few
thousand rows and only its odd first and last days from the daily tables.

`shop.province.services.summaries_refresh` rebuilds a range of days from the orders (one
INSERT … SELECT … GROUP BY per table); the beat task keeps the last days fresh and the
`province_refresh` command rebuilds any range. Ids are plain integers, not foreign keys: a
summary row never holds up a change to what it counts.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 16, "decimal_places": 0}


class Sales(models.Model):
    """Counted orders' lines sold, per producer, top-level category and OCOP stars."""

    day = models.DateField()  # the day, or the month's first day
    partner_id = models.IntegerField()
    category_id = models.IntegerField(default=0)  # the product's top-level category; 0: none
    ocop_stars = models.SmallIntegerField(default=0)  # 0: not OCOP-rated
    gmv = models.DecimalField(default=0, **MONEY)  # goods incl. tax, after discounts
    units = models.IntegerField(default=0)
    traced_units = models.IntegerField(default=0)  # from lots anchored and inspected

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} producer {self.partner_id}: {self.gmv}"


class SalesDay(Sales):
    class Meta:
        verbose_name = _("Sales of a day")
        indexes = [models.Index(fields=["day", "partner_id"], name="province_sales_day")]


class SalesMonth(Sales):
    """A month's SalesDay rows added up: what a long period reads for its whole months."""

    class Meta:
        verbose_name = _("Sales of a month")
        indexes = [models.Index(fields=["day", "partner_id"], name="province_sales_month")]


class OrdersDay(models.Model):
    """Counted orders placed on a day, per payment method."""

    day = models.DateField()
    method = models.CharField(max_length=16)
    orders = models.IntegerField(default=0)
    gmv = models.DecimalField(default=0, **MONEY)

    class Meta:
        verbose_name = _("Orders of a day")
        indexes = [models.Index(fields=["day"], name="province_orders_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.method}: {self.orders}"


class OutcomesDay(models.Model):
    """Every order placed on a day, and how many of them count, succeeded and failed as
    `shop.order.outcomes` says (as they stood at the last refresh), with the counted ones' GMV:
    what the Ministry's statistics read."""

    day = models.DateField(unique=True)
    placed = models.IntegerField(default=0)
    counted = models.IntegerField(default=0)
    succeeded = models.IntegerField(default=0)
    failed = models.IntegerField(default=0)
    gmv = models.DecimalField(default=0, **MONEY)  # counted orders' goods incl. tax

    class Meta:
        verbose_name = _("Order outcomes of a day")

    def __str__(self) -> str:
        return f"{self.day}: {self.placed} placed, {self.counted} counted"


class BuyerDay(models.Model):
    """Who paid on a day: the user's id, or (for a guest) a negative number derived from the
    e-mail address. The buyers' bitsets (`BuyerBitsDay`, `BuyerBitsMonth`) are built from these
    rows, and distinct buyers over a period counted from the bitsets."""

    day = models.DateField()
    buyer = models.BigIntegerField()

    class Meta:
        verbose_name = _("Buyer of a day")
        constraints = [
            models.UniqueConstraint(fields=["day", "buyer"], name="province_buyer_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} buyer {self.buyer}"


class BitString(models.Field):
    """A PostgreSQL `bit varying`: written and read in SQL only (bit_or, bit_count)."""

    description = _("Bit string")

    def db_type(self, connection) -> str:
        return "bit varying"


class BuyerKey(models.Model):
    """The buyers' dictionary: each buyer seen in `BuyerDay` gets a position (0, 1, 2, …) for
    good, its bit in the `BuyerBits` rows. It only grows."""

    buyer = models.BigIntegerField(unique=True)  # as in BuyerDay
    position = models.IntegerField(unique=True)

    class Meta:
        verbose_name = _("Buyer's bit position")

    def __str__(self) -> str:
        return f"buyer {self.buyer} at bit {self.position}"


class BuyerBits(models.Model):
    """The buyers who paid on a day (or in a month), one bit each at their `BuyerKey` position.

    Every row has the same length (a multiple of `services.BITS_STEP`, with headroom over the
    dictionary): the paying buyers of any period are `bit_count(bit_or(bits))` over its whole
    months' and odd days' rows, exact, in a few dozen rows where `BuyerDay` holds a million.
    When the dictionary outgrows the length, every row is widened (zeros on the right)."""

    day = models.DateField(unique=True)  # the day, or the month's first day
    bits = BitString()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"buyers of {self.day}"


class BuyerBitsDay(BuyerBits):
    class Meta:
        verbose_name = _("Buyers of a day")


class BuyerBitsMonth(BuyerBits):
    class Meta:
        verbose_name = _("Buyers of a month")


class Basis(models.TextChoices):
    SHIPPED = "shipped", _("From shipping to delivery")
    PLACED = "placed", _("From order to delivery")


class Deliveries(models.Model):
    """Shipments delivered, per carrier and whole hours taken (from shipping, and from the
    order's placing): a histogram medians and averages are read from."""

    day = models.DateField()  # the day, or the month's first day
    carrier = models.CharField(max_length=64)
    basis = models.CharField(max_length=8, choices=Basis.choices)
    hours = models.IntegerField()
    shipments = models.IntegerField(default=0)
    quoted = models.IntegerField(default=0)  # with a quoted delivery date (PLACED rows only)
    on_time = models.IntegerField(default=0)  # delivered by that date (PLACED rows only)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.carrier} {self.basis} {self.hours} h: {self.shipments}"


class DeliveryDay(Deliveries):
    class Meta:
        verbose_name = _("Deliveries of a day")
        indexes = [models.Index(fields=["day", "carrier"], name="province_delivery_day")]


class DeliveryMonth(Deliveries):
    class Meta:
        verbose_name = _("Deliveries of a month")
        indexes = [models.Index(fields=["day", "carrier"], name="province_delivery_month")]


class Refresh(models.Model):
    """When the summaries were last rebuilt, and which days."""

    first_day = models.DateField()
    last_day = models.DateField()
    finished_at = models.DateTimeField(db_index=True)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("Summary refresh")
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"{self.first_day}…{self.last_day} at {self.finished_at}"
