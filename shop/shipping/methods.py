"""Shipping charged per producer: each producer ships its own goods separately.

A producer ships free once its goods (after discounts) reach its free-shipping threshold.
Otherwise, once the buyer's address is known, a producer with a default carrier charges that
carrier's live quote for the parcel, from its pick-up ward to the buyer's ward (quotes.py:
asked of every carrier at once, cached so each checkout step charges the same); without a
quote (no carrier, no answer in time, a carrier error, a unit it does not serve) it charges
its flat rate: one for the buyer's province when it is its own (compared by official code),
another for elsewhere. Before the address is known, the rate for elsewhere is the estimate.

The order's shipping charge is the sum over the producers in the basket; ``breakdown`` gives
the parts, which checkout shows as one line each and which become the order's shipments (with
where each charge came from, the carrier that quoted it and the date it promised).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping import methods
from oscar.core import prices
from oscar.core.loading import get_model

from shop.carriers import registry
from shop.carriers.ports import Party
from shop.fulfilment.parcels import parcel_of
from shop.money import whole_dong
from shop.shipping import quotes
from shop.shipping.delivery import DeliveryWindow, delivery_window


class Reason:
    SAME_PROVINCE = "same_province"
    ELSEWHERE = "elsewhere"
    FREE = "free"

    labels = {
        SAME_PROVINCE: _("within the province"),
        ELSEWHERE: _("to another province"),
        FREE: _("free shipping"),
    }


class Source:
    """Where a charge came from (the values of Shipment.ChargeSource)."""

    QUOTE = "quote"
    FLAT = "flat"
    FREE = "free"


@dataclass(frozen=True)
class ProducerShipping:
    """One producer's part of the shipping: its goods in the basket, what it charges, and
    where that charge came from (a carrier's quote, its flat rate, free shipping)."""

    producer: object  # partner.Partner
    goods: Decimal
    charge: Decimal
    reason: str
    source: str = Source.FLAT
    carrier: str = ""  # the carrier that quoted (a key of settings.CARRIERS)
    expected_delivery: date | None = None
    # A carrier that quotes no date (GHTK's fee API gives none): the typical window instead.
    typical_days: DeliveryWindow | None = None

    @property
    def reason_label(self):
        return Reason.labels[self.reason]

    @property
    def carrier_label(self) -> str:
        """The carrier as buyers call it: "GHN" for "Giao Hàng Nhanh (GHN)"."""
        label = registry.label(self.carrier) if self.carrier else ""
        if label.endswith(")") and "(" in label:
            return label[label.rindex("(") + 1 : -1]
        return label


def producer_charge(*, producer, goods: Decimal, province_code: int | None) -> ProducerShipping:
    """What `producer` charges at its flat rates to ship `goods` to the province of code
    `province_code` (None: not known yet, so the rate for elsewhere is the estimate)."""
    threshold = producer.free_shipping_threshold
    if threshold is not None and goods >= threshold:
        return ProducerShipping(producer, goods, Decimal(0), Reason.FREE, Source.FREE)
    if province_code is not None and producer.province_code == province_code:
        charge, reason = producer.shipping_same_province, Reason.SAME_PROVINCE
    else:
        charge, reason = producer.shipping_elsewhere, Reason.ELSEWHERE
    return ProducerShipping(producer, goods, whole_dong(charge), reason)


class PerProducer(methods.Base):
    code = "per-producer"
    name = _("Shipping by each producer")
    description = _("Each producer ships its goods separately, at its own rates.")

    def __init__(self, province_code: int | None = None, *, address=None):
        """``address``: the buyer's shipping address (its province and ward codes, phone),
        when known; ``province_code`` alone prices the flat rates only."""
        self.address = address
        if address is not None:
            province_code = getattr(address, "province_code", None)
        self.province_code = int(province_code) if province_code else None

    @property
    def is_estimate(self) -> bool:
        """Before the shipping address is known, every producer's rate for elsewhere."""
        return self.province_code is None

    def breakdown(self, basket) -> list[ProducerShipping]:
        lines: dict[int, list] = defaultdict(list)
        for line in basket.all_lines():
            if line.stockrecord_id is None or not line.product.is_shipping_required:
                continue
            lines[line.stockrecord.partner_id].append(line)
        producers = _producers(basket, sorted(lines))
        parts = [
            producer_charge(
                producer=producers[pk],
                goods=whole_dong(sum((_line_goods(line) for line in group), Decimal(0))),
                province_code=self.province_code,
            )
            for pk, group in lines.items()
        ]
        parts = self._quoted(basket, parts, lines)
        return sorted(parts, key=lambda p: (p.producer.name, p.producer.pk))

    def _quoted(self, basket, parts: list[ProducerShipping], lines: dict) -> list:
        """`parts` with the carriers' quotes in place of flat rates, where they came."""
        receiver = _receiver(self.address)
        if receiver is None:
            return parts
        wanted = {}
        for part in parts:
            sender = _sender(part.producer)
            if part.source == Source.FREE or sender is None:
                continue
            wanted[part.producer.pk] = quotes.QuoteRequest(
                carrier=part.producer.default_carrier,
                sender=sender,
                receiver=receiver,
                parcel=parcel_of(lines[part.producer.pk]),
            )
        if not wanted:
            return parts
        found = quotes.quotes_fetch(list(wanted.values()), memo=quotes.basket_memo(basket))
        quoted = []
        for part in parts:
            request = wanted.get(part.producer.pk)
            quote = found.get(request.key) if request else None
            if quote is not None:
                part = replace(
                    part,
                    charge=quote.fee,
                    source=Source.QUOTE,
                    carrier=quote.carrier,
                    expected_delivery=quote.expected_delivery,
                    typical_days=None
                    if quote.expected_delivery
                    else delivery_window(
                        origin=request.sender.province_code,
                        destination=request.receiver.province_code,
                    ),
                )
            quoted.append(part)
        return quoted

    def calculate(self, basket) -> prices.Price:
        total = sum((part.charge for part in self.breakdown(basket)), Decimal(0))
        return prices.Price(currency=basket.currency, excl_tax=total, tax=Decimal(0))


def _producers(basket, pks: list[int]) -> dict:
    """The producers `pks`: those the basket's lines loaded with their stock records, the
    others read once per request for this basket."""
    memo = quotes.basket_memo(basket)
    key = ("producers", tuple(pks))
    if key not in memo:
        loaded = {
            line.stockrecord.partner_id: line.stockrecord.partner
            for line in basket.all_lines()
            if line.stockrecord is not None and line.stockrecord.partner_id in pks
        }
        missing = [pk for pk in pks if pk not in loaded]
        Partner = get_model("partner", "Partner")
        memo[key] = {**loaded, **(Partner.objects.in_bulk(missing) if missing else {})}
    return memo[key]


def _sender(producer) -> Party | None:
    """The producer as its default carrier picks up from it, if it can be quoted."""
    carrier = producer.default_carrier
    if not (carrier and registry.is_configured(carrier)):
        return None
    if not (producer.province_code and producer.ward_code):
        return None
    return Party(
        name=producer.name,
        phone=str(producer.phone or ""),
        province_code=int(producer.province_code),
        ward_code=int(producer.ward_code),
        street=producer.street or "",
    )


def _receiver(address) -> Party | None:
    """The buyer as a carrier delivers to them, once their ward is known."""
    if address is None or not (address.province_code and address.ward_code):
        return None
    return Party(
        name=getattr(address, "salutation", "") or "",
        phone=str(getattr(address, "phone_number", "") or ""),
        province_code=int(address.province_code),
        ward_code=int(address.ward_code),
        street=address.line1 or "",
        hamlet=address.line2 or "",
    )


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
