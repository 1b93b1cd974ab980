"""The GS1-Conformant resolver of our Digital Link URIs (issue #14, point 5).

``/01/<GTIN>/10/<lot>`` (a lot), ``/01/<GTIN>`` (a product) and their compressed forms
(``/AR…``) answer GET, HEAD and OPTIONS with CORS:

- ``?linkType=linkset`` (or ``all``, or ``Accept: application/linkset+json``): the RFC 9264
  linkset of the lot and of the product above it (lot page, proof bundle, EPCIS export,
  product page, certificates);
- ``?linkType=gs1:<type>``: a redirect (307) to that link, the request's other query
  parameters passed on; a type we do not offer redirects to the default link;
- otherwise the default: a lot's page (``views.lot_page``, which also keeps answering
  ``?format=json`` and ``?format=epcis``), a product's page by redirect; a serial number
  below a lot is answered at the lot's level.

Syntax errors (a GTIN's length or check digit, a lot number outside GS1 set 82, a compressed
link that does not decode, a malformed linkType) answer 400; every answer names the canonical,
uncompressed URI in its ``Link`` header (``rel="canonical"`` and ``owl:sameAs``) with the
address of the linkset. Pure parsing is in ``digital_link.py``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from shop.links import absolute_url
from traceability import gs1, selectors, views
from traceability.digital_link import (
    LINKSET_TYPE,
    VOC,
    DigitalLinkError,
    Entry,
    Link,
    Target,
    UnsupportedKey,
    choose,
    decompress,
    link_header,
    link_type_term,
    linkset,
    parse_elements,
    wants_linkset,
    with_query,
)

ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
LINKSET_CONTEXT = "https://ref.gs1.org/standards/resolver/linkset-context"
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Link, Location, Content-Type",
}


# --------------------------------------------------------------------------- entry points


@csrf_exempt  # reads only: a POST gets 405 and Allow, not a CSRF 403
@never_cache
def lot(request, gtin: str, lot: str):
    if selectors.lot_by_digital_link(gtin=gtin, code=lot) is None:
        lot = _walk_up(gtin, lot)
    try:
        target = parse_elements(gtin, lot)
    except DigitalLinkError as error:
        return _bad_request(request, error)
    return _resolve(request, target)


def _walk_up(gtin: str, lot: str) -> str:
    """The lot a path names below a lot number that is not one of ours: a trailing slash is
    tolerated, and a serial number (``/21/<serial>``) is answered at the lot's level."""
    lot = lot.removesuffix("/") or lot
    head, found, serial = lot.rpartition("/21/")
    if (
        found
        and gs1.is_valid_lot(serial)  # AI 21 has AI 10's syntax
        and selectors.lot_by_digital_link(gtin=gtin, code=head) is not None
    ):
        return head
    return lot


@csrf_exempt  # reads only: a POST gets 405 and Allow, not a CSRF 403
@never_cache
def product(request, gtin: str):
    try:
        target = parse_elements(gtin)
    except DigitalLinkError as error:
        return _bad_request(request, error)
    return _resolve(request, target)


@csrf_exempt  # reads only: a POST gets 405 and Allow, not a CSRF 403
@never_cache
def below_gtin(request, gtin: str, rest: str):
    """Any other path under a GTIN: a serial number alone (``/21/<serial>``) is answered at the
    product's level; anything else (data attributes belong in the query string) is a 400."""
    try:
        target = parse_elements(gtin)
    except DigitalLinkError as error:
        return _bad_request(request, error)
    ai, _slash, value = rest.removesuffix("/").partition("/")
    if ai == "21" and gs1.is_valid_lot(value):
        return _resolve(request, target)
    return _bad_request(request, DigitalLinkError("path", rest))


@csrf_exempt  # reads only: a POST gets 405 and Allow, not a CSRF 403
@never_cache
def compressed(request, compressed: str):
    """A compressed Digital Link, answered in place (never redirected to its uncompressed form
    on this resolver), the uncompressed URI in the ``Link`` header."""
    try:
        target = decompress(compressed)
    except DigitalLinkError as error:
        return _bad_request(request, error)
    except UnsupportedKey:
        return _problem(request, 404, _("This resolver answers for GTINs (GS1 AI 01) only."))
    return _resolve(request, target)


