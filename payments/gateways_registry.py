"""Which adapter serves which payment method, read from settings when needed."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from payments.gateways import factory
from payments.gateways.factory import build_gateway
from payments.ports import Gateway

SIMULATED = "simulator"


def gateway_for(method: str) -> Gateway:
    configured = settings.PAYMENT_GATEWAYS
    options = configured.get(method, {}).get("OPTIONS", {})
    if options.get("api_base") == SIMULATED:
        # Development and tests: the card gateway talks to the local Stripe stub.
        if not settings.PAYMENT_SIMULATORS:
            raise ImproperlyConfigured("payment simulators are off")
        from payments.simulators.views import stripe_stub

        entry = configured[method]
        options = {**options, "api_base": stripe_stub().api_base}
        configured = {**configured, method: {**entry, "OPTIONS": options}}
    return build_gateway(name=method, settings=configured)


def enabled_methods() -> list[str]:
    return [m for m in settings.PAYMENT_METHODS if m == "cod" or m in settings.PAYMENT_GATEWAYS]


def browser_origins() -> tuple[str, ...]:
    """The origins the configured gateways send buyers to (the pages' form-action)."""
    return factory.browser_origins(settings=settings.PAYMENT_GATEWAYS)
