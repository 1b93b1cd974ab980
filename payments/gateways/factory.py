"""Build gateway adapters from a settings dict, in the style of Django's ``CACHES``::

    PAYMENT_GATEWAYS = {
        "vnpay": {
            "BACKEND": "payments.gateways.vnpay.VNPayGateway",
            "OPTIONS": {"tmn_code": "...", "hash_secret": "...", "pay_url": "...",
                        "api_url": "..."},
        },
        "bank_transfer": {
            "BACKEND": "payments.gateways.bank_transfer.BankTransferGateway",
            "OPTIONS": {"bank_bin": "970436", "account_number": "...",
                        "webhook_secret": "..."},
        },
    }

Nothing is built at import time: the site calls :func:`build_gateway` when it needs one.
Backends must live under ``payments.gateways`` and offer ``from_options(options)``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from payments.ports import Gateway

__all__ = ["adapter_class", "browser_origins", "build_gateway"]

_ALLOWED_PREFIX = "payments.gateways."


def adapter_class(name: str, entry: Mapping[str, Any]) -> type:
    """The adapter class an entry names (its declarations are read without building it)."""
    backend = entry.get("BACKEND", "")
    module_name, _, class_name = backend.rpartition(".")
    if not backend.startswith(_ALLOWED_PREFIX) or not class_name:
        raise ValueError(f"gateway {name!r}: BACKEND must be a class in {_ALLOWED_PREFIX}*")
    try:
        return getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"gateway {name!r}: cannot import {backend}") from exc


def browser_origins(*, settings: Mapping[str, Mapping[str, Any]]) -> tuple[str, ...]:
    """Every origin a configured gateway sends the buyer's browser to, without building one."""
    found: list[str] = []
    for name, entry in settings.items():
        found += adapter_class(name, entry).browser_origins(entry.get("OPTIONS", {}))
    return tuple(dict.fromkeys(found))


def build_gateway(*, name: str, settings: Mapping[str, Mapping[str, Any]]) -> Gateway:
    """The adapter configured under ``name``; ValueError if it is missing or wrong."""
    try:
        entry = settings[name]
    except KeyError:
        raise ValueError(f"no payment gateway named {name!r} is configured") from None
    backend = entry.get("BACKEND", "")
    adapter = adapter_class(name, entry)
    from_options = getattr(adapter, "from_options", None)
    if not callable(from_options):
        raise ValueError(f"gateway {name!r}: {backend} has no from_options()")
    try:
        gateway = from_options(entry.get("OPTIONS", {}))
    except TypeError as exc:  # unknown or missing option names
        raise ValueError(f"gateway {name!r}: bad OPTIONS: {exc}") from exc
    if not isinstance(gateway, Gateway):
        raise ValueError(f"gateway {name!r}: {backend} does not implement the payment port")
    return gateway
