"""The parts of a page that belong to its visitor, and how a page shared by everyone gets them.

A browsing page is the same for every visitor but for a few parts: the basket button, the
account links, the messages, the hearts on products, the follow button and the delivery time to
the buyer's province (the CSRF token and the CSP nonce are shop/pagecache.py's). The page cache
(shop/personal/middleware.py) serves the shared pages. Templates place those parts with the
``personal`` tags (shop/templatetags/personal.py):

* rendering a page to be shared (``request.page_cacheable``: the page cache stores it), a part
  is written as an anonymous visitor sees it, between two markers; a part with two faces (a
  heart, kept or not) is written with both;
* rendering any other page, a part is written for its visitor directly.

Serving a shared page, the page cache calls ``fill``: this visitor's parts replace the markers,
or the markers simply go for a visitor with nothing of their own. What the parts need to know of
a visitor is their ``State``, one cache entry a visitor, computed in a few queries whatever the
size of their basket or list. It is never reused after a change: a basket line, a favourite, a
follow, an address or the account bumps the visitor's version (now, and again once committed),
and any change to what pages show (prices, offers, producers, roles) bumps the page cache's
generation; both are part of the entry's key. What a signed-in buyer's state holds besides their
basket (their ``Account``) is kept too, under a version of its own that a change to the basket
leaves alone: adding to the basket does not read the favourites, follows, province and roles
again.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache as memoize

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.signing import BadSignature, Signer
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class State:
    """What the personal parts of a page show for one visitor."""

    signed_in: bool = False
    basket_count: int = 0
    basket_total: Decimal | None = Decimal(0)
    currency: str = field(default_factory=lambda: settings.OSCAR_DEFAULT_CURRENCY)
    favourites: frozenset[int] = frozenset()
    follows: frozenset[int] = frozenset()
    province: int = field(default_factory=lambda: settings.DEFAULT_DELIVERY_PROVINCE)
    operator: bool = False
    producer: bool = False
    inspector: bool = False
    # The parts that show nothing but the state, rendered once in the state's language.
    html: dict[str, str] = field(default_factory=dict)


RENDERED_WITH_STATE = ("basket", "account")


@dataclass(frozen=True, slots=True)
class Account:
    """What a signed-in visitor's state holds besides their basket."""

    favourites: frozenset[int]
    follows: frozenset[int]
    province: int
    operator: bool
    producer: bool
    inspector: bool


# --------------------------------------------------------------------------- the state


def who(request: HttpRequest) -> str | None:
    """The cache identity of the visitor's state: ``u<user>``, ``b<basket>`` for an anonymous
    visitor's basket, "" for a visitor with nothing of their own, None when it cannot be kept
    (a basket cookie that does not verify, a cookie basket to merge at sign-in)."""
    if "_personal_who" not in request.__dict__:
        request._personal_who = _identify(request)
    return request._personal_who


def _identify(request: HttpRequest) -> str | None:
    cookie = request.COOKIES.get(settings.OSCAR_BASKET_COOKIE_OPEN)
    if request.user.is_authenticated:
        return None if cookie else f"u{request.user.pk}"
    if not cookie:
        return ""
    try:
        return f"b{int(Signer().unsign(cookie))}"
    except (BadSignature, ValueError):
        return None


def version_key(who: str) -> str:
    return f"personal:version:{who}"


def version(who: str, known: int | None = None) -> int:
    """The version of `who`'s state (`known`: as read already)."""
    if known is not None:
        return known
    key = version_key(who)
    value = cache.get(key)
    if value is None:
        # A lost version never comes back as an old number (the entries of that number).
        cache.add(key, time.time_ns(), timeout=24 * 60 * 60)
        value = cache.get(key, 0)
    return value


def state_key(who: str, *, generation: int, version: int) -> str:
    return f"personal:{generation}:{get_language()}:{who}:{version}"


def _compute(request: HttpRequest) -> State:
    """The visitor's state from the database: Oscar's basket (a cookie basket merged at sign-in,
    offers applied), and a signed-in visitor's `Account`."""
    basket = request.basket
    count = basket.num_items if basket.id else 0
    total = basket.total_incl_tax if count else Decimal(0)
    user = request.user
    if not user.is_authenticated:
        return State(basket_count=count, basket_total=total, currency=basket.currency)
    account = _account_of(request)
    return State(
        signed_in=True,
        basket_count=count,
        basket_total=total,
        currency=basket.currency,
        **{name: getattr(account, name) for name in Account.__slots__},
    )


def _account_of(request: HttpRequest) -> Account:
    """The signed-in visitor's `Account`: from the cache under its own version (``a<user>``)
    and the pages' generation (roles change it), else from the database."""
    from shop import pagecache, roles
    from shop.customer.wishlists.selectors import wishlisted_product_ids
    from shop.partner.selectors import followed_partner_ids
    from shop.shipping.delivery import buyer_province

    user = request.user

    def read() -> tuple[str, Account | None]:
        owner = f"a{user.pk}"
        key = f"personal:account:{pagecache.generation(request)}:{owner}:{version(owner)}"
        return key, cache.get(key)

    def compute() -> Account:
        work = roles.work_of(user)
        return Account(
            favourites=frozenset(wishlisted_product_ids(user=user)),
            follows=frozenset(followed_partner_ids(user=user)),
            province=buyer_province(user),
            operator=roles.is_operator(user),
            producer=work["producer"],
            inspector=work["inspector"],
        )

    return _kept(read, compute)


