"""Limits: the largest upload per use, requests per client address, request body sizes.

Imported by ``base.py``; enforced by ``shop/uploads`` and ``shop/limits.py``.
"""

import os

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Uploads (shop/uploads): the largest file accepted, per use.
ONBOARDING_MAX_DOCUMENT_BYTES = int(os.environ.get("ONBOARDING_MAX_DOCUMENT_BYTES", 5 * 2**20))
ONBOARDING_MAX_DOCUMENTS = 5
TRACE_MAX_ATTACHMENT_BYTES = int(os.environ.get("TRACE_MAX_ATTACHMENT_BYTES", 10 * 2**20))
PRODUCT_MAX_IMAGE_BYTES = int(os.environ.get("PRODUCT_MAX_IMAGE_BYTES", 5 * 2**20))
PRODUCT_MAX_IMAGES = 8  # added at a time
UPLOAD_MAX_IMAGE_PIXELS = int(os.environ.get("UPLOAD_MAX_IMAGE_PIXELS", 40_000_000))

# Abuse limits (shop/limits.py). Requests per client address to the views named here, counted
# in the cache (they fail open when it is down). Payment callbacks with a valid signature are
# never counted: a gateway's retries must not be refused; only refused callbacks count, and past
# the limit they are answered 429 without storing a row.
RATE_LIMITS = {
    "login": {
        "rate": os.environ.get("RATE_LIMIT_LOGIN", "30/m"),
        "methods": ("POST",),
        "views": ("customer:login", "dashboard:login", "wagtailadmin_login", "admin:login"),
    },
    "register": {
        "rate": os.environ.get("RATE_LIMIT_REGISTER", "10/h"),
        "methods": ("POST",),
        "views": ("customer:register", "password-reset"),
    },
    "apply": {
        "rate": os.environ.get("RATE_LIMIT_APPLY", "10/h"),
        "methods": ("POST",),
        "views": ("onboarding:apply",),
    },
    "search": {
        "rate": os.environ.get("RATE_LIMIT_SEARCH", "60/m"),
        "methods": ("GET", "HEAD"),
        "views": ("search:search", "content-search", "traceability:scanner"),
    },
    "refused-callback": {"rate": os.environ.get("RATE_LIMIT_REFUSED_CALLBACK", "30/m")},
    # The public tracking page: a token in the address, so guessing is what is limited.
    "track": {
        "rate": os.environ.get("RATE_LIMIT_TRACK", "60/m"),
        "methods": ("GET", "HEAD"),
        "views": ("shipping:track",),
    },
    # The public EPCIS query interface (traceability/epcis_api.py): each query reads the events.
    "epcis": {
        "rate": os.environ.get("RATE_LIMIT_EPCIS", "120/m"),
        "methods": ("GET", "HEAD"),
        "views": ("epcis-events",),
    },
}
# How many of our own proxies append to X-Forwarded-For in front of the site (0: trust only
# REMOTE_ADDR, as when gunicorn faces the Internet).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
RATELIMIT_IP_META_KEY = "shop.limits.client_address"
RATELIMIT_FAIL_OPEN = True
# Request bodies: refused from their Content-Length (413) past the limit of the longest matching
# path prefix; pages that take uploads get more than a search or a login.
REQUEST_BODY_MAX_BYTES = 256 * 1024
_FORM_BYTES = 2**20  # the fields and multipart framing around the files
REQUEST_BODY_LIMITS = {
    "/shop/sell/": ONBOARDING_MAX_DOCUMENTS * ONBOARDING_MAX_DOCUMENT_BYTES + _FORM_BYTES,
    "/dashboard/": PRODUCT_MAX_IMAGES * PRODUCT_MAX_IMAGE_BYTES + _FORM_BYTES,
    "/trace/": TRACE_MAX_ATTACHMENT_BYTES + _FORM_BYTES,
    "/cms-admin/": 20 * 2**20,
    "/django-admin/": 20 * 2**20,
    "/shipping/callback/": 64 * 1024,  # a carrier's status callback is a few hundred bytes
}
