from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import exceptions
from oscar.apps.checkout.session import CheckoutSessionMixin as OscarCheckoutSessionMixin


class CheckoutSessionMixin(OscarCheckoutSessionMixin):
    def check_payment_data_is_captured(self, request):
        if not self.checkout_session.payment_method():
            raise exceptions.FailedPreCondition(
                url=reverse("checkout:payment-method"),
                message=_("Please choose how you will pay."),
            )

    def check_a_valid_shipping_address_is_captured(self):
        """Oscar's, and the address must be deliverable: an address-book entry saved before
        phones and wards were asked cannot reach an order (a cash order needs the phone)."""
        super().check_a_valid_shipping_address_is_captured()
        address = self.get_shipping_address(basket=self.request.basket)
        if not address.is_deliverable:
            raise exceptions.FailedPreCondition(
                url=reverse("checkout:shipping-address"),
                message=_(
                    "This address lacks a phone number or a ward or commune: edit it, or give "
                    "a new address."
                ),
            )
