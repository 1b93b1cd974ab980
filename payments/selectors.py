"""Reads for the payment flow."""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from oscar.core.loading import get_model

from payments.banks import bank_by_bin
from payments.gateways_registry import (
    adapter_for,
    capabilities,
    enabled_methods,
    label,
    methods_with,
)
from payments.models import (
    AttemptStatus,
    BankCredit,
    GatewayCall,
    Method,
    PaymentAction,
    PaymentAttempt,
    Refund,
)
from shop import roles
from shop.fulfilment.selectors import ShipmentGroup, order_shipment_groups
from shop.links import absolute_url
from shop.order import statuses

Order = get_model("order", "Order")
_SALT = "payments.order"


def methods_for_basket(*, basket, total: Decimal) -> list[str]:
    """The payment methods this basket may use: cash only where every producer takes it and
    the total stays under the limit."""
    methods = enabled_methods()
    if Method.COD in methods:
        producers = {line.stockrecord.partner for line in basket.all_lines() if line.stockrecord}
        cod_ok = (
            producers
            and all(p.cash_on_delivery for p in producers)
            and total <= settings.PAYMENT_COD_MAX_TOTAL
        )
        if not cod_ok:
            methods.remove(Method.COD)
    return methods


class LinkExpired(Exception):
    """A genuine payment link, older than PAYMENT_LINK_MAX_AGE: its holder may ask for a new
    one, which is e-mailed to the order's address."""

    def __init__(self, order):
        super().__init__(order.number)
        self.order = order


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT)


def order_token(order) -> str:
    return _signer().sign(str(order.number))


def order_for_token(token: str, *, allow_expired: bool = False):
    """The order a payment link names; None for a forged or mangled token. A link older than
    PAYMENT_LINK_MAX_AGE raises LinkExpired, unless `allow_expired`."""
    try:
        number = _signer().unsign(token, max_age=settings.PAYMENT_LINK_MAX_AGE)
        expired = False
    except signing.SignatureExpired:
        number, expired = _signer().unsign(token), True
    except signing.BadSignature:
        return None
    order = Order.objects.filter(number=number).first()
    if order is not None and expired and not allow_expired:
        raise LinkExpired(order)
    return order


def order_payment_url(order) -> str:
    """A fresh link to the order's payment page (a path; e-mails put SITE_URL before it)."""
    return reverse("payments:order", kwargs={"token": order_token(order)})


def guest_order_url(order) -> str:
    """Where a guest follows their order and its parcels (cancels a part, confirms receipt):
    Oscar's signed order-status link, which asks for the e-mail the order was placed with."""
    return reverse(
        "customer:anon-order-form",
        kwargs={"order_number": order.number, "hash": order.verification_hash()},
    )


def order_page_url(order) -> str:
    """The buyer's own page of the order: in their account, or a guest's signed link."""
    if order.user_id:
        return reverse("customer:order", kwargs={"order_number": order.number})
    return guest_order_url(order)


class PaymentState:
    """Where an order's money stands, as its buyer is told after checkout."""

    PAID = "paid"
    CASH_ON_DELIVERY = "cash_on_delivery"
    AWAITING_TRANSFER = "awaiting_transfer"  # a bank transfer may arrive at any moment
    AWAITING_GATEWAY = "awaiting_gateway"  # the gateway has not confirmed yet
    FAILED = "failed"  # the last attempt failed, was cancelled or expired: pay again
    UNPAID = "unpaid"  # no attempt yet (the gateway did not answer at checkout)
    CANCELLED = "cancelled"

    RETRY = (FAILED, UNPAID)


def payment_state(*, order, attempt: PaymentAttempt | None) -> str:
    """The order's payment state from its status and its latest attempt (`attempt`)."""
    if order.status == statuses.PAID:
        return PaymentState.PAID
    if order.status == statuses.CASH_ON_DELIVERY:
        return PaymentState.CASH_ON_DELIVERY
    if order.status == statuses.CANCELLED:
        return PaymentState.CANCELLED
    if attempt is None:
        return PaymentState.UNPAID
    if attempt.status in (AttemptStatus.PENDING, AttemptStatus.PAID):
        if capabilities(attempt.method).reports_credits:
            return PaymentState.AWAITING_TRANSFER
        return PaymentState.AWAITING_GATEWAY
    return PaymentState.FAILED


