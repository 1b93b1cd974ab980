"""A connection to an EVM node: what every registry client talks through.

:func:`connect` reaches a JSON-RPC node over HTTP and always sets a timeout; tests and benchmarks
wrap web3's ``EthereumTesterProvider`` in a :class:`Node` instead. Outside this package a
``Node`` is opaque: it answers a health probe, and is handed to the registry clients.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from web3 import HTTPProvider, Web3
from web3.middleware import ExtraDataToPOAMiddleware

from traceability.chain.crypto import checksum_address
from traceability.chain.errors import translated

__all__ = ["DEFAULT_TIMEOUT", "Node", "NodeStatus", "connect"]

DEFAULT_TIMEOUT: Final = 10.0


@dataclass(frozen=True, slots=True)
class NodeStatus:
    chain_id: int
    block_number: int
    """The chain head."""


class Node:
    """One EVM node (any web3 provider)."""

    def __init__(self, web3: Web3) -> None:
        self.web3 = web3
        """For the registry clients of this package; nothing outside it touches web3."""

    def ping(self) -> NodeStatus:
        """Which chain the node is on and its head block; ``ChainError`` if it does not answer."""
        with translated("ping"):
            return NodeStatus(
                chain_id=int(self.web3.eth.chain_id), block_number=int(self.web3.eth.block_number)
            )

    def has_contract(self, address: str) -> bool:
        """Whether code is deployed at ``address``."""
        checksummed = checksum_address(address)
        with translated("has_contract"):
            return len(self.web3.eth.get_code(checksummed)) > 0

    def dev_set_balance(self, address: str, wei: int) -> None:
        """Give ``address`` a balance on a development chain (anvil's ``anvil_setBalance``)."""
        checksummed = checksum_address(address)
        with translated("dev_set_balance"):
            self.web3.provider.make_request("anvil_setBalance", [checksummed, hex(wei)])  # type: ignore[arg-type]


def connect(url: str, *, timeout: float = DEFAULT_TIMEOUT, poa: bool = False) -> Node:
    """Return the JSON-RPC node at ``url``.

    Every request is bounded by ``timeout`` seconds and is not retried here (callers retry with
    backoff). ``poa`` is for chains whose block headers carry long ``extraData`` (Clique/PoA).
    """
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    provider = HTTPProvider(
        url, request_kwargs={"timeout": timeout}, exception_retry_configuration=None
    )
    web3 = Web3(provider)
    if poa:
        web3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    return Node(web3)
