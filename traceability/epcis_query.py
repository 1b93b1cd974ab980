"""The EPCIS 2.0 query interface over our events, a read-only subset of ``GET /events``.

Query parameters (EPCIS 2.0 section 8.2.7.1, SimpleEventQuery, in the REST binding's form: a
parameter that takes a list separates its values with ``|``):

``EQ_bizStep``
    CBV business steps, as bare words (``shipping``), CBV 2.0 web URIs
    (``https://ref.gs1.org/cbv/BizStep-shipping``) or CBV 1.x URNs, as the export writes them
    (our ``transforming``, not a CBV word, is exported and found as ``creating_class_instance``).
``MATCH_epc``, ``MATCH_anyEPC``, ``MATCH_epcClass``, ``MATCH_anyEPCClass``
    Identifiers. Our events are about lots (class-level identities: quantity lists, no
    serialised EPCs), so a lot's GS1 Digital Link URI (``…/01/<GTIN>/10/<lot>``, on any domain,
    GTIN-8/12/13/14) given to ``MATCH_epc`` names the lot an ObjectEvent is about
    (``quantityList``), exactly as ``MATCH_epcClass`` does; the ``any`` forms also match a
    TransformationEvent's inputs and output. A product's URI (``…/01/<GTIN>``) matches every
    lot of the product. Any other identifier is valid and matches nothing here.
``GE_eventTime``, ``LT_eventTime``
    ISO 8601 date-times with a time zone (``Z`` or an offset).
``eventType``, ``EQ_action``, ``EQ_disposition``
    ``ObjectEvent``/``TransformationEvent``; ``ADD``/``OBSERVE``/``DELETE``; CBV dispositions.
``perPage``, ``nextPageToken``
    Paging (EPCIS 2.0 REST binding): at most ``perPage`` events (default 30, at most 100), in
    the order they were recorded; when more remain, the answer's ``Link`` header names the next
    page (``rel="next"``) with an opaque, signed ``nextPageToken`` that is bound to the same
    query and expires (``GS1-Next-Page-Token-Expires``).

Anything else, a repeated parameter, an empty value, a time without a zone, a Digital Link with
a wrong GTIN check digit or a token that is forged, expired or from another query is a
``QueryParameterException`` (400).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import unquote

from django.core import signing
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from traceability import epcis, gs1
from traceability.canonical import jcs_bytes
from traceability.models import BizStep, Event
from traceability.proofs import gs1_lot_uri

DEFAULT_PER_PAGE: Final = 30
MAX_PER_PAGE: Final = 100
TOKEN_SECONDS: Final = 24 * 60 * 60
_PAGE_SIGNING: Final = "traceability.epcis.page"  # signing namespace, not a secret
LIST_PARAMETERS: Final = (
    "EQ_bizStep",
    "MATCH_epc",
    "MATCH_anyEPC",
    "MATCH_epcClass",
    "MATCH_anyEPCClass",
    "eventType",
    "EQ_action",
    "EQ_disposition",
)
TIME_PARAMETERS: Final = ("GE_eventTime", "LT_eventTime")
PAGING_PARAMETERS: Final = ("perPage", "nextPageToken")
PARAMETERS: Final = (*LIST_PARAMETERS, *TIME_PARAMETERS, *PAGING_PARAMETERS)
_VOCABULARY: Final = {
    "EQ_bizStep": ("https://ref.gs1.org/cbv/BizStep-", "urn:epcglobal:cbv:bizstep:"),
    "EQ_disposition": ("https://ref.gs1.org/cbv/Disp-", "urn:epcglobal:cbv:disp:"),
}
_DIGITAL_LINK: Final = re.compile(  # a lot may hold "/" (our own lot pages write it raw)
    r"^https?://[^/?#]+(?:/[^?#]*?)?/01/(?P<gtin>[0-9]{8,14})(?:/10/(?P<lot>[^?#]+)|/?)"
    r"(?:[?#].*)?$"
)


@dataclass
class QueryProblem(Exception):
    """An EPCIS exception, answered as RFC 9457 problem details (EPCIS 2.0 section 12.2)."""

    detail: str
    exception: str = "QueryParameterException"
    status: int = 400
    title: str = "Invalid query parameter"

    def as_json(self) -> dict[str, Any]:
        return {
            "type": f"epcisException:{self.exception}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Matcher:
    """One identifier of a MATCH_ parameter: a lot's URI, or a product's (every lot of it)."""

    uri: str
    whole_product: bool = False


@dataclass
class EventQuery:
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    matchers: dict[str, tuple[Matcher, ...]] = field(default_factory=dict)
    ge_time: datetime | None = None
    lt_time: datetime | None = None
    per_page: int = DEFAULT_PER_PAGE
    after: int = 0

    @property
    def fingerprint(self) -> str:
        """What a page token is bound to: every filter, not the page size."""
        data = {
            "values": {k: sorted(v) for k, v in sorted(self.values.items())},
            "matchers": {
                k: sorted(f"{m.whole_product}|{m.uri}" for m in v)
                for k, v in sorted(self.matchers.items())
            },
            "ge": self.ge_time.isoformat() if self.ge_time else None,
            "lt": self.lt_time.isoformat() if self.lt_time else None,
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]


def _bare(name: str, value: str) -> str:
    for prefix in _VOCABULARY.get(name, ()):
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def _matcher(value: str) -> Matcher | None:
    """A Digital Link URI read as our lot (or product) URI; ``None`` for other identifiers."""
    found = _DIGITAL_LINK.match(value)
    if found is None:
        return None
    gtin = found["gtin"]
    if len(gtin) not in (8, 12, 13, 14) or not gs1.is_valid_gtin(gtin):
        raise QueryProblem(f"{value} is not a valid GS1 Digital Link: wrong GTIN check digit.")
    if found["lot"] is None:
        return Matcher(uri=f"https://id.gs1.org/01/{gs1.gtin14(gtin)}/10/", whole_product=True)
    lot = unquote(found["lot"])
    return Matcher(uri=gs1_lot_uri(gs1.gtin14(gtin), lot)) if gs1.is_valid_lot(lot) else None


_PLUS_AS_SPACE: Final = re.compile(r"^(?P<time>.*T[0-9:.]+) (?P<offset>[0-9]{2}:?[0-9]{2})$")


def _time(name: str, value: str) -> datetime:
    # "+07:00" left unencoded in a query string arrives as " 07:00": read it as meant.
    value = _PLUS_AS_SPACE.sub(r"\g<time>+\g<offset>", value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise QueryProblem(f"{name} must be an ISO 8601 date-time, not {value!r}.") from None
    if moment.tzinfo is None:
        raise QueryProblem(f"{name} must say its time zone (Z or an offset such as +07:00).")
    return moment


def parse_query(params: Any) -> EventQuery:
    """Read the query parameters (a Django ``QueryDict``) into an ``EventQuery``."""
    query = EventQuery()
    for name in params:
        if name not in PARAMETERS:
            raise QueryProblem(f"Unknown or unsupported query parameter: {name}.")
        given = params.getlist(name)
        if len(given) != 1:
            raise QueryProblem(f"{name} is given more than once; separate values with '|'.")
        if not given[0]:
            raise QueryProblem(f"{name} has no value.")
    for name in LIST_PARAMETERS:
        if name not in params:
            continue
        values = tuple(v.strip() for v in params[name].split("|"))
        if not all(values):
            raise QueryProblem(f"{name} has an empty value in its list.")
        if name.startswith("MATCH_"):
            query.matchers[name] = tuple(m for m in map(_matcher, values) if m is not None)
        else:
            query.values[name] = tuple(_bare(name, v) for v in values)
    if "GE_eventTime" in params:
        query.ge_time = _time("GE_eventTime", params["GE_eventTime"])
    if "LT_eventTime" in params:
        query.lt_time = _time("LT_eventTime", params["LT_eventTime"])
    if "perPage" in params:
        text = params["perPage"]
        if not text.isdigit() or int(text) < 1:
            raise QueryProblem("perPage must be a whole number of at least 1.")
        query.per_page = min(int(text), MAX_PER_PAGE)
    if "nextPageToken" in params:
        query.after = _token_read(params["nextPageToken"], query.fingerprint)
    return query


def _token_read(token: str, fingerprint: str) -> int:
    try:
        data = signing.loads(token, salt=_PAGE_SIGNING, max_age=TOKEN_SECONDS)
    except signing.SignatureExpired:
        raise QueryProblem("nextPageToken has expired: ask the first page again.") from None
    except signing.BadSignature:
        raise QueryProblem("nextPageToken is not one this repository gave.") from None
    if (
        not isinstance(data, dict)
        or data.get("q") != fingerprint
        or not isinstance(data.get("a"), int)
    ):
        raise QueryProblem("nextPageToken belongs to another query: keep the same parameters.")
    return data["a"]


def token_for(query: EventQuery, last_pk: int) -> tuple[str, datetime]:
    """The next page's token and when it expires."""
    token = signing.dumps({"a": last_pk, "q": query.fingerprint}, salt=_PAGE_SIGNING)
    return token, timezone.now() + timedelta(seconds=TOKEN_SECONDS)


