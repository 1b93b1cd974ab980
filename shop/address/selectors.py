"""Reads about addresses."""

import threading
import time

from oscar.core.loading import get_model

COUNTRY_SECONDS = 300  # ISO reference rows: an operator's edit reaches every process this late

_countries: dict[str, tuple[float, object]] = {}
_countries_lock = threading.Lock()


def country_by_code(code: str):
    """The country `code` (ISO 3166-1 alpha-2), or None: read once per process and kept for
    `COUNTRY_SECONDS`, so that every address a checkout builds (a few per request) shows and
    saves its country without a query each."""
    now = time.monotonic()
    cached = _countries.get(code)
    if cached is not None and now - cached[0] < COUNTRY_SECONDS:
        return cached[1]
    Country = get_model("address", "Country")
    country = Country.objects.filter(pk=code).first()
    if country is not None:
        with _countries_lock:
            _countries[code] = (now, country)
    return country


def countries_forget(**kwargs) -> None:
    """Receiver: a country saved or deleted in this process is read afresh here at once."""
    with _countries_lock:
        _countries.clear()