@dataclass(frozen=True)
class OrderSummary:
    """What the buyer reads once the order is placed, whatever the method (the checkout's
    thank-you page and the order's payment page): the lines by producer with each shipment,
    the address, where the payment stands, and the links to follow the order."""

    order: object
    groups: list[ShipmentGroup]
    address: object
    state: str
    attempt: PaymentAttempt | None  # the latest
    method: str
    method_label: str
    payment_url: str
    order_url: str

    @property
    def can_retry(self) -> bool:
        return self.state in PaymentState.RETRY


def order_summary(*, order, attempts: list[PaymentAttempt] | None = None) -> OrderSummary:
    """The order's summary for its buyer, in a fixed number of queries whatever its size.
    `attempts`: the order's attempts, newest first, when the caller has them already."""
    if attempts is None:
        attempts = list(order_attempts(order)[:1])
    attempt = attempts[0] if attempts else None
    method = attempt.method if attempt else ""
    return OrderSummary(
        order=order,
        groups=order_shipment_groups(order=order),
        address=order.shipping_address,
        state=payment_state(order=order, attempt=attempt),
        attempt=attempt,
        method=method,
        method_label=label(method) if method else "",
        payment_url=order_payment_url(order),
        order_url=order_page_url(order),
    )


SEEN_ORDERS_SESSION_KEY = "payments_orders"


def order_visible_to(request, order) -> bool:
    """Whether this browser may be sent to the order's payment page from a gateway's return:
    the order is the signed-in buyer's, or this session placed it or opened its payment page.
    Knowing a payment reference alone is not enough."""
    if request.user.is_authenticated and order.user_id == request.user.pk:
        return True
    session = request.session
    return session.get("checkout_order_id") == order.pk or order.number in session.get(
        SEEN_ORDERS_SESSION_KEY, []
    )


def return_url(attempt: PaymentAttempt) -> str:
    """Where the gateway sends the buyer back. A gateway with a signed return names the
    payment itself; for the others the URL names it (`ref`) for the return page to find it.
    From SITE_URL, never from the request's Host header."""
    url = absolute_url(reverse("payments:return", kwargs={"method": attempt.method}))
    if capabilities(attempt.method).signed_return:
        return url
    return f"{url}?{urlencode({'ref': attempt.reference})}"


def notify_url(attempt: PaymentAttempt) -> str:
    """Where the attempt's gateway calls us (its adapter's callback route)."""
    return absolute_url(reverse(f"payments:{adapter_for(attempt.method).callback.name}"))


def order_attempts(order) -> QuerySet:
    return order.payment_attempts.order_by("-created_at", "-pk")


def attempt_open(order) -> PaymentAttempt | None:
    return order.payment_attempts.filter(status=AttemptStatus.PENDING).order_by("-pk").first()


def attempts_for_review() -> QuerySet:
    return PaymentAttempt.objects.exclude(needs_review="").select_related("order")


def credits_for_operators() -> QuerySet:
    return BankCredit.objects.filter(
        status__in=(
            BankCredit.Status.UNDERPAID,
            BankCredit.Status.OVERPAID,
            BankCredit.Status.UNMATCHED,
            BankCredit.Status.LATE,
        )
    ).select_related("attempt", "attempt__order")


def calls_recent() -> QuerySet:
    return GatewayCall.objects.select_related("attempt")


def receiving_account(method: str) -> dict[str, str]:
    """The marketplace's account buyers transfer to by `method`, as shown beside the QR code
    (from the gateway's options; empty for a gateway without an account)."""
    options = settings.PAYMENT_GATEWAYS[method]["OPTIONS"]
    if "bank_bin" not in options:
        return {}
    bank = bank_by_bin(options["bank_bin"])
    return {
        "bank": bank.name if bank else options["bank_bin"],
        "account_number": options["account_number"],
        "account_name": options.get("account_name", ""),
    }


# --------------------------------------------------------------------------- operators


