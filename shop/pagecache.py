"""Whole-page cache: one copy of each browsing page, shared by every visitor.

A page is rendered once per URL and language as an anonymous visitor with nothing of their own
sees it, and stored. A visitor with no session, no basket and no pending messages is served it
as it is. A visitor with a session, a basket or an account is served it too on the pages for
browsing the floor (PAGE_CACHE_SHARED_VIEWS), with their own parts filled in: basket, account
links, messages, hearts, follow button, delivery time (shop/personal.py). While such a page
renders for them, the request is an anonymous one (``_as_anonymous``), so nothing of theirs can
go into the copy everyone shares. Any other page of theirs is rendered for them alone. Details
that keep this correct:

* The CSRF token is per visitor. While a cacheable page renders, templates get a placeholder
  instead of a token; the placeholder is swapped for this visitor's token on every response.
* So is the Content-Security-Policy nonce: a cacheable page renders with a placeholder for
  ``request.csp_nonce``, and every response, served from the cache or not, gets a fresh nonce
  both in its scripts and in its header. The placeholder derives from SECRET_KEY, so text
  that someone typed into a page cannot guess it and be handed the nonce.
* Only the query parameters that change a page are part of its key; a URL with others is
  served the page cached for its canonical URL, or rendered without being stored.
* Any change to what a page can show (products, prices, stock, categories, producers, offers,
  content pages, a traceable lot flagged by an inspection) bumps one generation number that is
  part of every key, so stale pages are never served; they simply age out of the cache. The
  apps that own those models know nothing of this: the cache listens to their changes.
"""

import hashlib
import logging
import time
from contextlib import contextmanager
from functools import cache as memoize
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from shop import personal
from shop.limits import view_name

CSRF_PLACEHOLDER = "cho-phien-csrf-placeholder-0f5c2b"
GENERATION_KEY = "pagecache:generation"
NEVER_CACHED = (
    "/dashboard/",
    "/cms-admin/",
    "/django-admin/",
    "/healthz",
    "/payments/",
    "/en/payments/",
)
logger = logging.getLogger(__name__)


def _cacheable_request(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not request.path.startswith(NEVER_CACHED)


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
        and personal.shareable(request)
    )


def generation(request: HttpRequest | None = None, *, known: int | None = None) -> int:
    """The pages' generation (read once per request when given one; `known`: as read)."""
    if request is not None and "_page_generation" in request.__dict__:
        return request._page_generation
    value = known if known is not None else cache.get(GENERATION_KEY)
    if value is None:
        # A fresh start never reuses an old number, even if the key was evicted.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY, 0)
    if request is not None:
        request._page_generation = value
    return value


def bump_generation(**_kwargs) -> None:
    """Invalidate every cached page (called when anything a page shows changes)."""
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not set yet (or evicted)
            cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
    except Exception:  # a cache outage must not fail the write that changed the floor
        logger.exception("page cache generation not bumped; cached pages expire on their own")


def bump_generation_now_and_on_commit(**_kwargs) -> None:
    """For a change made inside a transaction: bump now (the request that made it sees it) and
    again once committed (no page rendered meanwhile from the old rows survives)."""
    bump_generation()
    transaction.on_commit(bump_generation)


def _canonical(request: HttpRequest) -> tuple[str, bool]:
    """The URL with only the query parameters that change a page (PAGE_CACHE_QUERY_PARAMETERS),
    by name (a repeated name keeps its order), and whether any other parameter was dropped."""
    allowed = settings.PAGE_CACHE_QUERY_PARAMETERS
    pairs = [(name, value) for name, values in request.GET.lists() for value in values]
    kept = sorted((pair for pair in pairs if pair[0] in allowed), key=lambda pair: pair[0])
    query = urlencode(kept)
    return (f"{request.path}?{query}" if query else request.path), len(kept) < len(pairs)


