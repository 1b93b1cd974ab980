"""Production settings: configured only by environment variables, with no default for a secret."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL, SECRET_KEY, env_bool

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set (at least 50 characters) in production.")
if DATABASES["default"]["ENGINE"] != "shop.db.postgresql":  # PostgreSQL (settings/base.py)
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set in production (cache and Celery broker).")

# The payment simulators can never run here, whatever the environment says.
PAYMENT_SIMULATORS = False
for _name, _gateway in PAYMENT_GATEWAYS.items():  # noqa: F405
    _options = _gateway["OPTIONS"]
    # Every option a gateway's entry lists is needed: keys, secrets, account and bank numbers.
    _missing = [key for key, value in _options.items() if value in ("", None)]
    if _missing:
        raise ImproperlyConfigured(f"Payment gateway {_name!r} needs {', '.join(_missing)}.")
    if _gateway.get("SIMULATOR") or any("simulator" in str(v) for v in _options.values()):
        raise ImproperlyConfigured(f"Payment gateway {_name!r} points at a simulator.")

# The carrier simulators neither: every carrier's options are needed, none points at one.
CARRIER_SIMULATORS = False
for _name, _carrier in CARRIERS.items():  # noqa: F405
    _options = _carrier["OPTIONS"]
    _missing = [key for key, value in _options.items() if value in ("", None)]
    if _missing:
        raise ImproperlyConfigured(f"Carrier {_name!r} needs {', '.join(_missing)}.")
    if _carrier.get("SIMULATOR") or any("simulator" in str(v) for v in _options.values()):
        raise ImproperlyConfigured(f"Carrier {_name!r} points at a simulator.")

# Zalo messages: when ZNS is enabled, every key is needed and none points at the simulator.
ZNS_SIMULATOR = False
if ZNS:  # noqa: F405
    _missing = [
        f"ZNS_{key.upper()}"
        for key, value in ZNS["OPTIONS"].items()  # noqa: F405
        if value in ("", None)
    ]
    if _missing:
        raise ImproperlyConfigured(f"ZNS is enabled and needs {', '.join(_missing)}.")
    if ZNS.get("SIMULATOR") or any(  # noqa: F405
        "simulator" in str(v)
        for v in ZNS["OPTIONS"].values()  # noqa: F405
    ):
        raise ImproperlyConfigured("ZNS points at a simulator.")

# Traceability: the chain node, the anchoring key and our own GS1 company prefix.
if not os.environ.get("CHAIN_RPC_URL"):
    raise ImproperlyConfigured("CHAIN_RPC_URL must point at the EVM JSON-RPC node in production.")
if not os.environ.get("CHAIN_ANCHOR_KEY") and not (
    os.environ.get("CHAIN_ANCHOR_KEYSTORE")
    and (
        os.environ.get("CHAIN_ANCHOR_KEYSTORE_PASSWORD")
        or os.environ.get("CHAIN_ANCHOR_KEYSTORE_PASSWORD_FILE")
    )
):
    raise ImproperlyConfigured(
        "CHAIN_ANCHOR_KEY, or CHAIN_ANCHOR_KEYSTORE with CHAIN_ANCHOR_KEYSTORE_PASSWORD(_FILE), "
        "must give the anchoring account in production."
    )
if not os.environ.get("GS1_COMPANY_PREFIX"):
    raise ImproperlyConfigured("GS1_COMPANY_PREFIX must be our GS1 company prefix in production.")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
OSCAR_BASKET_COOKIE_SECURE = True
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