def attempts_for_operators(
    *, status: str = "", method: str = "", needs_review: bool | None = None, query: str = ""
) -> QuerySet:
    """Every attempt, newest first, filtered the way the dashboard asks; one query per page."""
    attempts = PaymentAttempt.objects.select_related("order")
    if status:
        attempts = attempts.filter(status=status)
    if method:
        attempts = attempts.filter(method=method)
    if needs_review is True:
        attempts = attempts.exclude(needs_review="")
    elif needs_review is False:
        attempts = attempts.filter(needs_review="")
    query = query.strip()
    if query:
        attempts = attempts.filter(
            Q(reference__iexact=query) | Q(order__number=query) | Q(gateway_txn_id=query)
        )
    return attempts.order_by("-created_at", "-pk")


def attempts_with_history() -> QuerySet:
    """Attempts with what operators and producers did to them, for a detail page."""
    return PaymentAttempt.objects.select_related("order").prefetch_related(
        Prefetch("refunds", Refund.objects.select_related("created_by")),
        Prefetch("actions", PaymentAction.objects.select_related("actor")),
        Prefetch("credits", BankCredit.objects.select_related("resolved_by")),
    )


def calls_for_attempt(*, attempt: PaymentAttempt) -> QuerySet:
    """Every exchange about an attempt, oldest first, including refused callbacks naming it."""
    return GatewayCall.objects.filter(Q(attempt=attempt) | Q(reference=attempt.reference)).order_by(
        "created_at", "pk"
    )


SIGNATURE_FILTERS = {
    "valid": {"signature_valid": True},
    "invalid": {"signature_valid": False},
    "unchecked": {"signature_valid__isnull": True},
}


def calls_for_operators(*, gateway: str = "", operation: str = "", signature: str = "") -> QuerySet:
    """The gateway log, newest first. `signature`: "valid", "invalid", "unchecked" or any."""
    calls = calls_recent()
    if gateway:
        calls = calls.filter(gateway=gateway)
    if operation:
        calls = calls.filter(operation=operation)
    if signature:
        calls = calls.filter(**SIGNATURE_FILTERS[signature])
    return calls.order_by("-created_at", "-pk")


def credits_by_status(*, status: str = "") -> QuerySet:
    """The operators' transfer queue by default; any one status of the bank feed on request."""
    credits = (
        BankCredit.objects.filter(status=status).select_related("attempt", "attempt__order")
        if status
        else credits_for_operators()
    )
    return credits.select_related("resolved_by").order_by("-occurred_at", "-pk")


def attempts_awaiting_transfer() -> QuerySet:
    """Attempts a transfer may still be confirmed against: pending or expired, by a method
    whose feed reports credits (bank transfer)."""
    return PaymentAttempt.objects.filter(
        method__in=methods_with("reports_credits"),
        status__in=(AttemptStatus.PENDING, AttemptStatus.EXPIRED),
    ).select_related("order")


def transfer_suggestions(*, credit: BankCredit, limit: int = 10) -> list[PaymentAttempt]:
    """Attempts an operator may mean for `credit`: the one it named, then those of its amount."""
    open_attempts = attempts_awaiting_transfer().order_by("-created_at", "-pk")
    suggestions = []
    if credit.attempt_id:
        suggestions = list(open_attempts.filter(pk=credit.attempt_id))
    suggestions += list(
        open_attempts.filter(amount=credit.amount).exclude(pk=credit.attempt_id or 0)[:limit]
    )
    return suggestions[:limit]


def attempt_refund_mode(*, attempt: PaymentAttempt) -> str:
    """How an attempt can be refunded now: "gateway", "recorded" (paid back by hand) or ""."""
    if attempt.refundable <= 0:
        return ""
    return "gateway" if capabilities(attempt.method).can_refund else "recorded"


def cash_orders() -> QuerySet:
    """Orders paid (or to be paid) in cash on delivery."""
    return Order.objects.filter(payment_attempts__method=Method.COD).distinct()


def cash_collection_allowed(*, order, user) -> bool:
    """Operators may record an order's cash as collected; so may its producer, when every line
    of the order is theirs (the page shows the order's total, which in an order shared with
    other producers is not theirs to see: operators record those)."""
    if roles.is_operator(user):
        return True
    producer = roles.producer_of(user)
    if producer is None:
        return False
    lines = order.lines.all()
    return lines.exists() and not lines.exclude(partner=producer).exists()
