"""ZNS from settings (``settings.ZNS``), read when needed: whether it is on, the Zalo template
for a notification, the adapter (pointed at the simulator when its entry names one)."""

from __future__ import annotations

import importlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from shop.zns.client import ZaloZnsClient
from shop.zns.tokens import DatabaseTokenStore


def enabled() -> bool:
    return bool(settings.ZNS)


def template_id(notification: str) -> str:
    """Zalo's id of the template for our notification ``notification``; "" when none."""
    return str(settings.ZNS.get("TEMPLATES", {}).get(notification, "") if settings.ZNS else "")


def client() -> ZaloZnsClient:
    entry = settings.ZNS
    if not entry:
        raise ImproperlyConfigured("ZNS is not enabled")
    options = dict(entry["OPTIONS"])
    simulator = entry.get("SIMULATOR")
    if simulator:
        if not settings.ZNS_SIMULATOR:
            raise ImproperlyConfigured("the ZNS simulator is off")
        options = importlib.import_module(simulator).options(options)
    return ZaloZnsClient(options=options, tokens=DatabaseTokenStore(str(options["app_id"])))


def simulator_module() -> str | None:
    """The simulator's module to mount under /messages/simulator/zns/ (none in production)."""
    if not settings.ZNS_SIMULATOR or not settings.ZNS:
        return None
    return settings.ZNS.get("SIMULATOR") or None
