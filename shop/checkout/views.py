"""Checkout: the buyer chooses a payment method; the order is placed as *Pending payment*
before the buyer leaves for the gateway, then the payment flow takes over (payments/)."""

import logging

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from oscar.apps.checkout import views
from oscar.core.loading import get_class

from payments import selectors as payment_selectors
from payments import services as payment_services
from payments import statuses as payment_statuses
from payments.models import Method
from payments.ports import GatewayError
from shop.checkout.forms import PaymentMethodForm
from shop.fulfilment import services as fulfilment_services
from shop.shipping.forms import ShippingAddressForm
from shop.shipping.methods import breakdown_of

logger = logging.getLogger(__name__)


class ShippingAddressView(views.ShippingAddressView):
    form_class = ShippingAddressForm  # the province from the official list (shipping rates)


class PaymentMethodView(views.PaymentMethodView):
    template_name = "oscar/checkout/payment_method.html"

    def methods(self) -> list[str]:
        return payment_selectors.methods_for_basket(
            basket=self.request.basket, total=self.order_total()
        )

    def order_total(self):
        shipping_address = self.get_shipping_address(self.request.basket)
        shipping_method = self.get_shipping_method(self.request.basket, shipping_address)
        if shipping_method is None:
            return self.request.basket.total_incl_tax
        charge = shipping_method.calculate(self.request.basket)
        return self.get_order_totals(self.request.basket, shipping_charge=charge).incl_tax

    def get(self, request, *args, **kwargs):
        form = PaymentMethodForm(
            methods=self.methods(), initial={"method": self.checkout_session.payment_method()}
        )
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = PaymentMethodForm(request.POST, methods=self.methods())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        self.checkout_session.pay_by(form.cleaned_data["method"])
        return redirect("checkout:preview")


class PaymentDetailsView(views.PaymentDetailsView):
    def get(self, request, *args, **kwargs):
        if not self.preview:  # there are no card details to take here: go on to the preview
            return redirect("checkout:preview")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        method = self.checkout_session.payment_method()
        context["payment_method"] = method
        context["payment_method_label"] = dict(Method.choices).get(method, "")
        return context

    def handle_payment(self, order_number, total, **kwargs):
        """Nothing is taken here: the order is placed first, then paid (see payments/)."""
        method = self.checkout_session.payment_method()
        allowed = payment_selectors.methods_for_basket(
            basket=self.request.basket, total=total.incl_tax
        )
        if method not in allowed:
            PaymentError = get_class("payment.exceptions", "UnableToTakePayment")
            raise PaymentError(_("This payment method is not available for this order."))

    def place_order(self, **kwargs):
        """The order and its shipments, one per producer, are written in one transaction."""
        with transaction.atomic():
            order = super().place_order(**kwargs)
            parts = breakdown_of(kwargs["shipping_method"], kwargs["basket"]) or []
            fulfilment_services.shipments_create_for_order(order=order, parts=parts)
        return order

    def send_order_placed_email(self, order):
        payment_services.order_emails_after_placement(order=order)

    def handle_successful_order(self, order):
        method = self.checkout_session.payment_method()
        if method == Method.COD:
            payment_services.cod_attempt_create(order=order)
            order.refresh_from_db()
        response = super().handle_successful_order(order)
        if method == Method.COD:
            return response
        return self.start_payment(order, method)

    def start_payment(self, order, method):
        request = self.request
        attempt = payment_services.attempt_create(order=order, method=method)
        try:
            action = payment_services.attempt_start(
                attempt=attempt,
                buyer_ip=request.META.get("REMOTE_ADDR", ""),
                return_url=payment_selectors.return_url(attempt),
                notify_url=payment_selectors.notify_url(attempt),
                locale=get_language(),
            )
        except GatewayError:
            logger.exception("could not start payment %s", attempt.reference)
            messages.error(
                request,
                _("The payment service did not answer. Your order is saved: please try again."),
            )
            return redirect(payment_selectors.order_payment_url(order))
        if action.kind == "redirect" and action.url:
            return redirect(action.url)
        return redirect(payment_selectors.order_payment_url(order))


class ThankYouView(views.ThankYouView):
    """Oscar's summary, with the order's payment status where Oscar would list what was taken
    (for cash on delivery: nothing yet, to be paid on delivery) and a link to the order page."""

    template_name = "payments/checkout_thank_you.html"

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["payment_url"] = payment_selectors.order_payment_url(context["order"])
        context["statuses"] = payment_statuses
        return context
