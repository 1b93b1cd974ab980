"""Checkout: the buyer chooses a payment method; the order is placed as *Pending payment*
before the buyer leaves for the gateway, then the payment flow takes over (payments/)."""

import logging
from dataclasses import dataclass

from django.contrib import messages
from django.core import signing
from django.db import connection, transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from oscar.apps.checkout import views
from oscar.core.loading import get_class, get_model

from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.gateways_registry import label as payment_label
from payments.models import Method
from payments.start import payment_start_redirect
from shop import personal
from shop.address.services import address_book_use
from shop.channels import Channel
from shop.checkout.forms import PaymentMethodForm
from shop.order import statuses as order_statuses
from shop.outbox.services import outbox_batch
from shop.privacy import services as privacy
from shop.recipients import known_language
from shop.shipping.forms import ShippingAddressForm
from shop.shipping.methods import breakdown_of

logger = logging.getLogger(__name__)

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
UserAddress = get_model("address", "UserAddress")
CheckoutSessionData = get_class("checkout.utils", "CheckoutSessionData")
EventHandler = get_class("order.processing", "EventHandler")
OrderCreator = get_class("order.utils", "OrderCreator")

BASKET_SALT = "shop.checkout.basket"
BASKET_TOKEN_AGE = 24 * 60 * 60  # a preview form older than a day shows no order


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

    def delivery_phone(self) -> str:
        address = self.get_shipping_address(self.request.basket)
        return address.phone_number.as_national if address and address.phone_number else ""

    def get(self, request, *args, **kwargs):
        form = PaymentMethodForm(
            methods=self.methods(),
            phone=self.delivery_phone(),
            initial={
                "method": self.checkout_session.payment_method(),
                "notify_channel": notify_channel_of(request, self.checkout_session),
            },
        )
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = PaymentMethodForm(
            request.POST,
            methods=self.methods(),
            phone=self.delivery_phone(),
            # Asked only when the buyer sent no choice (a browser sends the checked one)
            initial={"notify_channel": lambda: notify_channel_of(request, self.checkout_session)},
        )
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        self.checkout_session.pay_by(form.cleaned_data["method"])
        self.checkout_session._set(NOTIFY, "channel", form.cleaned_data["notify_channel"])
        # The consent shown on this page is recorded with the order (shop.privacy).
        self.checkout_session._set(NOTIFY, "order_consent", form.cleaned_data["consent_order"])
        return redirect("checkout:preview")


NOTIFY = "notify"  # the checkout session's namespace for the buyer's message channel


def notify_channel_of(request, checkout_session) -> str:
    """The channel the buyer chose for this checkout; else their account's; else e-mail."""
    chosen = checkout_session._get(NOTIFY, "channel")
    if chosen in Channel.values:
        return chosen
    profile = getattr(request.user, "profile", None) if request.user.is_authenticated else None
    return profile.notify_channel if profile else Channel.EMAIL


def lines_off_sale(basket) -> list[str]:
    """What to tell the buyer of each basket line whose product (or whose variant's parent) is
    hidden from buyers now, read afresh from the database."""
    Product = get_model("catalogue", "Product")
    ids = {line.product_id for line in basket.all_lines()}
    hidden = Product.objects.filter(pk__in=ids).filter(
        Q(is_public=False) | Q(parent__is_public=False)
    )
    return [
        _(
            "“%(title)s” can no longer be bought (%(reason)s). Remove this line from your "
            "basket to go on."
        )
        % {"title": product.get_title(), "reason": _("No longer on sale")}
        for product in hidden.select_related("parent").order_by("pk")
    ]


BASKET_SUBMIT = """
UPDATE basket_basket SET status = %s, date_submitted = %s
WHERE id = %s AND status IN (%s, %s)
RETURNING
    EXISTS (
        SELECT 1 FROM basket_line AS l
        JOIN catalogue_product AS p ON p.id = l.product_id
        LEFT JOIN catalogue_product AS parent ON parent.id = p.parent_id
        WHERE l.basket_id = basket_basket.id
        AND (NOT p.is_public OR NOT COALESCE(parent.is_public, TRUE))
    ),
    EXISTS (SELECT 1 FROM basket_basket_vouchers AS v WHERE v.basket_id = basket_basket.id)
"""


@dataclass(frozen=True)
class Submitted:
    off_sale: bool  # a line's product (or its parent) is hidden from buyers now
    has_vouchers: bool


