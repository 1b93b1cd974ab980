"""Development settings: the embedded defaults, runnable with nothing but Python."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, SITE_URL

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-not-secret-cho-phien"  # noqa: S105
ALLOWED_HOSTS = ["*"]
INTERNAL_IPS = ["127.0.0.1"]

# Payment gateways are simulated locally (shop/settings/simulators.py).
from .simulators import simulated_carriers, simulated_gateways, simulated_zns  # noqa: E402

PAYMENT_SIMULATORS = True
PAYMENT_GATEWAYS = {**simulated_gateways(SITE_URL), **PAYMENT_GATEWAYS}  # noqa: F405
CARRIER_SIMULATORS = True
CARRIERS = {**simulated_carriers(SITE_URL), **CARRIERS}  # noqa: F405
ZNS_SIMULATOR = True
ZNS = ZNS or simulated_zns()  # noqa: F405
# The carrier simulators keep their parcels here across restarts (in memory when unset).
CARRIER_SIMULATOR_STATE_DIR = VAR_DIR / "simulators"  # noqa: F405

# The demo operator's second factor (shop/accounts/services.py, demo_device_ensure): a fixed,
# public development key, and the verify page shows its current code. Never set elsewhere.
DEMO_TOTP_KEY = "63686f706869656e2d64656d6f2d6f6e6c793230"  # noqa: S105 ("chophien-demo-only20")
DEMO_RECOVERY_CODE = "chophiendemo"  # noqa: S105
