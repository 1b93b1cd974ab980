"""The parameters of each ZNS template, built from the context the e-mail of the same
notification gets (``templates/notifications/<name>``): one function per notification.

A ZNS template is approved by Zalo with its parameters' names and kinds, and Zalo cuts what is
too long: names 30 characters, codes and labels 30, amounts 20 (digits only), links 200.
Links are absolute (``settings.SITE_URL`` before our paths). Words (statuses) are in the
recipient's language: the caller builds the data inside ``translation.override``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from shop.money import whole_dong

__all__ = ["TEMPLATE_DATA", "template_data"]


def _cut(value: Any, length: int) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


def _amount(value) -> str:
    return str(int(whole_dong(value or 0)))


def _customer(order) -> str:
    address = order.shipping_address
    return _cut(address.name if address else "", 30)


def _order_link(context: Mapping[str, Any]) -> str:
    """The buyer's page of the order: their account's, or a guest's signed status link."""
    order = context["order"]
    if context.get("status_url"):
        return _absolute(context["status_url"])
    if order.user_id:
        return _absolute(reverse("customer:order", kwargs={"order_number": order.number}))
    return _absolute(context.get("payment_url") or "")


def _order(order) -> dict[str, str]:
    """What every buyer's message names: who, which order."""
    return {"customer_name": _customer(order), "order_code": order.number}


def _order_placed(context):
    order = context["order"]
    return {
        **_order(order),
        "amount": _amount(order.total_incl_tax),
        "status": _cut(_(order.status), 30),
        "link": _cut(_order_link(context), 200),
    }


def _payment_pending(context):
    order = context["order"]
    return {
        **_order(order),
        "amount": _amount(order.total_incl_tax),
        "link": _cut(_absolute(context.get("payment_url") or ""), 200),
    }


def _payment_received(context):
    order = context["order"]
    return {
        **_order(order),
        "amount": _amount(order.total_incl_tax),
        "status": _cut(_("Paid"), 30),
        "link": _cut(_order_link(context), 200),
    }


def _shipped(context):
    order, shipment = context["order"], context["shipment"]
    return {
        **_order(order),
        "carrier": _cut(context.get("carrier_name") or "", 30),
        "tracking_code": _cut(shipment.tracking_number or "", 30),
        "link": _cut(context.get("tracking_url") or "", 200),
    }


def _delivered(context):
    return {
        **_order(context["order"]),
        "status": _cut(_("Delivered"), 30),
        "link": _cut(context.get("tracking_url") or "", 200),
    }


def _producer_new_order(context):
    order, shipment = context["order"], context["shipment"]
    return {
        "producer_name": _cut(shipment.partner.name, 30),
        "order_code": order.number,
        "quantity": str(len(context.get("lines") or ())),
        "link": _cut(context.get("shipment_url") or "", 200),
    }


TEMPLATE_DATA: Mapping[str, Callable[[Mapping[str, Any]], dict[str, str]]] = {
    "orders/order_placed": _order_placed,
    "orders/payment_pending": _payment_pending,
    "orders/payment_received": _payment_received,
    "fulfilment/shipped": _shipped,
    "fulfilment/tracking_delivered": _delivered,
    "fulfilment/new_order": _producer_new_order,
}


def template_data(notification: str, context: Mapping[str, Any]) -> dict[str, str] | None:
    """The ZNS parameters for ``notification``; None when it has no ZNS template."""
    build = TEMPLATE_DATA.get(notification)
    return build(context) if build else None