def state_of(request: HttpRequest) -> State:
    """This visitor's state, from the cache when it holds it (kept on the request). The page
    cache may have read it already, with the page (``request._personal_cached``)."""
    known = getattr(request, "_personal_state", None)
    if known is not None:
        return known
    visitor = who(request)
    if visitor == "":
        state = State()
    elif visitor is None:
        state = _compute(request)
    else:
        from shop import pagecache

        def read() -> tuple[str, State | None]:
            key, state = getattr(request, "_personal_cached", (None, None))
            if key is None:
                generation = pagecache.generation(request)
                key = state_key(visitor, generation=generation, version=version(visitor))
                state = cache.get(key)
            return key, state

        state = _kept(read, lambda: _rendered(request, _compute(request)))
    request._personal_state = state
    return state


def _kept(read: Callable[[], tuple[str, object]], compute: Callable[[], object]):
    """What `read` finds in the cache (its key, and the entry or None), else `compute()`, kept
    under that key. The cache is an optimisation: when it fails, the value is computed and
    nothing is kept."""
    try:
        key, value = read()
    except Exception:  # without the cache, ask the database
        logger.warning("cache unavailable for a visitor's state", exc_info=True)
        key, value = None, None
    if value is None:
        value = compute()
        if key is not None:
            try:
                cache.set(key, value, settings.PERSONAL_STATE_SECONDS)
            except Exception:
                logger.warning("cache unavailable for a visitor's state", exc_info=True)
    return value


def _rendered(request: HttpRequest, state: State) -> State:
    """`state` with its parts that show nothing else rendered (a CSRF placeholder in them)."""
    filling, request._personal_filling = getattr(request, "_personal_filling", False), True
    try:
        html = {name: PARTS[name](request, state, "") for name in RENDERED_WITH_STATE}
    finally:
        request._personal_filling = filling
    return replace(state, html=html)


def visitor_changed(
    *, user_id: int | None = None, basket_id: int | None = None, basket_only: bool = False
) -> None:
    """Something in these visitors' states changed (`basket_only`: only their basket): bump
    their versions now (this request sees it) and once committed (no state computed meanwhile
    from the old rows is used)."""
    keys = [version_key(f"u{user_id}")] if user_id else []
    keys += [version_key(f"a{user_id}")] if user_id and not basket_only else []
    keys += [version_key(f"b{basket_id}")] if basket_id else []
    if not keys:
        return

    def bump() -> None:
        for key in keys:
            try:
                cache.incr(key)
            except ValueError:  # not set: the next read starts a fresh number
                pass
            except Exception:  # an outage: states expire on their own (PERSONAL_STATE_SECONDS)
                logger.warning("a visitor's state not dropped from the cache", exc_info=True)

    bump()
    transaction.on_commit(bump)


# --------------------------------------------------------------------------- the parts


def _basket(request: HttpRequest, state: State, key: str) -> str:
    return render_to_string(
        "oscar/partials/mini_basket.html",
        {"count": state.basket_count, "total": state.basket_total, "currency": state.currency},
    )


def _account(request: HttpRequest, state: State, key: str) -> str:
    return render_to_string(
        "oscar/partials/account_links.html", {"state": state, "csrf_token": _csrf(request)}
    )


def _messages(request: HttpRequest, state: State, key: str) -> str:
    messages = list(get_messages(request)) if not _sharing(request) else []
    if not messages:
        return NO_MESSAGES
    return render_to_string("oscar/partials/alert_messages.html", {"messages": messages})


def _delivery(request: HttpRequest, state: State, key: str) -> str:
    from shop.shipping.delivery import delivery_window

    window = delivery_window(origin=int(key) if key else None, destination=state.province)
    if window is None:
        return ""
    return render_to_string("shipping/_delivery_window.html", {"window": window})


# What the messages template writes when there are none.
NO_MESSAGES = mark_safe('<div id="messages"></div>')  # noqa: S308 (our constant)
# A part: its HTML for a visitor's state (and the part's key: a province, say).
PARTS: dict[str, Callable[[HttpRequest, State, str], str]] = {
    "basket": _basket,
    "account": _account,
    "messages": _messages,
    "delivery": _delivery,
}
# A part with two faces, and which one a visitor's state shows for a key (a product, a producer).
CHOICES: dict[str, Callable[[State, str], bool]] = {
    "heart": lambda state, key: int(key) in state.favourites,
    "follow": lambda state, key: int(key) in state.follows,
}


def _sharing(request: HttpRequest | None) -> bool:
    return bool(getattr(request, "page_cacheable", False))