def basket_submit(basket) -> Submitted | None:
    """`basket` turned submitted if it is open (or frozen), in one statement that locks its
    row until the caller's transaction ends: a second submit of it waits, then finds it
    submitted (None). Says whether any of its lines' products is hidden from buyers now (read
    afresh) and whether it holds vouchers. The caller's transaction is rolled back, the basket
    open again, if its order is not written. Its owner's state shows the basket gone."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            BASKET_SUBMIT,
            [
                Basket.SUBMITTED,
                connection.ops.adapt_datetimefield_value(now),
                basket.pk,
                Basket.OPEN,
                Basket.FROZEN,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    basket.status, basket.date_submitted = Basket.SUBMITTED, now
    personal.visitor_changed(user_id=basket.owner_id, basket_id=basket.pk, basket_only=True)
    return Submitted(off_sale=bool(row[0]), has_vouchers=bool(row[1]))


class OrderAlreadyPlaced(Exception):
    """The basket being submitted is an order already (a double click, a second tab)."""

    def __init__(self, order):
        super().__init__(order.number)
        self.order = order


class PaymentDetailsView(views.PaymentDetailsView):
    """Placing an order is idempotent. The preview's form carries the basket it shows (signed);
    the basket row is locked while its order is written and turns *submitted* in that same
    transaction, so a second submit of it, at once or later, shows the order already placed.
    A basket that became an order is never re-opened: its order number (100000 + basket id,
    unique) can never be asked for again. Once the order is committed, nothing that follows
    (payment start, signals) can turn it into an error page; its e-mails are in the outbox."""

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and request.POST.get("action") == "place_order":
            order = self.order_of_submitted_basket(request)
            if order is not None:  # before the pre-conditions: its basket is no longer open
                self.checkout_session = CheckoutSessionData(request)
                return self.show_placed_order(order)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not self.preview:  # there are no card details to take here: go on to the preview
            return redirect("checkout:preview")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        self.request.basket.images_load()  # the preview's thumbnails, in one query
        context = super().get_context_data(**kwargs)
        method = self.checkout_session.payment_method()
        context["payment_method"] = method
        context["payment_method_label"] = payment_label(method) if method else ""
        if self.request.basket.pk:
            context["basket_token"] = signing.dumps(self.request.basket.pk, salt=BASKET_SALT)
        return context

    def order_of_submitted_basket(self, request):
        """The order the basket in the submitted form already became, if it did and is ours."""
        try:
            basket_id = signing.loads(
                request.POST.get("basket_token", ""), salt=BASKET_SALT, max_age=BASKET_TOKEN_AGE
            )
        except signing.BadSignature:
            return None
        if basket_id == request.basket.pk and request.basket.status == Basket.OPEN:
            # This request's basket is still open, so no order was written for it; one placed
            # since it was read is found under the basket's lock (`place_order`).
            return None
        order = Order.objects.filter(basket_id=basket_id).first()
        if order is None or (order.user_id and order.user_id != request.user.pk):
            return None
        return order

    def show_placed_order(self, order):
        messages.info(self.request, _("This order has already been placed."))
        self.checkout_session.flush()
        self.request.session["checkout_order_id"] = order.pk
        if order.status == order_statuses.PENDING_PAYMENT:
            return redirect(payment_selectors.order_payment_url(order))
        return redirect(self.get_success_url())

    def handle_payment(self, order_number, total, **kwargs):
        """Nothing is taken here: the order is placed first, then paid (see payments/)."""
        method = self.checkout_session.payment_method()
        allowed = payment_selectors.methods_for_basket(
            basket=self.request.basket, total=total.incl_tax
        )
        if method not in allowed:
            PaymentError = get_class("payment.exceptions", "UnableToTakePayment")
            raise PaymentError(_("This payment method is not available for this order."))

    def freeze_basket(self, basket):
        """Not frozen: the basket goes from open to submitted in the transaction that writes
        its order (`place_order`), so no failure can leave it frozen, or thaw it once used."""

    def restore_frozen_basket(self):
        """Oscar's, for a basket still frozen; a basket that became an order stays closed."""
        basket_id = self.checkout_session.get_submitted_basket_id()
        if basket_id is None or Order.objects.filter(basket_id=basket_id).exists():
            return
        if Basket.objects.filter(pk=basket_id, status=Basket.FROZEN).exists():
            super().restore_frozen_basket()

    def handle_order_placement(
        self,
        order_number,
        user,
        basket,
        shipping_address,
        shipping_method,
        shipping_charge,
        billing_address,
        order_total,
        surcharges=None,
        **kwargs,
    ):
        """Oscar's, with the basket submitted inside `place_order`'s transaction."""
        try:
            order = self.place_order(
                order_number=order_number,
                user=user,
                basket=basket,
                shipping_address=shipping_address,
                shipping_method=shipping_method,
                shipping_charge=shipping_charge,
                order_total=order_total,
                billing_address=billing_address,
                surcharges=surcharges,
                **kwargs,
            )
        except OrderAlreadyPlaced as placed:
            return self.show_placed_order(placed.order)
        return self.handle_successful_order(order)

    def place_order(self, **kwargs):
        """One transaction, with the basket locked: the order, its shipments (one per
        producer), the basket submitted, a cash order's confirmation and the buyer's e-mail
        (in the outbox), and last its stock. A second submit of the basket waits for the lock,
        then finds it done. The order keeps the language of the page it was placed on: its
        messages use it."""
        basket = kwargs["basket"]
        # Its side effects (the producers' and the buyer's e-mails) in one outbox INSERT
        with transaction.atomic(), outbox_batch():
            submitted = basket_submit(basket)
            UnableToPlaceOrder = get_class("order.exceptions", "UnableToPlaceOrder")
            if submitted is None:
                # An open basket has no order: it turns submitted with the order's writing
                placed = Order.objects.filter(basket_id=basket.pk).first()
                if placed is not None:
                    raise OrderAlreadyPlaced(placed)
                raise UnableToPlaceOrder(_("This basket can no longer be ordered."))
            # Taken off sale since the pre-conditions were checked (a takedown, a moment ago)
            if submitted.off_sale:
                raise UnableToPlaceOrder(" ".join(lines_off_sale(basket)))
            if not submitted.has_vouchers:  # none to lock when the order records their use
                basket.vouchers_none()
            kwargs["notify_channel"] = notify_channel_of(self.request, self.checkout_session)
            method = self.checkout_session.payment_method()
            cash = method == Method.COD
            handler = EventHandler()
            order = super().place_order(
                language=known_language(get_language()),
                finish_later=True,
                **handler.placed_statuses(cash_on_delivery=cash),
                **kwargs,
            )
            parts = breakdown_of(kwargs["shipping_method"], basket) or []
            handler.order_placed(order, shipping_parts=parts, cash_on_delivery=cash)
            if cash:
                payment_services.cod_attempt_create(order=order, confirmed=True)
            else:  # started at the gateway once committed (`start_payment`)
                self.attempt = self.attempt_write(order, method)
            payment_services.order_emails_after_placement(order=order)
            consented = self.checkout_session._get(NOTIFY, "order_consent")
            if consented and (order.user_id or order.guest_email):
                privacy.consent_record(
                    purpose="order",
                    method="checkout",
                    user=kwargs["user"] if order.user_id else None,
                    email=order.guest_email,
                    reference=order.number,
                )
            # Last: the stock and the purchase counters every buyer of a product shares
            OrderCreator().place_order_finish(order, basket=basket, user=kwargs["user"])
        return order

    def update_address_book(self, user, addr):
        """Oscar's, in one statement and safe when one buyer places two orders at once: the
        address is added or found (the unique user and hash decide), its use counted."""
        counter = (
            "num_orders_as_shipping_address"
            if isinstance(addr, ShippingAddress)
            else "num_orders_as_billing_address"
        )
        address_book_use(user=user, address=addr, counter=counter)

    def send_order_placed_email(self, order):
        """Already in the outbox, written with the order (`place_order`)."""

    def handle_successful_order(self, order):
        """The order is committed: from here on the buyer lands on it, whatever fails."""
        method = self.checkout_session.payment_method()
        try:
            response = super().handle_successful_order(order)
        except Exception:
            logger.exception("order %s is placed; what follows failed", order.number)
            self.request.session["checkout_order_id"] = order.pk
            response = redirect(self.get_success_url())
        if method == Method.COD:
            return response
        return self.start_payment(order, method)

    def attempt_write(self, order, method):
        """The order's first attempt to pay, written with it (its row is ours already: no lock
        to take, no transaction of its own). None when it cannot be paid online: the buyer is
        told so on the order's page, as when the payment cannot start."""
        try:
            return payment_services.attempt_write(order=order, method=method)
        except payment_services.PaymentNotAllowed:
            return None

    def start_payment(self, order, method):
        return payment_start_redirect(
            self.request,
            order=order,
            method=method,
            attempt=getattr(self, "attempt", None),
            failure_message=_(
                "The payment service did not answer. Your order is saved: please try again."
            ),
        )


class ThankYouView(views.ThankYouView):
    """Oscar's confirmation, with the summary the order's payment page shows for every method:
    where the payment stands and what happens next, the lines by producer with each shipment,
    the address and the links to follow the order. Only this session's order (Oscar's)."""

    template_name = "payments/checkout_thank_you.html"

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["summary"] = payment_selectors.order_summary(order=context["order"])
        return context
