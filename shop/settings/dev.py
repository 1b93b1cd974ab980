"""Development settings: the embedded defaults, runnable with nothing but Python."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, SITE_URL

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-not-secret-cho-phien"  # noqa: S105
ALLOWED_HOSTS = ["*"]
INTERNAL_IPS = ["127.0.0.1"]

# Payment gateways are simulated locally (shop/settings/simulators.py).
from .simulators import simulated_gateways  # noqa: E402

PAYMENT_SIMULATORS = True
PAYMENT_GATEWAYS = {**simulated_gateways(SITE_URL), **PAYMENT_GATEWAYS}  # noqa: F405
