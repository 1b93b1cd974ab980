"""Carriers (shop/carriers): the adapters, chosen in the style of CACHES, each carrier's
BACKEND, LABEL and OPTIONS from the environment; the simulators (settings/simulators.py)
speak each carrier's protocol locally and exist only in development and tests.

Each carrier calls us back at ``/shipping/callback/<name>/<webhook_token>/``: the token is the
secret part of that address for carriers that sign nothing (it is checked as the carrier's
own token or hash is, where it has one)."""

import os

from django.utils.translation import gettext_lazy as _

CARRIER_SIMULATORS = False
# How long checkout waits for a carrier's quote before charging the producer's flat rate.
CARRIER_QUOTE_TIMEOUT = float(os.environ.get("CARRIER_QUOTE_TIMEOUT", "2.0"))
# How long a quote is kept (the basket, the preview and the order charge the same fee).
CARRIER_QUOTE_CACHE_SECONDS = int(os.environ.get("CARRIER_QUOTE_CACHE_SECONDS", 30 * 60))
# How long a quote that did not come (late, refused) is remembered: the flat rate a preview
# showed is the one the order charges, and a carrier that is down is not waited for each time.
CARRIER_QUOTE_MISS_CACHE_SECONDS = int(os.environ.get("CARRIER_QUOTE_MISS_CACHE_SECONDS", 10 * 60))
# The province (official code) product pages give delivery times to, for a visitor whose own
# is unknown (anonymous, or no default address): Hà Nội.
DEFAULT_DELIVERY_PROVINCE = int(os.environ.get("DEFAULT_DELIVERY_PROVINCE", "1"))
# A delivered parcel the buyer has not confirmed is confirmed this many days later.
DELIVERY_CONFIRM_AFTER_DAYS = int(os.environ.get("DELIVERY_CONFIRM_AFTER_DAYS", "7"))
# The periodic tracking query (fulfilment.track_parcels) asks about this many parcels a round.
CARRIER_TRACK_BATCH = int(os.environ.get("CARRIER_TRACK_BATCH", "200"))
# A parcel's default size when the producer gives none at packing (cm).
PARCEL_DEFAULT_SIZE_CM = (20, 15, 10)

CARRIERS: dict = {}
if os.environ.get("GHN_TOKEN"):
    CARRIERS["ghn"] = {
        "BACKEND": "shop.carriers.adapters.ghn.GHNCarrier",
        "LABEL": _("Giao Hàng Nhanh (GHN)"),
        "OPTIONS": {
            "token": os.environ["GHN_TOKEN"],
            "shop_id": os.environ.get("GHN_SHOP_ID", ""),
            "api_url": os.environ.get(
                "GHN_API_URL", "https://online-gateway.ghn.vn/shiip/public-api"
            ),
            "webhook_token": os.environ.get("GHN_WEBHOOK_TOKEN", ""),
        },
    }
if os.environ.get("GHTK_TOKEN"):
    CARRIERS["ghtk"] = {
        "BACKEND": "shop.carriers.adapters.ghtk.GHTKCarrier",
        "LABEL": _("Giao Hàng Tiết Kiệm (GHTK)"),
        "OPTIONS": {
            "token": os.environ["GHTK_TOKEN"],
            "client_source": os.environ.get("GHTK_CLIENT_SOURCE", ""),
            "api_url": os.environ.get("GHTK_API_URL", "https://services.giaohangtietkiem.vn"),
            "webhook_token": os.environ.get("GHTK_WEBHOOK_TOKEN", ""),
        },
    }
if os.environ.get("VIETTELPOST_USERNAME"):
    CARRIERS["viettelpost"] = {
        "BACKEND": "shop.carriers.adapters.viettelpost.ViettelPostCarrier",
        "LABEL": _("Viettel Post"),
        "OPTIONS": {
            "username": os.environ["VIETTELPOST_USERNAME"],
            "password": os.environ.get("VIETTELPOST_PASSWORD", ""),
            "api_url": os.environ.get("VIETTELPOST_API_URL", "https://partner.viettelpost.vn/v2"),
            "webhook_token": os.environ.get("VIETTELPOST_WEBHOOK_TOKEN", ""),
        },
    }