def _csrf(request: HttpRequest | None) -> str:
    from shop import pagecache

    if request is None:
        return ""
    if _sharing(request) or getattr(request, "_personal_filling", False):
        return pagecache.CSRF_PLACEHOLDER
    from django.middleware.csrf import get_token

    return get_token(request)


# --------------------------------------------------------------------------- markers


@memoize
def _token(secret_key: str) -> str:
    # From SECRET_KEY, so no text anyone typed into a page can pass for a marker.
    return salted_hmac("shop.personal.marker", "marker", secret=secret_key).hexdigest()[:16]


def _markers() -> tuple[SafeString, SafeString, SafeString]:
    token = _token(settings.SECRET_KEY)  # hexadecimal digits
    return (
        mark_safe(f"<!--P{token}:"),  # noqa: S308 (our constant)
        mark_safe(f"<!--|P{token}-->"),  # noqa: S308
        mark_safe(f"<!--/P{token}-->"),  # noqa: S308
    )


@memoize
def _pattern(secret_key: str) -> re.Pattern[bytes]:
    token = _token(secret_key).encode()
    return re.compile(
        rb"<!--P" + token + rb":(\w+):([\w-]*)-->(.*?)(?:<!--\|P" + token + rb"-->(.*?))?"
        rb"<!--/P" + token + rb"-->",
        re.DOTALL,
    )


def place(request: HttpRequest | None, name: str, key: str = "") -> str:
    """A part in a page (rendered templates, so escaped): for this visitor, or marked with an
    anonymous visitor's face when the page is to be shared."""
    render = PARTS[name]
    if request is None:
        return render(request, State(), key)
    if not _sharing(request):
        return render(request, state_of(request), key)
    begin, _alternative, end = _markers()
    return format_html("{}{}:{}-->{}{}", begin, name, key, render(request, State(), key), end)


def place_choice(
    request: HttpRequest | None, name: str, key: str, face: Callable[[bool], str]
) -> str:
    """A two-faced part: `face(shown)` is its HTML (a rendered template); both faces are kept
    in a shared page."""
    if request is None:
        return face(False)
    if not _sharing(request):
        return face(CHOICES[name](state_of(request), key))
    begin, alternative, end = _markers()
    return format_html(
        "{}{}:{}-->{}{}{}{}", begin, name, key, face(False), alternative, face(True), end
    )


def strip(content: bytes) -> bytes:
    """A shared page as an anonymous visitor sees it: each part's first face, no marker."""
    return _pattern(settings.SECRET_KEY).sub(rb"\3", content)


def fill(content: bytes, request: HttpRequest) -> bytes:
    """A shared page with this visitor's parts (their state read at the first part)."""
    pattern = _pattern(settings.SECRET_KEY)
    if pattern.search(content) is None:
        return content
    state = state_of(request)
    request._personal_filling = True

    def part(match: re.Match[bytes]) -> bytes:
        name, key, first, second = match.groups()
        name, key = name.decode(), key.decode()
        if second is not None:
            return second if CHOICES[name](state, key) else first
        html = state.html.get(name)
        return (html if html is not None else PARTS[name](request, state, key)).encode()

    try:
        return pattern.sub(part, content)
    finally:
        request._personal_filling = False


# --------------------------------------------------------------------------- invalidation


def connect_invalidation() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save
    from oscar.core.loading import get_model

    def basket_line(sender, instance, **kwargs) -> None:
        basket = instance._state.fields_cache.get("basket")  # loaded with the line, usually
        if basket is not None:
            owner = basket.owner_id
        else:
            rows = get_model("basket", "Basket").objects.filter(pk=instance.basket_id)
            owner = rows.values_list("owner_id", flat=True).first()
        visitor_changed(user_id=owner, basket_id=instance.basket_id, basket_only=True)

    def basket(sender, instance, created=False, **kwargs) -> None:
        if not created:  # a new basket is empty: nobody's state changes
            visitor_changed(user_id=instance.owner_id, basket_id=instance.pk, basket_only=True)

    def favourite(sender, instance, **kwargs) -> None:
        owner = (
            get_model("wishlists", "WishList")
            .objects.filter(pk=instance.wishlist_id)
            .values_list("owner_id", flat=True)
            .first()
        )
        visitor_changed(user_id=owner)

    def of_user(sender, instance, **kwargs) -> None:
        visitor_changed(user_id=instance.user_id)

    def user(sender, instance, **kwargs) -> None:
        visitor_changed(user_id=instance.pk)

    for model, receiver in (
        (get_model("basket", "Line"), basket_line),
        (get_model("basket", "Basket"), basket),
        (get_model("wishlists", "Line"), favourite),
        (get_model("partner", "Follow"), of_user),
        (get_model("address", "UserAddress"), of_user),
        (get_user_model(), user),
    ):
        uid = f"personal-{model._meta.label_lower}"
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-s")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-d")


def shareable(request: HttpRequest) -> bool:
    """Whether this visitor's parts can be filled into a shared page: not when their basket
    cookie does not verify (their own page drops it) or a cookie basket is to be merged into
    their account's at sign-in (their own page merges it and says so)."""
    return who(request) is not None
