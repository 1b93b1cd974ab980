"""Carriers' live quotes for checkout's shipping lines.

Each producer with a default carrier (``Partner.default_carrier``, a key of settings.CARRIERS)
is quoted by that carrier for a parcel of its lines in the basket, from its pick-up ward to the
buyer's ward. What checkout needs from this module:

* **One wait.** The quotes a page needs are asked of their carriers at once, each in its own
  thread, and the page waits at most ``CARRIER_QUOTE_TIMEOUT`` seconds for all of them. A
  carrier that has not answered by then, that refused, or that does not serve one of the
  units gives no quote: the producer's flat rate is charged, and the order records that.
  The threads only talk HTTP (adapters never touch the database); one still waiting when the
  page moves on ends at the adapter's own timeout and its late answer is dropped.
* **The same fee at every step.** Oscar prices shipping several times per request and again
  at each checkout step; the basket, the preview and the placed order must charge the same.
  Every outcome is kept in Django's cache under the quote's inputs (carrier, units, weight,
  size, goods value, cash to collect): a quote for ``CARRIER_QUOTE_CACHE_SECONDS``, a missing
  quote (timeout, error) for ``CARRIER_QUOTE_MISS_CACHE_SECONDS``, so a preview that fell back
  to the flat rate is placed at the flat rate too, and a carrier that is down is not waited
  for on every page. Within one request, a memo on the basket answers before the cache.
* **A cache outage changes nothing but speed.** Cache errors are misses (the site's Redis
  cache fails soft already; any other backend's errors are caught here).

Checkout quotes parcels with no cash to collect: shipping is priced before the buyer chooses
how to pay, and a fee that changed with the payment method would not be the fee shown.
"""

from __future__ import annotations

import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache

from shop.carriers import registry
from shop.carriers.ports import CarrierError, Parcel, Party
from shop.money import whole_dong

logger = logging.getLogger(__name__)

KEY_PREFIX = "carrier-quote:v1"
MEMO_ATTRIBUTE = "_carrier_quotes"
_MISSING = "missing"  # what the cache keeps for a quote that did not come


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    """A parcel to quote: ``carrier`` is a key of settings.CARRIERS."""

    carrier: str
    sender: Party
    receiver: Party
    parcel: Parcel

    @property
    def key(self) -> str:
        p = self.parcel
        parts = (
            self.carrier,
            self.sender.province_code,
            self.sender.ward_code,
            self.receiver.province_code,
            self.receiver.ward_code,
            p.weight_grams,
            p.length_cm,
            p.width_cm,
            p.height_cm,
            whole_dong(p.goods_value),
            whole_dong(p.cod_amount),
        )
        plain = ":".join(str(part) for part in parts)
        return f"{KEY_PREFIX}:{hashlib.sha256(plain.encode()).hexdigest()[:32]}"


@dataclass(frozen=True, slots=True)
class LiveQuote:
    """What a carrier quoted: the fee in whole đồng and the day it expects to deliver."""

    carrier: str
    fee: Decimal
    expected_delivery: date | None


def quotes_fetch(requests: list[QuoteRequest], *, memo: dict | None = None) -> dict:
    """``{request.key: LiveQuote | None}`` for each request: None when its carrier gave no
    quote in time (the caller charges its flat rate). ``memo`` (a dict kept for the request)
    answers first, then the cache, then the carriers, all at once."""
    memo = {} if memo is None else memo
    wanted = {r.key: r for r in requests if r.key not in memo}
    if wanted:
        cached = _cache_get_many(list(wanted))
        for key, value in cached.items():
            memo[key] = None if value == _MISSING else value
        asked = [r for key, r in wanted.items() if key not in cached]
        if asked:
            answers = _ask_carriers(asked)
            memo.update(answers)
            _cache_set_many(answers)
    return {r.key: memo.get(r.key) for r in requests}


def basket_memo(basket) -> dict:
    """The quotes already found while this request prices ``basket``."""
    memo = getattr(basket, MEMO_ATTRIBUTE, None)
    if memo is None:
        memo = {}
        setattr(basket, MEMO_ATTRIBUTE, memo)
    return memo


def _ask_carriers(requests: list[QuoteRequest]) -> dict:
    """Each request's quote, asked concurrently; None for those that failed or were late."""
    answers: dict = {r.key: None for r in requests}
    adapters = {}
    for r in requests:
        try:
            adapters[r.key] = registry.carrier_for(r.carrier)
        except Exception:  # a carrier misconfigured: its producers pay their flat rates
            logger.exception("carrier %s cannot be built for a quote", r.carrier)
    runnable = [r for r in requests if r.key in adapters]
    if not runnable:
        return answers
    pool = ThreadPoolExecutor(max_workers=len(runnable), thread_name_prefix="carrier-quote")
    try:
        futures = {
            pool.submit(
                adapters[r.key].quote, sender=r.sender, receiver=r.receiver, parcel=r.parcel
            ): r
            for r in runnable
        }
        done, late = wait(futures, timeout=settings.CARRIER_QUOTE_TIMEOUT)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    for future in late:
        logger.warning("carrier %s did not quote in time", futures[future].carrier)
    for future in done:
        r = futures[future]
        try:
            quote = future.result()
        except CarrierError as exc:
            logger.warning("carrier %s gave no quote: %s", r.carrier, exc)
            continue
        except Exception:
            logger.exception("carrier %s failed to quote", r.carrier)
            continue
        answers[r.key] = LiveQuote(
            carrier=r.carrier, fee=whole_dong(quote.fee), expected_delivery=quote.expected_delivery
        )
    return answers


def _cache_get_many(keys: list[str]) -> dict:
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("quote cache unavailable", exc_info=True)
        return {}


def _cache_set_many(answers: dict) -> None:
    found = {k: v for k, v in answers.items() if v is not None}
    missing = {k: _MISSING for k, v in answers.items() if v is None}
    try:
        if found:
            cache.set_many(found, settings.CARRIER_QUOTE_CACHE_SECONDS)
        if missing:
            cache.set_many(missing, settings.CARRIER_QUOTE_MISS_CACHE_SECONDS)
    except Exception:
        logger.warning("quote cache unavailable", exc_info=True)
