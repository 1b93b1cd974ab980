"""The on-chain AnchorRegistry: deployed once per chain and contract version, with our account
allowed to anchor and our accredited inspectors recognised."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from traceability import ledger
from traceability.chain import ChainError, Node, RegistryAdmin, RegistryReader
from traceability.models import AnchorBatch, InspectorKey, RegistryDeployment
from traceability.selectors import registry_current

logger = logging.getLogger(__name__)


def registry_deploy(*, timeout: float = 120) -> tuple[RegistryDeployment, bool]:
    """Deploy the AnchorRegistry once per chain and contract version; allow our account to
    anchor.

    Returns ``(deployment, created)``. An existing deployment whose code on the chain is this
    version of the contract is kept. One whose code is gone, or is an older version (a version 1
    registry cannot anchor heads), is left on the chain, so that its anchors stay verifiable,
    and a new one is deployed; the inspectors accredited in the old one are queued to be
    accredited in the new one (:func:`inspectors_reaccredit_queue`). A batch of the old registry
    not anchored there yet moves to the new one (its tree and proofs do not depend on the
    registry); one the old registry did anchor must be confirmed first (``ChainError``).
    """
    node = ledger.node()
    try:
        chain_id = node.ping().chain_id
        existing = registry_current(chain_id=chain_id)
        if existing is not None and node.has_contract(existing.address):
            if RegistryReader(node=node, address=existing.address).is_current():
                return existing, False
            if settings.CHAIN_REGISTRY_ADDRESS:
                raise ImproperlyConfigured(
                    f"CHAIN_REGISTRY_ADDRESS names {existing.address}, an older AnchorRegistry; "
                    "unset it to deploy the current version."
                )
            _ensure_nothing_anchored_unconfirmed(node, existing)
            logger.warning("registry %s is an older contract: deploying anew", existing.address)
    except (ChainError, ImproperlyConfigured):
        raise
    except Exception as exc:  # noqa: BLE001 - the node is not there
        raise ChainError(f"deploy: node unavailable ({type(exc).__name__})") from exc
    account = ledger.anchor_account()
    admin = RegistryAdmin.deploy(node=node, account=account, timeout=timeout)
    admin.wait_confirmed(admin.set_anchorer(address=account.address, allowed=True), timeout=timeout)
    deployed_block = node.ping().block_number
    with transaction.atomic():
        registry = RegistryDeployment.objects.create(
            chain_id=chain_id,
            address=admin.address,
            owner=account.address,
            tx_hash="",
            block_number=max(deployed_block - 1, 0),
        )
        if existing is not None:
            AnchorBatch.objects.filter(registry=existing).exclude(
                state=AnchorBatch.State.CONFIRMED
            ).update(
                registry=registry,
                state=AnchorBatch.State.PENDING,
                tx_hash="",
                lease_owner="",
                lease_until=None,
            )
            inspectors_reaccredit_queue()
    return registry, True


def _ensure_nothing_anchored_unconfirmed(node: Node, existing: RegistryDeployment) -> None:
    reader = RegistryReader(node=node, address=existing.address)
    unfinished = AnchorBatch.objects.filter(registry=existing).exclude(
        state=AnchorBatch.State.CONFIRMED
    )
    for batch in unfinished:
        if reader.anchored_at(batch.root):
            raise ChainError(
                f"batch {batch.pk} is anchored in registry {existing.address} but not confirmed "
                "yet: let anchoring confirm it, then deploy again"
            )


def inspectors_reaccredit_queue() -> int:
    """Queue the accreditation, in the current registry, of every inspector key accredited
    before (and not revoked); returns how many. Their ``accredited_at`` is cleared until the
    worker has done it, so nobody reads an accreditation the new registry does not hold."""
    from traceability.services.inspectors import inspector_accreditation_queue

    keys = list(InspectorKey.objects.filter(accredited_at__isnull=False, revoked_at=None))
    InspectorKey.objects.filter(pk__in=[key.pk for key in keys]).update(accredited_at=None)
    for key in keys:
        inspector_accreditation_queue(key=key)
    return len(keys)
