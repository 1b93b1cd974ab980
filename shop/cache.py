"""A Redis cache that fails soft: when Redis is down the site runs on, uncached.

Everything the floor keeps in the cache can be rebuilt (pages, lookups, the cached copy of a
session whose row is in the database, rate-limit counters that fail open), so a cache error is
answered as a miss: ``get`` returns the default, writes do nothing, ``incr`` says the key is
missing. Three things keep a dead Redis from slowing every request:

* short socket timeouts (``OPTIONS`` in ``CACHES``, passed to redis-py's connection pool);
* a circuit breaker: after an error, no call reaches Redis for ``BREAKER_SECONDS``, then one
  call tries again;
* one warning per open breaker in the log, not one per call.

``ping()`` does not fail soft: ``/healthz`` asks Redis itself (shop/health.py).
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CACHE_ERRORS = (RedisError, OSError)


class _Breaker:
    """Shared by every thread's instance of one cache location."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.open_until = 0.0
        self.skipped = 0
        self.lock = threading.Lock()

    def closed(self) -> bool:
        if time.monotonic() >= self.open_until:
            return True
        with self.lock:
            self.skipped += 1
        return False

    def trip(self, operation: str, exc: BaseException) -> None:
        with self.lock:
            already_open = time.monotonic() < self.open_until
            self.open_until = time.monotonic() + self.seconds
            skipped, self.skipped = self.skipped, 0
        if not already_open:
            logger.warning(
                "cache unavailable (%s on %s: %s); running uncached for %ss "
                "(%d calls skipped since the last warning)",
                type(exc).__name__,
                operation,
                exc,
                self.seconds,
                skipped,
            )

    def reset(self) -> None:
        with self.lock:
            if self.open_until:
                logger.warning("cache available again")
            self.open_until = 0.0


_MISSING = object()
_breakers: dict[tuple[str, ...], _Breaker] = {}
_breakers_lock = threading.Lock()


class ReusedClients(RedisCacheClient):
    """Django's Redis client, keeping one redis-py client per connection pool. Django builds a
    new one for every cache call, which costs more CPU than the round trip it makes; a redis-py
    client may be shared between threads (each command takes a connection from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients.setdefault(index, super().get_client(key, write=write))
        return client


class FailSoftRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache whose errors are misses (see module doc)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        seconds = float(options.pop("BREAKER_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedClients
        key = tuple(self._servers)
        with _breakers_lock:
            self._breaker = _breakers.setdefault(key, _Breaker(seconds))
        self._breaker.seconds = seconds

    def _soft(self, fallback, method, *args):
        if not self._breaker.closed():
            return fallback
        try:
            result = method(*args)
        except CACHE_ERRORS as exc:
            self._breaker.trip(method.__name__, exc)
            return fallback
        if self._breaker.open_until:
            self._breaker.reset()
        return result

    def ping(self) -> bool:
        """Ask Redis directly, past the breaker; raises when it does not answer."""
        return bool(self._cache.get_client(write=True).ping())

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._soft(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._soft(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._soft({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._soft(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._soft(_MISSING, super().incr, key, delta, version)
        if result is _MISSING:  # callers already handle a missing key (they add it, or fail open)
            raise ValueError(f"Key {key!r} not found (cache unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._soft(None, super().delete_many, keys, version)

    def clear(self):
        return self._soft(False, super().clear)
