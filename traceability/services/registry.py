"""The on-chain AnchorRegistry: deployed once per chain, with our account allowed to anchor."""

from __future__ import annotations

from traceability import ledger
from traceability.chain import ChainError, RegistryAdmin
from traceability.models import RegistryDeployment
from traceability.selectors import registry_current


def registry_deploy(*, timeout: float = 120) -> tuple[RegistryDeployment, bool]:
    """Deploy the AnchorRegistry once per chain and allow our account to anchor.

    Returns ``(deployment, created)``; an existing deployment whose code is still on the chain
    is kept (so anchors already made stay verifiable).
    """
    node = ledger.node()
    try:
        chain_id = node.ping().chain_id
        existing = registry_current(chain_id=chain_id)
        if existing is not None and node.has_contract(existing.address):
            return existing, False
    except ChainError:
        raise
    except Exception as exc:  # noqa: BLE001 - the node is not there
        raise ChainError(f"deploy: node unavailable ({type(exc).__name__})") from exc
    account = ledger.anchor_account()
    admin = RegistryAdmin.deploy(node=node, account=account, timeout=timeout)
    admin.wait_confirmed(admin.set_anchorer(address=account.address, allowed=True), timeout=timeout)
    deployed_block = node.ping().block_number
    registry = RegistryDeployment.objects.create(
        chain_id=chain_id,
        address=admin.address,
        owner=account.address,
        tx_hash="",
        block_number=max(deployed_block - 1, 0),
    )
    return registry, True
