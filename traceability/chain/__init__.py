"""The chain side of traceability, and the only code that imports the Ethereum libraries.

A :class:`Node` (from :func:`connect`) is handed to one of three small clients of the
AnchorRegistry contract, one per role: :class:`RegistryReader` reads, :class:`Anchorer` anchors
Merkle roots, :class:`RegistryAdmin` deploys the contract and accredits anchorers and
inspectors. :mod:`traceability.chain.crypto` holds the offline primitives (addresses, EIP-712
signatures, keystores). Every failure leaves as a :class:`ChainError`.
"""

from traceability.chain.admin import RegistryAdmin
from traceability.chain.anchorer import Anchorer, SignedTx
from traceability.chain.errors import ChainError, ChainReverted, ChainUnavailable
from traceability.chain.node import Node, NodeStatus, connect
from traceability.chain.reader import AnchorLog, RegistryReader, TxState, TxStatus

__all__ = [
    "AnchorLog",
    "Anchorer",
    "ChainError",
    "ChainReverted",
    "ChainUnavailable",
    "Node",
    "NodeStatus",
    "RegistryAdmin",
    "RegistryReader",
    "SignedTx",
    "TxState",
    "TxStatus",
    "connect",
]
