"""The site's view of the chain: which node, which registry, which anchoring account.

Configuration comes from settings (see ``shop/settings/base.py``); the chain clients themselves
(``traceability.chain``) know nothing of Django. Each role gets its own client: :func:`reader`,
:func:`anchorer` (signs as the anchoring account) and :func:`admin` (signs as the owner, which
is the same account: it deployed the registry). Read-only look-ups used by pages go through
:func:`cached_anchored_at`, :func:`cached_is_inspector` and :func:`cached_heads_logs`, so a scan
usually costs no RPC.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from traceability.chain import Anchorer, ChainError, Node, RegistryAdmin, RegistryReader, connect
from traceability.chain.crypto import SigningAccount, account_from_key, account_from_keystore
from traceability.completeness import HeadsLog
from traceability.proofs import Domain

if TYPE_CHECKING:
    from traceability.models import RegistryDeployment

logger = logging.getLogger(__name__)

NEGATIVE_CACHE_SECONDS = 30
"""How long "not anchored" / "not an inspector" / "unreachable" answers are kept."""


def configured() -> bool:
    return bool(settings.CHAIN_RPC_URL)


def node() -> Node:
    if not settings.CHAIN_RPC_URL:
        raise ChainError("CHAIN_RPC_URL is not set")
    return connect(
        settings.CHAIN_RPC_URL, timeout=settings.CHAIN_RPC_TIMEOUT, poa=settings.CHAIN_POA
    )


def anchor_account() -> SigningAccount:
    """The anchoring account, from ``CHAIN_ANCHOR_KEY`` or an encrypted keystore file."""
    return _anchor_account(
        settings.CHAIN_ANCHOR_KEY,
        settings.CHAIN_ANCHOR_KEYSTORE,
        settings.CHAIN_ANCHOR_KEYSTORE_PASSWORD,
        settings.CHAIN_ANCHOR_KEYSTORE_PASSWORD_FILE,
    )


@lru_cache(maxsize=4)
def _anchor_account(key: str, keystore: str, password: str, password_file: str) -> SigningAccount:
    # Cached per process: a worker unlocks the keystore once, not for every batch.
    if key:
        return account_from_key(key)
    if not keystore:
        raise ImproperlyConfigured("Set CHAIN_ANCHOR_KEY or CHAIN_ANCHOR_KEYSTORE.")
    if password_file:
        password = Path(password_file).read_text(encoding="utf-8").strip()
    data = json.loads(Path(keystore).read_text(encoding="utf-8"))
    return account_from_keystore(data, password)


def reader(*, registry: RegistryDeployment) -> RegistryReader:
    return RegistryReader(node=node(), address=registry.address)


def anchorer(*, registry: RegistryDeployment) -> Anchorer:
    return Anchorer(node=node(), address=registry.address, account=anchor_account())


def admin(*, registry: RegistryDeployment) -> RegistryAdmin:
    return RegistryAdmin(node=node(), address=registry.address, account=anchor_account())


def domain_of(registry: RegistryDeployment) -> Domain:
    return Domain(chain_id=registry.chain_id, contract=registry.address)


# --------------------------------------------------------------------------- cached reads


def _cache_key(kind: str, domain: Domain, value: str) -> str:
    return f"trace:{kind}:{domain.chain_id}:{domain.contract.lower()}:{value.lower()}"


def forget_root(*, domain: Domain, root: str) -> None:
    cache.delete(_cache_key("root", domain, root))


def forget_inspector(*, domain: Domain, address: str) -> None:
    cache.delete(_cache_key("inspector", domain, address))


def forget_heads_logs(*, domain: Domain) -> None:
    """Make the next :func:`cached_heads_logs` ask the chain (a batch was just confirmed)."""
    cache.delete(_cache_key("heads-fresh", domain, ""))


def cached_heads_logs(domain: Domain) -> list[HeadsLog] | None:
    """The registry's ``HeadsAnchored`` logs up to the last block with enough confirmations
    (``CHAIN_CONFIRMATIONS``, as batches are confirmed), for the completeness check; ``None``
    if the chain can't tell.

    Logs never change once that deep, so the cache keeps them and asks the node only for the
    blocks after the last one read, at most every ``NEGATIVE_CACHE_SECONDS`` (sooner once a
    batch is confirmed: :func:`forget_heads_logs`).
    """
    key, fresh = _cache_key("heads", domain, ""), _cache_key("heads-fresh", domain, "")
    scanned, logs = cache.get(key) or (None, [])
    if scanned is not None and cache.get(fresh):
        return logs
    try:
        client = _reader(domain)
        safe = client.block_number() - max(settings.CHAIN_CONFIRMATIONS, 1) + 1
        start = _deployed_block(domain) if scanned is None else scanned + 1
        if safe >= start:
            logs = [*logs, *client.heads_logs(from_block=start, to_block=safe)]
            scanned = safe
    except (ChainError, ValueError):
        logger.warning("chain look-up failed (heads logs)", exc_info=True)
        return None
    if scanned is not None:
        cache.set(key, (scanned, logs), None)
    cache.set(fresh, 1, NEGATIVE_CACHE_SECONDS)
    return logs


def _deployed_block(domain: Domain) -> int:
    from traceability.models import RegistryDeployment

    found = (
        RegistryDeployment.objects.filter(chain_id=domain.chain_id, address__iexact=domain.contract)
        .values_list("block_number", flat=True)
        .first()
    )
    return found or 0


def cached_anchored_at(domain: Domain, root: str) -> int | None:
    """``anchored_at(root)``: a positive answer is kept long (anchors do not go away once
    confirmed), "not anchored" and "unreachable" briefly; ``None`` if the chain can't tell."""
    key = _cache_key("root", domain, root)
    found = cache.get(key)
    if found is not None:
        return found if found != -1 else None
    value = _ask_anchored(domain, root)
    if value:
        cache.set(key, value, settings.CHAIN_LOOKUP_CACHE_SECONDS)
    else:
        cache.set(key, -1 if value is None else 0, NEGATIVE_CACHE_SECONDS)
    return value


def cached_is_inspector(domain: Domain, address: str) -> bool | None:
    key = _cache_key("inspector", domain, address)
    found = cache.get(key)
    if found is not None:
        return None if found == -1 else bool(found)
    try:
        value: bool | None = _reader(domain).is_inspector(address)
    except (ChainError, ValueError):
        logger.warning("chain look-up failed (is_inspector)", exc_info=True)
        value = None
    cache.set(key, -1 if value is None else int(value), NEGATIVE_CACHE_SECONDS * 10)
    return value


def _ask_anchored(domain: Domain, root: str) -> int | None:
    try:
        return _reader(domain).anchored_at(root)
    except (ChainError, ValueError):
        logger.warning("chain look-up failed (anchored_at)", exc_info=True)
        return None


def _reader(domain: Domain) -> RegistryReader:
    return RegistryReader(node=node(), address=domain.contract)