# --------------------------------------------------------------------------- the events


def _needle(field_name: str, matcher: Matcher) -> str:
    """The text a canonical (RFC 8785) event holds when a quantity element names the lot."""
    uri = jcs_bytes(matcher.uri).decode("utf-8")
    if matcher.whole_product:
        uri = uri[:-1]  # open the string: every lot of the product
    return f'"{field_name}":[{{"epcClass":{uri}' if field_name else f'"epcClass":{uri}'


def _matching(name: str, matchers: tuple[Matcher, ...]) -> Q:
    if not matchers:
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    for matcher in matchers:
        if name in ("MATCH_epc", "MATCH_epcClass"):  # the lot an ObjectEvent is about
            condition |= Q(canonical__contains=_needle("quantityList", matcher))
        else:  # any quantity list: an ObjectEvent's lot, a transformation's inputs and output
            condition |= Q(canonical__contains=_needle("", matcher))
    return condition


def _kind(values: tuple[str, ...], *, actions: bool = False) -> Q:
    condition = Q(pk__in=[])
    for value in values:
        if value == "TransformationEvent" and not actions:
            condition |= Q(biz_step=BizStep.TRANSFORMING)
        elif value == "ObjectEvent" and not actions:
            condition |= ~Q(biz_step=BizStep.TRANSFORMING)
        elif value == "ADD" and actions:
            condition |= Q(biz_step=BizStep.COMMISSIONING)
        elif value == "OBSERVE" and actions:
            condition |= ~Q(biz_step__in=[BizStep.COMMISSIONING, BizStep.TRANSFORMING])
    return condition


