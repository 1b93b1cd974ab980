"""Which adapter serves which payment method, and what it declares, read from settings when
needed (``PAYMENT_METHODS``, ``PAYMENT_GATEWAYS``; see payments/README.md).

Every question about a method goes through here: its adapter, its capabilities, its label,
its callback route, its simulator. Nothing here names a method except cash on delivery,
which has no gateway.
"""

import importlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from payments.gateways import factory
from payments.gateways.factory import adapter_class, build_gateway
from payments.models import Method, method_label
from payments.ports import Capabilities, Gateway

NO_GATEWAY = Capabilities()


def gateway_for(method: str) -> Gateway:
    """The adapter for `method`, built from settings; in development and tests the entry's
    simulator may first fill in its options (e.g. the address of a stub it starts)."""
    configured = settings.PAYMENT_GATEWAYS
    entry = configured.get(method, {})
    simulated = simulator_options(method)
    if simulated is not None:
        configured = {**configured, method: {**entry, "OPTIONS": simulated}}
    return build_gateway(name=method, settings=configured)


def simulator_options(method: str) -> dict | None:
    """The options the entry's simulator gives (its module's `options(options)`), or None
    when the entry has no simulator or the simulator keeps them as they are."""
    entry = settings.PAYMENT_GATEWAYS.get(method, {})
    path = entry.get("SIMULATOR")
    if not path:
        return None
    hook = getattr(importlib.import_module(path), "options", None)
    if hook is None:
        return None
    if not settings.PAYMENT_SIMULATORS:
        raise ImproperlyConfigured("payment simulators are off")
    return hook(dict(entry.get("OPTIONS", {})))


def adapter_for(method: str) -> type | None:
    """The adapter class configured for `method` (None: no gateway, as for cash)."""
    entry = settings.PAYMENT_GATEWAYS.get(method)
    return adapter_class(method, entry) if entry else None


def capabilities(method: str) -> Capabilities:
    """What `method`'s adapter declares it can do; nothing for a method without one."""
    adapter = adapter_for(method)
    return adapter.capabilities if adapter else NO_GATEWAY


def methods_with(capability: str) -> list[str]:
    """The configured methods whose adapter declares `capability` (a Capabilities field)."""
    return [m for m in settings.PAYMENT_GATEWAYS if getattr(capabilities(m), capability)]


def label(method: str) -> str:
    """How buyers and operators see `method`: the entry's LABEL, else the built-in one."""
    entry = settings.PAYMENT_GATEWAYS.get(method, {})
    return str(entry.get("LABEL") or method_label(method))


def method_templates(method: str, part: str) -> list[str]:
    """The templates that show `part` ("choice": the line under it at checkout; "open":
    what the buyer does while an attempt is open) for `method`, most specific first; the
    last, empty one stands for a method that has nothing to say."""
    return [f"payments/methods/{method}/{part}.html", f"payments/methods/{part}.html"]


def enabled_methods() -> list[str]:
    return [
        m for m in settings.PAYMENT_METHODS if m == Method.COD or m in settings.PAYMENT_GATEWAYS
    ]


def online_methods() -> list[str]:
    """The enabled methods paid through a gateway (all but cash on delivery)."""
    return [m for m in enabled_methods() if m != Method.COD]


def browser_origins() -> tuple[str, ...]:
    """The origins the configured gateways send buyers to (the pages' form-action)."""
    return factory.browser_origins(settings=settings.PAYMENT_GATEWAYS)


def simulator_url_modules() -> list[str]:
    """The simulators' page modules, mounted under /payments/simulator/ (development, tests)."""
    modules = [entry.get("SIMULATOR", "") for entry in settings.PAYMENT_GATEWAYS.values()]
    return list(dict.fromkeys(m for m in modules if m))
