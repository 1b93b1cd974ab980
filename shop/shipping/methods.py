"""Shipping charged per producer: each producer ships its own goods separately.

A producer charges its rate for the buyer's province when it is its own, its rate for elsewhere
otherwise, and nothing once its goods (after discounts) reach its free-shipping threshold. The
order's shipping charge is the sum over the producers in the basket; ``breakdown`` gives the
parts, which checkout shows as one line each and which become the order's shipments.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping import methods
from oscar.core import prices
from oscar.core.loading import get_model

from shop.money import whole_dong


class Reason:
    SAME_PROVINCE = "same_province"
    ELSEWHERE = "elsewhere"
    FREE = "free"

    labels = {
        SAME_PROVINCE: _("within the province"),
        ELSEWHERE: _("to another province"),
        FREE: _("free shipping"),
    }


@dataclass(frozen=True)
class ProducerShipping:
    """One producer's part of the shipping: its goods in the basket and what it charges."""

    producer: object  # partner.Partner
    goods: Decimal
    charge: Decimal
    reason: str

    @property
    def reason_label(self):
        return Reason.labels[self.reason]


def producer_charge(*, producer, goods: Decimal, province_code: int | None) -> ProducerShipping:
    """What `producer` charges to ship `goods` to the province of code `province_code` (None:
    not known yet, so the rate for elsewhere is the estimate)."""
    threshold = producer.free_shipping_threshold
    if threshold is not None and goods >= threshold:
        return ProducerShipping(producer, goods, Decimal(0), Reason.FREE)
    if province_code is not None and producer.province_code == province_code:
        charge, reason = producer.shipping_same_province, Reason.SAME_PROVINCE
    else:
        charge, reason = producer.shipping_elsewhere, Reason.ELSEWHERE
    return ProducerShipping(producer, goods, whole_dong(charge), reason)


class PerProducer(methods.Base):
    code = "per-producer"
    name = _("Shipping by each producer")
    description = _("Each producer ships its goods separately, at its own rates.")

    def __init__(self, province_code: int | None = None):
        self.province_code = province_code

    @property
    def is_estimate(self) -> bool:
        """Before the shipping address is known, every producer's rate for elsewhere."""
        return self.province_code is None

    def breakdown(self, basket) -> list[ProducerShipping]:
        goods: dict[int, Decimal] = defaultdict(Decimal)
        for line in basket.all_lines():
            if line.stockrecord_id is None or not line.product.is_shipping_required:
                continue
            goods[line.stockrecord.partner_id] += _line_goods(line)
        Partner = get_model("partner", "Partner")
        producers = Partner.objects.in_bulk(list(goods))
        parts = [
            producer_charge(
                producer=producers[pk], goods=whole_dong(amount), province_code=self.province_code
            )
            for pk, amount in goods.items()
        ]
        return sorted(parts, key=lambda p: (p.producer.name, p.producer.pk))

    def calculate(self, basket) -> prices.Price:
        total = sum((part.charge for part in self.breakdown(basket)), Decimal(0))
        return prices.Price(currency=basket.currency, excl_tax=total, tax=Decimal(0))


def _line_goods(line) -> Decimal:
    """The line's value after discounts, as the buyer pays it."""
    if line.is_tax_known:
        return line.line_price_incl_tax_incl_discounts
    return line.line_price_excl_tax_incl_discounts


def breakdown_of(method, basket) -> list[ProducerShipping] | None:
    """The per-producer parts of `method` (unwrapping Oscar's shipping-offer decorators), or
    None for a method that is not charged per producer."""
    inner = getattr(method, "method", method)
    if isinstance(inner, PerProducer):
        return inner.breakdown(basket)
    return None