@csrf_exempt
def description_file(request):
    """``/.well-known/gs1resolver``: what this resolver answers for."""
    if request.method == "OPTIONS":
        return _preflight()
    if request.method not in ("GET", "HEAD"):
        return _not_allowed(request)
    document = {
        "name": "Chợ Phiên",
        "resolverRoot": settings.SITE_URL,
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [{"namespace": VOC, "prefix": "gs1:"}],
        "linkTypeDefaultCanBeLinkset": False,
        "jsonLdContextLocation": LINKSET_CONTEXT,
    }
    return _with_cors(JsonResponse(document, json_dumps_params={"ensure_ascii": False}))


# --------------------------------------------------------------------------- resolution


def _resolve(request, target: Target) -> HttpResponse:
    if request.method == "OPTIONS":
        return _headers(_preflight(), target)
    if request.method not in ("GET", "HEAD"):
        return _headers(_not_allowed(request), target)
    asked = request.GET.get("linkType", "").strip()
    try:
        rel = link_type_term(asked) if asked else None
    except DigitalLinkError as error:
        return _headers(_bad_request(request, error), target)
    found_product = selectors.product_by_gtin(gtin=target.gtin)
    found_lot = None
    if target.lot is not None and found_product is not None:
        found_lot = selectors.lot_by_digital_link(gtin=target.gtin, code=target.lot)
    if found_product is None or (target.lot is not None and found_lot is None):
        message = _("No lot has this code.") if target.lot else _("No product has this GTIN.")
        return _headers(_problem(request, 404, message), target)

    accept = request.headers.get("Accept", "")
    language = translation.get_language() or settings.LANGUAGE_CODE
    formatted = found_lot is not None and request.GET.get("format") in ("json", "epcis")
    if rel is None and (formatted or not wants_linkset(accept)):  # the default link
        if found_lot is None:  # a product: its page is elsewhere on the site
            page = absolute_url(found_product.get_absolute_url())
            return _headers(_redirect(with_query(page, list(request.GET.items()))), target)
        if request.method == "HEAD" and not formatted:
            # The page's headers without rendering it (nor counting a scan: HEAD is no visit).
            return _headers(HttpResponse(content_type="text/html; charset=utf-8"), target)
        return _headers(views.lot_page(request, gtin=target.gtin, lot=target.lot), target)
    entries = _entries(target, product=found_product, lot=found_lot)
    if rel is None or rel == "linkset":
        response = JsonResponse(
            linkset(entries), content_type=LINKSET_TYPE, json_dumps_params={"ensure_ascii": False}
        )
        response["Content-Language"] = language
        return _headers(response, target, context=True)
    links = [link for entry in entries for link in entry.links]
    chosen = choose(links, rel=rel, accept=accept, language=language)
    if chosen is None:  # GS1-Conformant resolver 2.6.2: a link type not offered is a 404
        return _headers(_problem(request, 404, _("There is no link of this type here.")), target)
    passed_on = [(key, value) for key, value in request.GET.items() if key != "linkType"]
    return _headers(_redirect(with_query(chosen.href, passed_on)), target)


def _redirect(url: str) -> HttpResponse:
    """A temporary redirect that keeps the method (307), as GS1 resolvers answer."""
    response = HttpResponseRedirect(url)
    response.status_code = 307
    return response


def _language_path(path: str, language: str) -> str:
    return path if language == settings.LANGUAGE_CODE else f"/{language}{path}"


