from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import exceptions
from oscar.apps.checkout.session import CheckoutSessionMixin as OscarCheckoutSessionMixin

from shop.address.selectors import country_by_code


class CheckoutSessionMixin(OscarCheckoutSessionMixin):
    def check_payment_data_is_captured(self, request):
        if not self.checkout_session.payment_method():
            raise exceptions.FailedPreCondition(
                url=reverse("checkout:payment-method"),
                message=_("Please choose how you will pay."),
            )

    def check_basket_is_valid(self, request):
        """Oscar's, with a message naming the line to remove: a product taken off sale after it
        went into the basket (an operator's takedown, a withdrawn lot) cannot be ordered."""
        problems = []
        for line in request.basket.all_lines():
            availability = request.strategy.fetch_for_line(line).availability
            allowed, reason = availability.is_purchase_permitted(line.quantity)
            if allowed:
                continue
            values = {"title": line.product.get_title(), "reason": reason}
            if availability.is_available_to_buy:  # only this many cannot be bought
                problems.append(
                    _("“%(title)s”: %(reason)s. Lower its quantity in your basket to go on.")
                    % values
                )
            else:
                problems.append(
                    _(
                        "“%(title)s” can no longer be bought (%(reason)s). Remove this line "
                        "from your basket to go on."
                    )
                    % values
                )
        if problems:
            raise exceptions.FailedPreCondition(url=reverse("basket:summary"), messages=problems)

    def get_shipping_address(self, basket):
        """Oscar's, its country from the process's copy (`country_by_code`): each step builds
        the address a few times and shows or saves its country."""
        address = super().get_shipping_address(basket)
        if address is not None and address.country_id:
            country = country_by_code(address.country_id)
            if country is not None:
                address.country = country
        return address

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
