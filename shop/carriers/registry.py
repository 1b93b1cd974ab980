"""Which adapter serves which carrier, read from settings when needed (``CARRIERS``)::

    CARRIERS = {
        "ghn": {
            "BACKEND": "shop.carriers.adapters.ghn.GHNCarrier",
            "LABEL": "Giao Hàng Nhanh",
            "OPTIONS": {"token": "...", "shop_id": "...", "api_url": "...", ...},
            "SIMULATOR": "shop.carriers.simulators.ghn",  # development and tests only
        },
    }

Every question about a carrier goes through here: its adapter, its label, its simulator.
Adapters live under ``shop.carriers.adapters`` and are built as ``Backend(name=, options=)``.
"""

from __future__ import annotations

import importlib
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from shop.carriers.ports import Carrier

_ALLOWED_PREFIX = "shop.carriers.adapters."


def names() -> list[str]:
    """The configured carriers, in settings order."""
    return list(settings.CARRIERS)


def choices() -> list[tuple[str, str]]:
    return [(name, label(name)) for name in names()]


def label(name: str) -> str:
    entry = settings.CARRIERS.get(name)
    return str(entry.get("LABEL") or name) if entry else name


def is_configured(name: str) -> bool:
    return name in settings.CARRIERS


def adapter_class(name: str) -> type:
    entry = settings.CARRIERS.get(name)
    if entry is None:
        raise ImproperlyConfigured(f"no carrier named {name!r} is configured")
    backend = entry.get("BACKEND", "")
    module_name, _, class_name = backend.rpartition(".")
    if not backend.startswith(_ALLOWED_PREFIX) or not class_name:
        raise ImproperlyConfigured(f"carrier {name!r}: BACKEND must be in {_ALLOWED_PREFIX}*")
    return getattr(importlib.import_module(module_name), class_name)


def carrier_for(name: str) -> Carrier:
    """The adapter configured under ``name``, built from its OPTIONS (a simulator entry may
    first fill them in: its module's ``options(options)``)."""
    entry = settings.CARRIERS.get(name)
    if entry is None:
        raise ImproperlyConfigured(f"no carrier named {name!r} is configured")
    options = dict(entry.get("OPTIONS", {}))
    simulator = entry.get("SIMULATOR")
    if simulator:
        if not settings.CARRIER_SIMULATORS:
            raise ImproperlyConfigured("carrier simulators are off")
        hook = getattr(importlib.import_module(simulator), "options", None)
        if hook is not None:
            options = hook(options)
    return _build(name, entry.get("BACKEND", ""), tuple(sorted(options.items(), key=str)))


@cache
def _build(name: str, backend: str, options: tuple) -> Carrier:
    return adapter_class(name)(name=name, options=dict(options))


def simulator_mounts() -> list[tuple[str, str]]:
    """(name, module) of each simulator to mount under /shipping/simulator/<name>/ (none in
    production): the module's ``urlpatterns`` are the carrier's API paths and its pages."""
    if not settings.CARRIER_SIMULATORS:
        return []
    return [(n, e["SIMULATOR"]) for n, e in settings.CARRIERS.items() if e.get("SIMULATOR")]


def webhook_token(name: str) -> str:
    """The secret part of the carrier's callback URL (``/shipping/callback/<name>/<token>/``)."""
    entry = settings.CARRIERS.get(name, {})
    return str(entry.get("OPTIONS", {}).get("webhook_token", ""))
