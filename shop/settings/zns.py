"""Zalo notification messages (shop/zns): buyers and producers who chose Zalo get their order,
payment and shipment notifications as ZNS template messages; anything Zalo cannot deliver
goes by e-mail. ``ZNS`` is empty (every message by e-mail) unless ZNS_ENABLED is on; then
production needs every key (settings/production.py). The simulator (settings/simulators.py)
speaks Zalo's protocol locally and exists only in development and tests.

TEMPLATES maps our notifications (``templates/notifications/<name>``) onto the ids of the
templates Zalo approved for the Official Account; a notification without one goes by e-mail.
Their parameters are built in ``shop/zns/templates.py``."""

import os

ZNS_SIMULATOR = False

# Our notifications with a ZNS template, and the environment variable giving its id.
ZNS_TEMPLATE_ENV = {
    "orders/order_placed": "ZNS_TEMPLATE_ORDER_PLACED",
    "orders/payment_pending": "ZNS_TEMPLATE_PAYMENT_PENDING",
    "orders/payment_received": "ZNS_TEMPLATE_PAYMENT_RECEIVED",
    "fulfilment/shipped": "ZNS_TEMPLATE_SHIPPED",
    "fulfilment/tracking_delivered": "ZNS_TEMPLATE_DELIVERED",
    "fulfilment/new_order": "ZNS_TEMPLATE_PRODUCER_NEW_ORDER",
}

ZNS: dict = {}
if os.environ.get("ZNS_ENABLED", "").strip().lower() in {"1", "true", "yes", "on"}:
    ZNS = {
        "OPTIONS": {
            "app_id": os.environ.get("ZNS_APP_ID", ""),
            "secret_key": os.environ.get("ZNS_SECRET_KEY", ""),
            "refresh_token": os.environ.get("ZNS_REFRESH_TOKEN", ""),
            "oa_id": os.environ.get("ZNS_OA_ID", ""),
            "api_url": os.environ.get("ZNS_API_URL", "https://business.openapi.zalo.me"),
            "oauth_url": os.environ.get(
                "ZNS_OAUTH_URL", "https://oauth.zaloapp.com/v4/oa/access_token"
            ),
            "timeout": float(os.environ.get("ZNS_TIMEOUT", "5")),
        },
        "TEMPLATES": {
            name: os.environ[variable]
            for name, variable in ZNS_TEMPLATE_ENV.items()
            if os.environ.get(variable)
        },
    }