def events_matching(query: EventQuery) -> QuerySet[Event]:
    """Every event the query selects, in the order they were recorded."""
    events = Event.objects.all()
    if "EQ_bizStep" in query.values:  # as exported: CBV words only
        ours = {cbv: step for step, cbv in epcis.EXPORTED_STEPS.items()}
        steps = [
            ours.get(v, v) for v in query.values["EQ_bizStep"] if v not in epcis.EXPORTED_STEPS
        ]
        events = events.filter(biz_step__in=steps)
    if "eventType" in query.values:
        events = events.filter(_kind(query.values["eventType"]))
    if "EQ_action" in query.values:
        events = events.filter(_kind(query.values["EQ_action"], actions=True))
    if "EQ_disposition" in query.values:
        condition = Q(pk__in=[])
        for value in query.values["EQ_disposition"]:
            quoted = jcs_bytes(value).decode("utf-8")
            condition |= Q(canonical__contains=f'"disposition":{quoted}')
        events = events.filter(condition)
    for name, matchers in query.matchers.items():
        events = events.filter(_matching(name, matchers))
    if query.ge_time is not None:
        events = events.filter(event_time__gte=query.ge_time)
    if query.lt_time is not None:
        events = events.filter(event_time__lt=query.lt_time)
    return events.order_by("pk")


def _hash_key(digest: str) -> str:
    return f"trace:epcis:id:{epcis.EXPORT_VERSION}:{digest}"


def event_ids(pairs: list[tuple[dict[str, Any], str]]) -> dict[str, str]:
    """The CBV event hash of each ``(event object, digest)``, by digest (kept in the cache:
    an event and its export never change)."""
    keys = {_hash_key(digest): digest for _event, digest in pairs}
    known = {keys[key]: value for key, value in cache.get_many(list(keys)).items()}
    missing = [(event, digest) for event, digest in pairs if digest not in known]
    exported = [epcis.export_event(event, digest=digest) for event, digest in missing]
    fresh = dict(zip([d for _e, d in missing], epcis.event_hashes(exported), strict=True))
    if fresh:
        cache.set_many({_hash_key(d): value for d, value in fresh.items()}, timeout=None)
    return {**known, **fresh}


@dataclass
class Page:
    events: list[dict[str, Any]]
    next_token: str | None
    token_expires: datetime | None


def page_of(query: EventQuery) -> Page:
    """One page of the query's answer as EPCIS events, and the token of the next page."""
    rows = list(
        events_matching(query)
        .filter(pk__gt=query.after)
        .only("pk", "lot_id", "canonical", "digest")[: query.per_page + 1]
    )
    more = len(rows) > query.per_page
    rows = rows[: query.per_page]
    pairs = [(row.payload, row.digest) for row in rows]
    digests = {digest for _event, digest in pairs}
    corrections = [
        (row.payload, row.digest)
        for row in Event.objects.filter(
            lot_id__in={row.lot_id for row in rows}, canonical__contains='"chophien:correction"'
        ).only("canonical", "digest")
        if epcis.corrected_digest(row.payload) in digests
    ]
    hashes = event_ids([*pairs, *corrections])
    events = epcis.epcis_events(pairs, corrections=corrections, hashes=hashes)
    token, expires = token_for(query, rows[-1].pk) if more else (None, None)
    return Page(events=events, next_token=token, token_expires=expires)