def _key(request: HttpRequest) -> tuple[str, bool]:
    url, dropped = _canonical(request)
    digest = hashlib.sha256(f"{request.get_host()}|{url}".encode()).hexdigest()
    return f"pagecache:{generation(request)}:{get_language()}:{digest}", dropped


def _fetch(request: HttpRequest, *, stateless: bool) -> tuple[str, bool, tuple | None]:
    """The page's key, whether parameters were dropped, and its cached entry; for a visitor
    with a state, their state is read in the same round trip (shop/personal.py)."""
    if stateless:
        key, dropped = _key(request)
        return key, dropped, cache.get(key)
    visitor = personal.who(request)
    versions = cache.get_many([GENERATION_KEY, personal.version_key(visitor)])
    generation(request, known=versions.get(GENERATION_KEY))
    key, dropped = _key(request)
    own = personal.state_key(
        visitor,
        generation=request._page_generation,
        version=personal.version(visitor, versions.get(personal.version_key(visitor))),
    )
    entries = cache.get_many([key, own])
    request._personal_cached = (own, entries.get(own))
    return key, dropped, entries.get(key)


@memoize
def _nonce_placeholder(secret_key: str) -> bytes:
    digest = salted_hmac("shop.pagecache.csp-nonce", "placeholder", secret=secret_key)
    return digest.hexdigest()[:32].encode()


def nonce_placeholder() -> str:
    """What ``request.csp_nonce`` reads while a cacheable page renders."""
    return _nonce_placeholder(settings.SECRET_KEY).decode()


def _with_token(request: HttpRequest, content: bytes) -> bytes:
    """This visitor's CSRF token and this response's CSP nonce in place of the placeholders."""
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    placeholder = _nonce_placeholder(settings.SECRET_KEY)
    if placeholder in content:
        # Reading the nonce is what makes the CSP middleware put it in the header.
        content = content.replace(placeholder, str(getattr(request, "csp_nonce", "")).encode())
    return content


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
            response.content = _with_token(request, personal.strip(response.content))
        else:
            response.content = _with_token(request, personal.fill(response.content, request))
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
        request.csp_nonce = nonce_placeholder()
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


def csrf(request: HttpRequest) -> dict:
    """Template context processor replacing Django's `csrf`: placeholder on cacheable pages."""
    if getattr(request, "page_cacheable", False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {"csrf_token": SimpleLazyObject(lambda: get_token(request))}


def connect_invalidation() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from oscar.core.loading import get_model
    from wagtail.signals import page_published, page_unpublished

    for app_label, model_name in (
        ("catalogue", "Product"),
        ("catalogue", "ProductImage"),
        ("catalogue", "Category"),
        ("catalogue", "ProductCategory"),
        ("partner", "StockRecord"),
        ("partner", "Partner"),
        ("offer", "ConditionalOffer"),
        ("wagtailcore", "Page"),
        ("wagtailcore", "Site"),
        # A page made private, and an image's title or focal point, change the cards that
        # show them (the home page's blocks are kept for the generation).
        ("wagtailcore", "PageViewRestriction"),
        ("wagtailimages", "Image"),
    ):
        model = get_model(app_label, model_name)
        post_save.connect(bump_generation, sender=model, dispatch_uid=f"pagecache-s-{model_name}")
        post_delete.connect(bump_generation, sender=model, dispatch_uid=f"pagecache-d-{model_name}")
    # A lot flagged (or cleared) by an inspection makes its product unavailable (or available
    # again) on every page that shows it (shop.partner.strategy).
    lot = get_model("traceability", "Lot")
    for signal, uid in ((post_save, "pagecache-s-Lot"), (post_delete, "pagecache-d-Lot")):
        signal.connect(bump_generation_now_and_on_commit, sender=lot, dispatch_uid=uid)
    m2m_changed.connect(bump_generation, dispatch_uid="pagecache-m2m")
    page_published.connect(bump_generation, dispatch_uid="pagecache-published")
    page_unpublished.connect(bump_generation, dispatch_uid="pagecache-unpublished")