def _entries(target: Target, *, product: Any, lot: Any) -> list[Entry]:
    """The links of the lot (when one is asked for), then of the product (the level above)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    product_uri = absolute_url(Target(gtin=target.gtin).path)
    product_page = absolute_url(product.get_absolute_url())
    product_links = [
        Link("defaultLink", product_page, _("Product page"), hreflang=(language,)),
        Link("pip", product_page, _("Product page"), hreflang=(language,)),
    ]
    entries = []
    if lot is not None:
        uri = absolute_url(target.path)
        pages = [
            Link(
                "traceability",
                absolute_url(_language_path(target.path, code)),
                _("Where this lot comes from (%(language)s)") % {"language": name},
                hreflang=(code,),
            )
            for code, name in settings.LANGUAGES
        ]
        page = next(link for link in pages if language in link.hreflang)
        links = [
            Link("defaultLink", page.href, _("Where this lot comes from"), hreflang=(language,)),
            *pages,
            Link(
                "traceability",
                with_query(uri, [("format", "json")]),
                _("Proof bundle of this lot"),
                type="application/json",
            ),
            Link(
                "epcis",
                with_query(uri, [("format", "epcis")]),
                _("EPCIS 2.0 events of this lot"),
                type="application/ld+json",
            ),
            Link("pip", product_page, _("Product page"), hreflang=(language,)),
        ]
        if selectors.product_has_valid_certificate(product=product, now=timezone.now()):
            links.append(
                Link(
                    "certificationInfo",
                    f"{page.href}#certificates",
                    _("Certificates of this product"),
                    hreflang=(language,),
                )
            )
        description = _("%(product)s, lot %(lot)s") % {"product": product.title, "lot": lot.code}
        entries.append(Entry(anchor=uri, description=description, links=links))
    entries.append(Entry(anchor=product_uri, description=product.title, links=product_links))
    return entries


# --------------------------------------------------------------------------- responses


def _headers(response: HttpResponse, target: Target, *, context: bool = False) -> HttpResponse:
    uri = absolute_url(target.path)
    links: list[tuple[str, dict[str, str]]] = [
        (uri, {"rel": "canonical"}),
        (uri, {"rel": "owl:sameAs"}),
        (with_query(uri, [("linkType", "linkset")]), {"rel": "linkset", "type": LINKSET_TYPE}),
    ]
    if context:
        links.append(
            (
                LINKSET_CONTEXT,
                {"rel": "http://www.w3.org/ns/json-ld#context", "type": "application/ld+json"},
            )
        )
    response["Link"] = link_header(links)
    patch_vary_headers(response, ("Accept", "Accept-Language"))
    return _with_cors(response)


def _with_cors(response: HttpResponse) -> HttpResponse:
    for name, value in _CORS.items():
        response[name] = value
    return response


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(ALLOWED_METHODS)
    response["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
    response["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
    response["Access-Control-Max-Age"] = "86400"
    return _with_cors(response)


def _prefers_html(request) -> bool:
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and not wants_linkset(accept)


def _not_allowed(request) -> HttpResponse:
    response = _problem(request, 405, _("This address only answers GET, HEAD and OPTIONS."))
    response["Allow"] = ", ".join(ALLOWED_METHODS)
    return response


_REASONS = {
    "gtin": lambda: _("A GTIN is 8, 12, 13 or 14 digits."),
    "check-digit": lambda: _("This GTIN's check digit is wrong."),
    "lot": lambda: _("A lot number is 1 to 20 letters, digits or GS1 signs."),
    "compressed": lambda: _("This is not a compressed GS1 Digital Link."),
    "link-type": lambda: _("This link type is not written as a GS1 link type."),
    "path": lambda: _("After a GTIN, this address only knows /10/<lot> and /21/<serial>."),
}


def _bad_request(request, error: DigitalLinkError) -> HttpResponse:
    return _problem(request, 400, _REASONS[error.reason]())


def _problem(request, status: int, detail: str) -> HttpResponse:
    """An error as RFC 9457 problem details, or as a page for a browser (never a 200 carrying
    an error)."""
    if _prefers_html(request):
        headings = {
            400: _("This is not a lot's address"),
            404: _("Not found"),
            405: _("This address can only be read"),
        }
        context = {"heading": headings.get(status, _("Not found")), "detail": detail}
        page = render(request, "traceability/resolver_error.html", context, status=status)
        return _with_cors(page)
    titles = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
    body = {"type": "about:blank", "title": titles[status], "status": status, "detail": detail}
    response = JsonResponse(
        body,
        status=status,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )
    return _with_cors(response)
