"""The chain side of traceability: a narrow client for the AnchorRegistry contract."""

from traceability.chain.client import (
    AnchorLog,
    AnchorRegistryClient,
    ChainError,
    ChainReverted,
    ChainUnavailable,
    SignedTx,
    TxState,
    TxStatus,
    connect,
)

__all__ = [
    "AnchorLog",
    "AnchorRegistryClient",
    "ChainError",
    "ChainReverted",
    "ChainUnavailable",
    "SignedTx",
    "TxState",
    "TxStatus",
    "connect",
]
