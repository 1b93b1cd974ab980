"""The data download's codes in words, for the PDF: an order's status, a payment's method and
status, a parcel's status and carrier, a complaint's reason, wish, state and steps, a consent's
purpose and form, a request's kind and state, as the floor's own pages name them, in the
reader's language. The JSON keeps the codes (machine-readable)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from oscar.core.loading import get_model

from payments.gateways_registry import label as payment_method_label
from shop.carriers.registry import label as carrier_label
from shop.channels import Channel
from shop.order.statuses import label as order_status_label
from shop.privacy.models import Method, Purpose, RequestKind, RequestState


def _choice(choices) -> Callable[[Any], str]:
    names = dict(choices)
    return lambda value: str(names.get(value, value)) if value else ""


def _rename(items: list[dict], words: dict[str, Callable[[Any], str]]) -> list[dict]:
    return [
        {key: words[key](value) if key in words else value for key, value in item.items()}
        for item in items or []
    ]


def readable(data: dict) -> dict:
    """A copy of `data` (export.buyer_data) with its codes in words."""
    Shipment = get_model("fulfilment", "Shipment")
    PaymentAttempt = get_model("payments", "PaymentAttempt")
    Complaint = get_model("complaints", "Complaint")
    ComplaintStep = get_model("complaints", "ComplaintStep")
    complaint_field = Complaint._meta.get_field
    step_field = ComplaintStep._meta.get_field

    out = dict(data)
    profile = dict(data.get("profile") or {})
    profile["language"] = _choice(settings.LANGUAGES)(profile.get("language"))
    profile["messages_by"] = _choice(Channel.choices)(profile.get("messages_by"))
    out["profile"] = profile
    out["orders"] = [
        {
            **order,
            "status": order_status_label(order.get("status")),
            "payments": _rename(
                order.get("payments"),
                {
                    "method": payment_method_label,
                    "status": _choice(PaymentAttempt._meta.get_field("status").choices),
                },
            ),
            "shipments": _rename(
                order.get("shipments"),
                {"status": _choice(Shipment.Status.choices), "carrier": carrier_label},
            ),
        }
        for order in data.get("orders") or []
    ]
    out["complaints"] = [
        {
            **complaint,
            "reason": _choice(complaint_field("reason").choices)(complaint.get("reason")),
            "wish": _choice(complaint_field("wish").choices)(complaint.get("wish")),
            "state": _choice(complaint_field("state").choices)(complaint.get("state")),
            "steps": _rename(
                complaint.get("steps"),
                {
                    "kind": _choice(step_field("kind").choices),
                    "role": _choice(step_field("role").choices),
                },
            ),
        }
        for complaint in data.get("complaints") or []
    ]
    out["consents"] = _rename(
        data.get("consents"),
        {"purpose": _choice(Purpose.choices), "how": _choice(Method.choices)},
    )
    out["requests"] = _rename(
        data.get("requests"),
        {"kind": _choice(RequestKind.choices), "state": _choice(RequestState.choices)},
    )
    return out
