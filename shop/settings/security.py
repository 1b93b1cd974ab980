"""Security settings: the Content-Security-Policy, login throttling and operators' second factor.

Imported by ``base.py``; the abuse and size limits are in ``limits.py``.
"""

import base64
import hashlib
import os
from datetime import timedelta

from csp.constants import NONCE, NONE, SELF, UNSAFE_HASHES, UNSAFE_INLINE

# Content-Security-Policy (django-csp 4; shop/csp.py adds what is decided per response). Scripts
# come from our static files or carry the response's nonce (`nonce="{{ request.csp_nonce }}"`);
# nothing is loaded from another origin.


def _csp_hash(source: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()}'"


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Style attributes: only the exact ones Oscar's basket and checkout templates write.
        "style-src-attr": [UNSAFE_HASHES, _csp_hash("display:none")],
        "img-src": [SELF, "data:"],  # Bootstrap's icons are data: SVGs; so is a statement's QR
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],  # and the payment gateways' origins (shop/csp.py)
    }
}
# Paths rendered by other projects' templates that cannot run under that policy: each rule (a
# regular expression on the path) replaces the directives it names.
CONTENT_SECURITY_POLICY_PATHS = [
    # The Wagtail admin writes inline scripts (date pickers, inline panels) and styles; it is
    # for staff only and shows no text a producer or buyer wrote without escaping it.
    (
        r"^/cms-admin/",
        {
            "script-src": [SELF, UNSAFE_INLINE],
            "style-src": [SELF, UNSAFE_INLINE],
            "style-src-attr": None,  # style attributes follow style-src there
        },
    ),
    # Oscar's dashboard templates and widgets write style attributes (the index's bars, select
    # boxes, the rich-text editor); its scripts and style sheets stay under the strict rules.
    (r"^/dashboard/", {"style-src-attr": [UNSAFE_INLINE]}),
]
# Scripts read the CSRF token from the page (a form's csrfmiddlewaretoken field), never the cookie.
CSRF_COOKIE_HTTPONLY = True

# Login throttling (django-axes, on the shop, dashboard, Wagtail and Django admin logins):
# after LOGIN_FAILURE_LIMIT wrong passwords an account is locked at that address (other
# addresses and accounts are unaffected) for LOGIN_COOLOFF_MINUTES, even with the right
# password. Operators unlock at /dashboard/lockouts/ or with `manage.py axes_reset_username`.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "shop.accounts.lockout.login_identity"
# The same client address as the rate limits: behind our proxies (TRUSTED_PROXY_COUNT), the
# visitor's, not the proxy's, so one visitor cannot lock an account out for everyone.
AXES_CLIENT_IP_CALLABLE = "shop.limits.client_address"
AXES_LOCKOUT_CALLABLE = "shop.accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "login-password", "code"]

# Operators' second factor (django-otp): see shop/accounts and shop/roles.py.
OTP_TOTP_ISSUER = "Chợ Phiên"
DEMO_TOTP_KEY = ""  # development only (shop/settings/dev.py)
DEMO_RECOVERY_CODE = ""
