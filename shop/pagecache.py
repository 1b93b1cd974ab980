"""Whole-page cache: one copy of each browsing page, shared by every visitor.

A page is rendered once per URL and language as an anonymous visitor with nothing of their own
sees it, and stored. A visitor with no session, no basket and no pending messages is served it
as it is. A visitor with a session, a basket or an account is served it too on the pages for
browsing the floor (PAGE_CACHE_SHARED_VIEWS), with their own parts filled in: basket, account
links, messages, hearts, follow button, delivery time (shop/personal). While such a page
renders for them, the request is an anonymous one, so nothing of theirs can go into the copy
everyone shares. Any other page of theirs is rendered for them alone. This module holds the
cache (keys, generation, placeholders, invalidation); shop/personal/middleware.py serves it.
Details that keep this correct:

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
from functools import cache as memoize
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

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


def page_key(request: HttpRequest) -> tuple[str, bool]:
    """The page's cache key, and whether parameters that change nothing were dropped."""
    url, dropped = _canonical(request)
    digest = hashlib.sha256(f"{request.get_host()}|{url}".encode()).hexdigest()
    return f"pagecache:{generation(request)}:{get_language()}:{digest}", dropped


@memoize
def _nonce_placeholder(secret_key: str) -> bytes:
    digest = salted_hmac("shop.pagecache.csp-nonce", "placeholder", secret=secret_key)
    return digest.hexdigest()[:32].encode()


def nonce_placeholder() -> str:
    """What ``request.csp_nonce`` reads while a cacheable page renders."""
    return _nonce_placeholder(settings.SECRET_KEY).decode()


def with_token(request: HttpRequest, content: bytes) -> bytes:
    """This visitor's CSRF token and this response's CSP nonce in place of the placeholders."""
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    placeholder = _nonce_placeholder(settings.SECRET_KEY)
    if placeholder in content:
        # Reading the nonce is what makes the CSP middleware put it in the header.
        content = content.replace(placeholder, str(getattr(request, "csp_nonce", "")).encode())
    return content


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
    # Bumped now and again on commit: a lot flagged (or cleared) by an inspection makes its
    # product unavailable (or available again) on every page that shows it
    # (shop.partner.strategy); an offer, its condition and its benefit are kept for the
    # generation by the basket middleware (shop/basket/offers.py), and an order counts its
    # use of an offer inside its transaction.
    for app_label, model_name in (
        ("traceability", "Lot"),
        ("offer", "ConditionalOffer"),
        ("offer", "Condition"),
        ("offer", "Benefit"),
    ):
        model = get_model(app_label, model_name)
        for signal, uid in ((post_save, "pagecache-s-"), (post_delete, "pagecache-d-")):
            signal.connect(
                bump_generation_now_and_on_commit, sender=model, dispatch_uid=uid + model_name
            )
    m2m_changed.connect(bump_generation, dispatch_uid="pagecache-m2m")
    page_published.connect(bump_generation, dispatch_uid="pagecache-published")
    page_unpublished.connect(bump_generation, dispatch_uid="pagecache-unpublished")
