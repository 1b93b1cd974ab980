"""The traces a buyer leaves in the floor's logs, erased with them: Zalo messages, e-mails and
notifications, stock alerts and browsing records, payment gateway calls, carriers' callbacks
and parcel notes, and django-axes' sign-in records. The decision per model is in the table of
``shop/privacy/__init__.py``.

``who_of`` gathers how the logs name a person (e-mail addresses, phone numbers in the forms
they are written, names, the parcels' tracking numbers, the payments' references) *before*
the account and the orders are anonymised; ``traces_erase`` then removes them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db.models import Q
from oscar.core.loading import get_model

from shop import phones

ERASED = "—"

# Keys of a logged request or response that carry a person's details (a gateway's "buyer
# name", "vnp_IpAddr", a carrier's "to_name", "to_phone", "to_address"...).
PERSONAL_KEY = re.compile(
    r"name|mail|phone|mobile|tel$|address|addr|street|ward|district|province|city|customer"
    r"|buyer|payer|holder|recipient|receiver|contact|^ip$|_ip$|note",
    re.IGNORECASE,
)
# Keys kept whatever they are called: amounts, references, codes, statuses, signatures, times.
KEPT_KEY = re.compile(
    r"amount|total|fee|cod|money|currency|ref|code|status|state|sign|hash|txn|time|date|_id$"
    r"|^id$",
    re.IGNORECASE,
)


@dataclass
class Who:
    """How the logs may name one person."""

    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    usernames: set[str] = field(default_factory=set)
    tracking_numbers: set[str] = field(default_factory=set)
    payment_references: set[str] = field(default_factory=set)
    user: Any = None

    def words(self) -> list[str]:
        """What must not remain in a free text, longest first (a name before its part)."""
        found = {w for w in self.emails | self.phones | self.names if len(w) >= 3}
        return sorted(found, key=len, reverse=True)


def _phone_forms(value: str) -> set[str]:
    value = str(value or "").strip()
    if not value:
        return set()
    national = phones.national(value)
    return {value, national, national.replace(" ", ""), value.lstrip("+")} - {""}


def who_of(*, orders, user: Any = None) -> Who:
    """The person behind `orders` (and `user`'s account, when there is one)."""
    Shipment = get_model("fulfilment", "Shipment")
    PaymentAttempt = get_model("payments", "PaymentAttempt")
    who = Who(user=user)
    if user is not None:
        who.emails |= {user.email} if user.email else set()
        who.usernames |= {u for u in (user.email, user.username) if u}
        who.names |= {n for n in (user.get_full_name(), user.first_name, user.last_name) if n}
        profile = getattr(user, "profile", None)
        if profile is not None:
            who.phones |= _phone_forms(profile.phone)
        for address in get_model("address", "UserAddress").objects.filter(user=user):
            who.names |= {address.name} if address.name else set()
            who.phones |= _phone_forms(address.phone_number)
    for order in orders.select_related("shipping_address", "billing_address"):
        if order.guest_email:
            who.emails.add(order.guest_email)
        for address in (order.shipping_address, order.billing_address):
            if address is None:
                continue
            who.names |= {address.name} if address.name.strip() else set()
            who.phones |= _phone_forms(getattr(address, "phone_number", ""))
    who.tracking_numbers = set(
        Shipment.objects.filter(order__in=orders)
        .exclude(tracking_number="")
        .values_list("tracking_number", flat=True)
    )
    who.payment_references = set(
        PaymentAttempt.objects.filter(order__in=orders).values_list("reference", flat=True)
    )
    who.names.discard("")
    return who


def _scrub_text(text: str, words: list[str]) -> str:
    for word in words:
        text = re.sub(re.escape(word), ERASED, text, flags=re.IGNORECASE)
    return text


def redact(value: Any, words: list[str], *, key: str = "") -> Any:
    """`value` (a logged body) with a person's details taken out: personal keys emptied,
    the person's name, phone and e-mail taken out of any other text; amounts, references,
    statuses and signatures stay."""
    if isinstance(value, dict):
        return {k: redact(v, words, key=str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, words, key=key) for v in value]
    if key and PERSONAL_KEY.search(key) and not KEPT_KEY.search(key):
        return ERASED if value not in (None, "", 0) else value
    if isinstance(value, str):
        return _scrub_text(value, words)
    return value


def redact_body(body: str, words: list[str]) -> str:
    """A callback's body as logged (JSON, a form, or something cut short): redacted where
    it can be read, wholly erased where it cannot."""
    if not body:
        return body
    try:
        return json.dumps(redact(json.loads(body), words), ensure_ascii=False)
    except ValueError:
        pass
    pairs = parse_qsl(body, keep_blank_values=True)
    if pairs and "=" in body and "{" not in body:
        return urlencode([(k, redact(v, words, key=k)) for k, v in pairs])
    return ERASED


def traces_erase(*, who: Who) -> dict[str, int]:
    """Erase `who`'s traces in the logs. Returns counts of rows changed."""
    words = who.words()
    counts = {"zalo_messages": _zalo(who)}
    counts.update(_messages(who))
    counts["gateway_calls"] = _gateway_calls(who, words)
    counts.update(_carriers(who, words))
    counts["sign_in_records"] = _axes(who)
    return counts


def _zalo(who: Who) -> int:
    ZnsMessage = get_model("zns", "ZnsMessage")
    match = Q(pk__in=[])
    if who.phones:
        match |= Q(phone__in=who.phones)
    for email in who.emails:
        match |= Q(email__iexact=email)
    return ZnsMessage.objects.filter(match).update(phone="", email="")


def _messages(who: Who) -> dict[str, int]:
    """Oscar's e-mails and notifications, stock alerts, search and browsing records."""
    Email = get_model("communication", "Email")
    Notification = get_model("communication", "Notification")
    ProductAlert = get_model("customer", "ProductAlert")
    emails = Q(pk__in=[])
    for email in who.emails:
        emails |= Q(email__iexact=email)
    mine = Q(user=who.user) if who.user is not None else Q(pk__in=[])
    counts = {
        "emails": Email.objects.filter(mine | emails).delete()[0],
        "product_alerts": ProductAlert.objects.filter(mine | emails).delete()[0],
        "notifications": 0,
        "browsing_records": 0,
    }
    if who.user is not None:
        counts["notifications"] = Notification.objects.filter(recipient=who.user).delete()[0]
        for name in ("UserSearch", "UserRecord", "UserProductView"):
            model = get_model("analytics", name)
            counts["browsing_records"] += model.objects.filter(user=who.user).delete()[0]
    return counts


def _gateway_calls(who: Who, words: list[str]) -> int:
    GatewayCall = get_model("payments", "GatewayCall")
    calls = GatewayCall.objects.filter(
        Q(attempt__reference__in=who.payment_references) | Q(reference__in=who.payment_references)
    )
    changed = 0
    for call in calls:
        request, response = redact(call.request, words), redact(call.response, words)
        if (request, response, call.remote_addr) != (call.request, call.response, None):
            GatewayCall.objects.filter(pk=call.pk).update(
                request=request, response=response, remote_addr=None
            )
            changed += 1
    return changed


def _carriers(who: Who, words: list[str]) -> dict[str, int]:
    """Carriers' callbacks about the parcels (their bodies name the recipient), and what a
    carrier wrote about them (its words on an event, its answer to a waybill)."""
    CarrierCallback = get_model("fulfilment", "CarrierCallback")
    CarrierEvent = get_model("fulfilment", "CarrierEvent")
    Shipment = get_model("fulfilment", "Shipment")
    callbacks = 0
    match = Q(pk__in=[])
    for number in who.tracking_numbers:
        match |= Q(code__contains=number) | Q(body__contains=number)
    for callback in CarrierCallback.objects.filter(match):
        body = redact_body(callback.body, words)
        if body != callback.body:
            CarrierCallback.objects.filter(pk=callback.pk).update(body=body)
            callbacks += 1
    events = 0
    shipments = Shipment.objects.filter(tracking_number__in=who.tracking_numbers)
    for event in CarrierEvent.objects.filter(shipment__in=shipments).exclude(description=""):
        text = _scrub_text(event.description, words)
        if text != event.description:
            CarrierEvent.objects.filter(pk=event.pk).update(description=text)
            events += 1
    for shipment in shipments.exclude(waybill_error=""):
        text = _scrub_text(shipment.waybill_error, words)
        if text != shipment.waybill_error:
            Shipment.objects.filter(pk=shipment.pk).update(waybill_error=text)
            events += 1
    return {"carrier_callbacks": callbacks, "carrier_notes": events}


def _axes(who: Who) -> int:
    """django-axes' attempts, failures and sign-ins under the account's name (its e-mail
    address, lower-cased: shop.accounts.lockout.login_identity)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    match = Q(pk__in=[])
    for name in who.usernames | who.emails:
        match |= Q(username__iexact=name)
    return sum(
        model.objects.filter(match).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )
