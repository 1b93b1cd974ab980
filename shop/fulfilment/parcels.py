"""What a carrier is given about a shipment, in the carrier port's words (shop/carriers/ports):
the producer as sender (its pick-up address), the buyer as receiver (the order's shipping
address), and the parcel (weight from the products' packed weights, the goods' value, the cash
to collect). Checkout's quotes and the waybills both build them here."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings

from shop.carriers.ports import Parcel, ParcelItem, Party
from shop.money import whole_dong

# A unit whose product gives no packed weight is counted at this weight.
DEFAULT_UNIT_WEIGHT_GRAMS = 500


class AddressIncomplete(ValueError):
    """A sender or receiver without the units or phone a carrier needs; says what is missing."""


def unit_weight_grams(product) -> int:
    return getattr(product, "shipping_weight_grams", None) or DEFAULT_UNIT_WEIGHT_GRAMS


def sender_of(partner) -> Party:
    """The producer as the carrier picks up from it."""
    if not (partner.province_code and partner.ward_code and partner.phone):
        raise AddressIncomplete(f"producer {partner.pk} has no pick-up ward or phone")
    return Party(
        name=partner.name,
        phone=str(partner.phone),
        province_code=int(partner.province_code),
        ward_code=int(partner.ward_code),
        street=partner.street or "",
    )


def receiver_of(address) -> Party:
    """The buyer, from an order's (or checkout's) shipping address."""
    if not (address.province_code and address.ward_code and address.phone_number):
        raise AddressIncomplete("the shipping address has no ward or phone")
    return Party(
        name=address.salutation,
        phone=str(address.phone_number),  # PhoneNumberField: E.164 as a string
        province_code=int(address.province_code),
        ward_code=int(address.ward_code),
        street=address.line1,
        hamlet=address.line2,
    )


def parcel_of(
    lines: Iterable,
    *,
    cod_amount: Decimal = Decimal(0),
    weight_grams: int | None = None,
    size_cm: tuple[int, int, int] | None = None,
    note: str = "",
) -> Parcel:
    """A parcel of order or basket ``lines`` (each with ``product``, ``quantity`` and a
    price): its items, their value, and the weight the producer weighed (else estimated)."""
    items = []
    for line in lines:
        price = getattr(line, "unit_price_incl_tax", None)
        if price is None:
            price = line.unit_effective_price
        items.append(
            ParcelItem(
                name=line.product.get_title() if line.product else line.title,
                quantity=line.quantity,
                price=whole_dong(price or 0),
                weight_grams=unit_weight_grams(line.product),
                code=(line.product.upc if line.product else "") or "",
            )
        )
    length, width, height = size_cm or settings.PARCEL_DEFAULT_SIZE_CM
    return Parcel(
        weight_grams=weight_grams or sum(i.weight_grams * i.quantity for i in items) or 1,
        length_cm=length,
        width_cm=width,
        height_cm=height,
        goods_value=sum((i.price * i.quantity for i in items), Decimal(0)),
        cod_amount=whole_dong(cod_amount),
        items=tuple(items),
        note=note,
    )
