"""The page cache's middleware: one copy of each browsing page for every visitor, their own
parts filled in (see shop/pagecache.py for the cache, shop/personal for the parts).

A visitor with no session, no basket and no pending messages is served the shared copy as it
is. A visitor with a session, a basket or an account is served it on the pages for browsing the
floor (PAGE_CACHE_SHARED_VIEWS), with their parts filled in; while such a page renders for them
the request is an anonymous one (``_as_anonymous``), so nothing of theirs can go into the copy.
Any other page of theirs is rendered for them alone.
"""

import logging
from contextlib import contextmanager
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from shop import pagecache
from shop.limits import view_name
from shop.personal import fill, shareable, state_key, strip, version, version_key
from shop.personal import who as personal_who

logger = logging.getLogger(__name__)


def _cacheable_request(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not request.path.startswith(pagecache.NEVER_CACHED)


def _stateless(request: HttpRequest) -> bool:
    """A visitor with nothing of their own: no session, no basket, no messages."""
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and settings.OSCAR_BASKET_COOKIE_OPEN not in cookies
        and "messages" not in cookies
        and not request.user.is_authenticated
    )


def _shared_for(request: HttpRequest) -> bool:
    """Whether a visitor with a session, a basket or an account is served this page from the
    shared cache: a page for browsing the floor (PAGE_CACHE_SHARED_VIEWS), whose prices are
    the same for everyone (a strategy that prices per visitor says so and is never shared),
    with a state the visitor's parts can be filled from."""
    return (
        view_name(request) in settings.PAGE_CACHE_SHARED_VIEWS
        and getattr(request.strategy, "same_for_everyone", False)
        and shareable(request)
    )


def _fetch(request: HttpRequest, *, stateless: bool) -> tuple[str, bool, tuple | None]:
    """The page's key, whether parameters were dropped, and its cached entry; for a visitor
    with a state of their own, that state is read in the same round trip (shop/personal)."""
    visitor = None if stateless else personal_who(request)
    if not visitor:  # nothing of their own kept: a session alone, or messages
        key, dropped = pagecache.page_key(request)
        return key, dropped, cache.get(key)
    versions = cache.get_many([pagecache.GENERATION_KEY, version_key(visitor)])
    pagecache.generation(request, known=versions.get(pagecache.GENERATION_KEY))
    key, dropped = pagecache.page_key(request)
    own = state_key(
        visitor,
        generation=request._page_generation,
        version=version(visitor, versions.get(version_key(visitor))),
    )
    entries = cache.get_many([key, own])
    request._personal_cached = (own, entries.get(own))
    return key, dropped, entries.get(key)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.PAGE_CACHE_SECONDS <= 0 or not _cacheable_request(request):
            return self.get_response(request)
        stateless = _stateless(request)
        if not stateless and not _shared_for(request):
            return self.get_response(request)
        try:
            key, dropped, cached = _fetch(request, stateless=stateless)
        except Exception:  # the cache is an optimisation: when it is down, render the page
            logger.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)
        if cached is not None:
            status, headers, content = cached
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
        else:
            response = self._render_shared(request, key=key, dropped=dropped, stateless=stateless)
        if response.streaming:
            return response
        if stateless:
            response.content = pagecache.with_token(request, strip(response.content))
        else:
            response.content = pagecache.with_token(request, fill(response.content, request))
            # This visitor's own page: no shared cache on the way may keep it.
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie",))
        return response

    def _render_shared(
        self, request: HttpRequest, *, key: str, dropped: bool, stateless: bool
    ) -> HttpResponse:
        """The page as an anonymous visitor with nothing of their own sees it, personal parts
        marked; stored when nothing of a visitor went into it."""
        request.page_cacheable = True
        nonce = getattr(request, "csp_nonce", "")
        request.csp_nonce = pagecache.nonce_placeholder()
        try:
            with _as_anonymous(request, really=not stateless):
                response = self.get_response(request)
                storable = not dropped and self._storable(request, response)
        finally:
            request.csp_nonce = nonce
            request.page_cacheable = False
        # A URL with parameters that change nothing gets the page stored under its canonical
        # URL when there is one, and never adds an entry of its own (``?x=1``, ``?x=2``…).
        if storable:
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() in ("content-type", "content-language")
            ]
            entry = (response.status_code, headers, response.content)
            try:
                cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
                response["X-Page-Cache"] = "miss"
            except Exception:
                logger.warning("page cache unavailable", exc_info=True)
        return response

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and response.get("Content-Type", "").startswith("text/html")
            and "no-store" not in cache_control
            and "private" not in cache_control
            and _untouched(request)
        )


@contextmanager
def _as_anonymous(request: HttpRequest, *, really: bool):
    """While a shared page renders for a visitor with a session, a basket or an account, the
    request is an anonymous visitor's with nothing of their own: no user, an empty session,
    no cookies, no messages, an empty basket. Nothing of theirs can reach the shared page."""
    if not really:
        yield
        return
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage import default_storage
    from oscar.core.loading import get_class, get_model

    names = ("user", "session", "COOKIES", "_messages", "strategy", "basket", "_basket_cache")
    missing = object()
    saved = {name: request.__dict__.get(name, missing) for name in names}
    saved_cookies_to_delete = getattr(request, "cookies_to_delete", None)
    request.user = AnonymousUser()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.COOKIES = {}
    request._messages = default_storage(request)
    request.strategy = get_class("partner.strategy", "Selector")().strategy(
        request=request, user=request.user
    )
    basket = get_model("basket", "Basket")()
    basket.strategy = request.strategy
    request.basket = request._basket_cache = basket
    request.cookies_to_delete = []
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                request.__dict__.pop(name, None)
            else:
                request.__dict__[name] = value
        request.cookies_to_delete = saved_cookies_to_delete


def _untouched(request: HttpRequest) -> bool:
    """True when rendering did not read or write anything that belongs to this visitor."""
    session = getattr(request, "session", None)
    if session is not None and (session.modified or not session.is_empty()):
        return False
    storage = getattr(request, "_messages", None)
    return not (storage is not None and len(storage) > 0)
