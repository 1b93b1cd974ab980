"""``/epcis/events``: the EPCIS 2.0 REST query interface, read-only and public.

Public like the lot pages: it serves the same events, with no personal data
(``traceability.epcis``). GET and HEAD answer an ``EPCISQueryDocument`` (JSON-LD) with the GS1
version headers and, when more results remain, ``Link: <…>; rel="next"``; OPTIONS says what the
endpoint supports; anything else, a bad query or an unacceptable format is an EPCIS exception as
RFC 9457 problem details (``application/problem+json``). Browsers of other sites may read it
(CORS). The query itself is in ``traceability.epcis_query``.
"""

from __future__ import annotations

import json
from typing import Any, Final
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt

from shop.links import absolute_url
from traceability import epcis, epcis_query

VERSION_HEADERS: Final = {
    "GS1-EPCIS-Version": "2.0.0",
    "GS1-CBV-Version": "2.0.0",
    "GS1-EPCIS-Min": "2.0.0",
    "GS1-EPCIS-Max": "2.0.0",
    "GS1-CBV-Min": "2.0.0",
    "GS1-CBV-Max": "2.0.0",
    "GS1-Extensions": f"chophien={epcis.NAMESPACE}",
}
_ALLOWED: Final = "GET, HEAD, OPTIONS"
_EXPOSED: Final = (
    "Link, GS1-EPCIS-Version, GS1-CBV-Version, GS1-EPCIS-Min, GS1-EPCIS-Max, GS1-CBV-Min, "
    "GS1-CBV-Max, GS1-Extensions, GS1-Next-Page-Token-Expires"
)
_JSON_TYPES: Final = ("application/ld+json", "application/json")


def _common(response: HttpResponse) -> HttpResponse:
    for name, value in VERSION_HEADERS.items():
        response[name] = value
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = _EXPOSED
    response["Vary"] = "Accept"
    add_never_cache_headers(response)
    return response


def _json_response(data: Any, *, content_type: str, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return _common(HttpResponse(body, content_type=content_type, status=status))


def problem(error: epcis_query.QueryProblem) -> HttpResponse:
    return _json_response(
        error.as_json(), content_type="application/problem+json", status=error.status
    )


def _acceptable(request: HttpRequest) -> str | None:
    """The JSON type to answer in, or ``None`` when the client accepts neither (XML only)."""
    if not request.META.get("HTTP_ACCEPT", "").strip():
        return "application/ld+json"
    for media_type in _JSON_TYPES:
        if request.accepts(media_type):
            return media_type
    return None


def _next_link(request: HttpRequest, query: epcis_query.EventQuery, token: str) -> str:
    params = [(k, v) for k, v in request.GET.items() if k not in epcis_query.PAGING_PARAMETERS]
    params += [("perPage", str(query.per_page)), ("nextPageToken", token)]
    url = absolute_url(reverse("epcis-events")) + "?" + urlencode(params)
    return f'<{url}>; rel="next"'


@csrf_exempt  # nothing is ever written here: other methods get an EPCIS 405, not a CSRF page
def events(request: HttpRequest) -> HttpResponse:
    """``GET /epcis/events``: the events the query parameters select, one page at a time."""
    if request.method == "OPTIONS":
        response = _common(HttpResponse(status=204))
        response["Allow"] = _ALLOWED
        response["Access-Control-Allow-Methods"] = _ALLOWED
        response["Access-Control-Allow-Headers"] = "Accept, GS1-EPCIS-Version, GS1-CBV-Version"
        response["Access-Control-Max-Age"] = "86400"
        return response
    if request.method not in ("GET", "HEAD"):
        response = problem(
            epcis_query.QueryProblem(
                f"This EPCIS repository is read-only: {request.method} is not allowed here.",
                exception="MethodNotAllowedException",
                status=405,
                title="Method not allowed",
            )
        )
        response["Allow"] = _ALLOWED
        return response
    content_type = _acceptable(request)
    if content_type is None:
        return problem(
            epcis_query.QueryProblem(
                "Events are served as JSON-LD (application/ld+json) or JSON only.",
                exception="NotAcceptableException",
                status=406,
                title="Not acceptable",
            )
        )
    try:
        query = epcis_query.parse_query(request.GET)
        page = epcis_query.page_of(query)
    except epcis_query.QueryProblem as error:
        return problem(error)
    document = epcis.query_document(page.events, now=timezone.now())
    response = _json_response(document, content_type=content_type)
    if page.next_token is not None and page.token_expires is not None:
        response["Link"] = _next_link(request, query, page.next_token)
        response["GS1-Next-Page-Token-Expires"] = page.token_expires.isoformat(timespec="seconds")
    return response
