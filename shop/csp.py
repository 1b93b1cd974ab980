"""The Content-Security-Policy of every response (django-csp), with the floor's few exceptions.

The policy itself is ``CONTENT_SECURITY_POLICY`` in settings: our origin only, scripts only from
our static files or carrying the response's nonce. Three things are decided per response here:

* ``CONTENT_SECURITY_POLICY_PATHS``: the admin areas built on other projects' templates (the
  Wagtail admin, Oscar's dashboard) replace a few directives, by path, and nothing else does;
* a view that lets its page be framed by our own pages (``X-Frame-Options: SAMEORIGIN``, as
  Wagtail's preview sets) gets ``frame-ancestors 'self'`` instead of ``'none'``. Wagtail renders
  a preview by passing a request for the page itself through the middleware: that response
  keeps the page's own policy and nonce, and only its framing follows the preview view;
* ``connect-src`` also names the origin of ``CHAIN_PUBLIC_RPC_URL``, the public node the buyer's
  browser asks when it verifies a lot itself;
* ``form-action`` also names the origins the configured payment gateways send the buyer to
  (a checkout form posts to us, and we redirect to the gateway), read from ``PAYMENT_GATEWAYS``.

A view decorated with django-csp's ``csp_update``/``csp_replace`` still has the last word.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from functools import lru_cache
from urllib.parse import urlsplit

from csp.constants import HEADER, SELF
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from payments.gateways_registry import browser_origins


@lru_cache(maxsize=8)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(pattern) for pattern in patterns)


def path_directives(path: str) -> dict[str, list]:
    """The directives ``CONTENT_SECURITY_POLICY_PATHS`` replaces for ``path`` (in order)."""
    rules = getattr(settings, "CONTENT_SECURITY_POLICY_PATHS", ())
    directives: dict[str, list] = {}
    for pattern, (_, replaced) in zip(_compiled(tuple(p for p, _ in rules)), rules, strict=True):
        if pattern.search(path):
            directives.update(replaced)
    return directives


def public_rpc_origin() -> str | None:
    """The origin of ``CHAIN_PUBLIC_RPC_URL``, the node a buyer's browser asks when it verifies
    a lot itself (``static/traceability/verify.js``), or ``None`` when there is none."""
    parsed = urlsplit(getattr(settings, "CHAIN_PUBLIC_RPC_URL", "") or "")
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None
    return f"{parsed.scheme}://{parsed.netloc}"


def _framed_by_us(response: HttpResponseBase) -> bool:
    return response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        inner: PolicyParts | None = getattr(response, "_csp_parts", None)
        if inner is not None and getattr(response, "_csp_request", None) is not request:
            # Rendered for another request through this middleware (a preview of the page).
            if _framed_by_us(response) and HEADER in response:
                inner.replace = {**(inner.replace or {}), "frame-ancestors": [SELF]}
                response[HEADER] = build_policy(**asdict(inner))
            return response
        return super().process_response(request, response)

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        replace = path_directives(request.path_info)
        if _framed_by_us(response):
            replace["frame-ancestors"] = [SELF]
        if parts.config is None and "form-action" not in replace:
            configured = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].get("form-action", [])
            replace["form-action"] = [*configured, *browser_origins()]
        rpc = public_rpc_origin()
        if parts.config is None and rpc and "connect-src" not in replace:
            configured = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].get("connect-src", [SELF])
            replace["connect-src"] = [*configured, rpc]
        parts.replace = {**replace, **(parts.replace or {})}
        response._csp_parts, response._csp_request = parts, request
        return parts
