"""The checkout's shipping address: a Vietnamese address (shop/address/forms.py) on Oscar's
order ShippingAddress. Shipping is charged by comparing its province code with each producer's
(see methods.py)."""

from oscar.core.loading import get_class, get_model

from shop.address.forms import FIELDS, VietnameseAddressFields

AbstractAddressForm = get_class("address.forms", "AbstractAddressForm")


class ShippingAddressForm(VietnameseAddressFields, AbstractAddressForm):
    class Meta:
        model = get_model("order", "ShippingAddress")
        fields = FIELDS
