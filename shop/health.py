"""Checks behind /healthz. Each returns (ok, detail) and never raises."""

import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from kombu import Connection


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 (any failure means "down")
        return False, type(exc).__name__
    return True, connection.vendor


def check_cache() -> tuple[bool, str]:
    """Asks the cache server itself: the site's cache swallows errors (shop/cache.py)."""
    backend = caches["default"]
    name = type(backend).__name__
    try:
        if hasattr(backend, "ping"):
            return backend.ping(), name
        key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
        backend.set(key, value, 10)
        ok = backend.get(key) == value
        backend.delete(key)
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return ok, name


def check_broker() -> tuple[bool, str]:
    if not settings.CELERY_BROKER_URL:
        return True, "eager (no broker configured)"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return True, str(transport)


def check_chain() -> tuple[bool, str]:
    """The EVM node answers and our AnchorRegistry is deployed on its chain."""
    if not settings.CHAIN_RPC_URL:
        return True, "not configured (events wait to be anchored)"
    from traceability.chain import connect
    from traceability.selectors import registry_current

    try:
        node = connect(settings.CHAIN_RPC_URL, timeout=min(settings.CHAIN_RPC_TIMEOUT, 3))
        head = node.ping()
        registry = registry_current(chain_id=head.chain_id)
        deployed = registry is not None and node.has_contract(registry.address)
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    if not deployed:
        return False, f"chain {head.chain_id}: no AnchorRegistry deployed (manage.py trace_deploy)"
    return True, f"chain {head.chain_id}, block {head.block_number}, registry {registry.address}"


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "chain": check_chain,
}
