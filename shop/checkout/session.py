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
