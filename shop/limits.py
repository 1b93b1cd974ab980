"""Abuse limits: requests per client address, and the size of a request body.

* ``RateLimitMiddleware`` counts requests per client address to the views named in
  ``RATE_LIMITS`` (counters in the cache, through django-ratelimit) and answers 429 with
  Retry-After past the limit. When the cache is down the limits fail open: the floor stays up
  and shop/cache.py logs the outage.
* ``BodySizeLimitMiddleware`` refuses a body larger than the limit of its path (413) from its
  Content-Length, before anything reads it; a body without a length (chunked) is refused (411),
  since Django would read it as empty anyway.
* ``over_limit`` lets a view count what only it can tell apart (refused payment callbacks).
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, get_resolver, get_urlconf
from django.utils.translation import get_language
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address our own proxies put in X-Forwarded-For when
    TRUSTED_PROXY_COUNT says how many of them stand in front of the site."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        # Each trusted proxy appends the address it received from; what a client wrote
        # itself sits further left and is never trusted.
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 (a key, not a bind)


def over_limit(request: HttpRequest, group: str) -> int:
    """Count this request against ``RATE_LIMITS[group]``; seconds to wait when over, else 0."""
    limit = settings.RATE_LIMITS[group]
    usage = get_usage(
        request, group=group, key="ip", rate=limit["rate"], method=get_usage.ALL, increment=True
    )
    if usage is None or not usage["should_limit"]:
        return 0
    logger.warning("rate limit %s reached by %s", group, client_address(request))
    return max(1, usage["time_left"])


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The 429 page, in Vietnamese and English, with Retry-After."""
    page = render_to_string("429.html", {"retry_after": retry_after})
    response = HttpResponse(page, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def view_name(request: HttpRequest) -> str | None:
    """The name of the view the request's path resolves to (None: none), resolved once."""
    if "_view_name" not in request.__dict__:
        resolver = get_resolver(get_urlconf())
        request._view_name = _view_name_of(resolver, get_language(), request.path_info)
    return request._view_name


@lru_cache(maxsize=2048)
def _view_name_of(resolver, language: str | None, path: str) -> str | None:
    """The view a path resolves to, in the active language (its prefix): what Django's own
    resolving of the same request would find, once per process rather than once a request
    more. Keyed by the resolver itself, which a change of URLconf replaces."""
    try:
        return resolver.resolve(path).view_name
    except Resolver404:
        return None


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.groups = {
            view: group
            for group, limit in settings.RATE_LIMITS.items()
            for view in limit.get("views", ())
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Resolved here, not in process_view, so a page served by the page cache counts too.
        view = view_name(request)
        if view is None:
            return self.get_response(request)
        group = self.groups.get(view)
        if group is not None and request.method in settings.RATE_LIMITS[group]["methods"]:
            retry_after = over_limit(request, group)
            if retry_after:
                return too_many_requests(request, retry_after)
        return self.get_response(request)


def body_limit(path: str) -> int:
    """The largest body accepted on ``path``: the longest matching prefix, any language."""
    for code, _name in settings.LANGUAGES:
        if path.startswith(f"/{code}/"):
            path = path[len(code) + 1 :]
            break
    matches = [prefix for prefix in settings.REQUEST_BODY_LIMITS if path.startswith(prefix)]
    if not matches:
        return settings.REQUEST_BODY_MAX_BYTES
    return settings.REQUEST_BODY_LIMITS[max(matches, key=len)]


class BodySizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        length = meta.get("CONTENT_LENGTH") or ""
        if not length and "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self._refuse(request, 411, "a body without Content-Length")
        try:
            size = int(length) if length else 0
        except ValueError:
            return self._refuse(request, 400, f"Content-Length {length!r}")
        if size > body_limit(request.path):
            return self._refuse(request, 413, f"{size} bytes")
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, status: int, what: str) -> HttpResponse:
        logger.warning("refused %s on %s from %s", what, request.path, client_address(request))
        return HttpResponse(render_to_string("413.html", {"status": status}), status=status)
