"""Reading the AnchorRegistry contract: anchored roots, accredited inspectors, transactions.

The reader needs no account and owns no business rules; :mod:`anchorer` and :mod:`admin` build on
it for the roles that sign.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from hexbytes import HexBytes
from web3.exceptions import TransactionNotFound, Web3TypeError

from traceability.canonical import digest_to_bytes
from traceability.chain.crypto import checksum_address
from traceability.chain.errors import translated
from traceability.chain.node import Node
from traceability.completeness import HeadsLog
from traceability.contracts import load_artifact

if TYPE_CHECKING:
    from web3.contract import Contract

__all__ = ["AnchorLog", "RegistryReader", "TxState", "TxStatus"]


class TxState(StrEnum):
    PENDING = "pending"
    """Known to the node, not yet in a block."""
    CONFIRMED = "confirmed"
    """In a block and succeeded."""
    REVERTED = "reverted"
    """In a block and failed; nothing it did took effect."""
    DROPPED = "dropped"
    """Unknown to the node: never propagated, or evicted from its pool."""


@dataclass(frozen=True, slots=True)
class TxStatus:
    state: TxState
    confirmations: int = 0
    """Blocks from the transaction's block to the chain head, both included (0 if not mined)."""
    block_number: int | None = None
    gas_used: int | None = None


@dataclass(frozen=True, slots=True)
class AnchorLog:
    """Where the chain recorded a root: the ``Anchored`` log's transaction and block."""

    tx_hash: str
    block_number: int


class RegistryReader:
    """Reads on one deployed AnchorRegistry contract."""

    def __init__(self, *, node: Node, address: str) -> None:
        self._node = node
        self._web3 = node.web3
        self._contract: Contract = self._web3.eth.contract(
            address=checksum_address(address), abi=load_artifact().abi
        )

    @property
    def address(self) -> str:
        return str(self._contract.address)

    def chain_id(self) -> int:
        with translated("chain_id"):
            return int(self._web3.eth.chain_id)

    def block_number(self) -> int:
        """The chain head."""
        with translated("block_number"):
            return int(self._web3.eth.block_number)

    def anchored_at(self, root: bytes | str) -> int:
        """Return the block timestamp at which ``root`` was anchored, or 0 if it never was."""
        function = self._contract.functions.anchored_at(digest_to_bytes(root))
        with translated("anchored_at"):
            return int(function.call())

    def is_inspector(self, address: str) -> bool:
        function = self._contract.functions.is_inspector(checksum_address(address))
        with translated("is_inspector"):
            return bool(function.call())

    def is_current(self) -> bool:
        """Whether the code at the address is this version of the contract (the committed
        artifact's runtime bytecode): an older registry cannot anchor heads."""
        with translated("is_current"):
            code = bytes(self._web3.eth.get_code(self._contract.address))
        return code == bytes.fromhex(load_artifact().deployed_bytecode.removeprefix("0x"))

    def is_anchorer(self, address: str) -> bool:
        function = self._contract.functions.is_anchorer(checksum_address(address))
        with translated("is_anchorer"):
            return bool(function.call())

    def read_many(
        self, *, roots: Iterable[bytes | str] = (), inspectors: Iterable[str] = ()
    ) -> tuple[int, dict[str, int], dict[str, bool]]:
        """Read the chain id, ``anchored_at`` of each root and ``is_inspector`` of each address
        in one JSON-RPC batch (one round trip); keys are as given."""
        root_list, address_list = list(roots), list(inspectors)
        functions = self._contract.functions
        calls = [functions.anchored_at(digest_to_bytes(root)) for root in root_list]
        calls += [functions.is_inspector(checksum_address(address)) for address in address_list]
        with translated("read_many"):
            try:
                batch = self._web3.batch_requests()
            except Web3TypeError:  # a provider without JSON-RPC batches (eth-tester)
                results = [self._web3.eth.chain_id, *(call.call() for call in calls)]
            else:
                with batch:
                    batch.add(self._web3.eth.chain_id)  # inside a batch: the request
                    for call in calls:
                        batch.add(call)
                    results = list(batch.execute())
        chain_id, values = int(results[0]), results[1:]
        anchored = {_key(r): int(v) for r, v in zip(root_list, values, strict=False)}
        accredited = {
            a: bool(v) for a, v in zip(address_list, values[len(root_list) :], strict=True)
        }
        return chain_id, anchored, accredited

    def find_anchor(self, root: bytes | str, *, from_block: int = 0) -> AnchorLog | None:
        """Return the transaction whose ``Anchored`` log carries ``root``, if any."""
        event = self._contract.events.Anchored
        with translated("find_anchor"):
            logs = event.get_logs(
                argument_filters={"root": digest_to_bytes(root)},
                from_block=from_block,
                to_block="latest",
            )
        for log in logs:
            return AnchorLog(
                tx_hash=HexBytes(log["transactionHash"]).to_0x_hex(),
                block_number=int(log["blockNumber"]),
            )
        return None

    def heads_logs(self, *, from_block: int = 0, to_block: int | str = "latest") -> list[HeadsLog]:
        """Every ``HeadsAnchored`` log of the registry in the block range, in chain order: what
        the completeness check needs (``traceability.completeness``)."""
        event = self._contract.events.HeadsAnchored
        with translated("heads_logs"):
            chain_id = int(self._web3.eth.chain_id)
            logs = event.get_logs(from_block=from_block, to_block=to_block)
        found = [
            HeadsLog(
                chain_id=chain_id,
                contract=self.address,
                root=HexBytes(log["args"]["root"]).to_0x_hex(),
                heads_root=HexBytes(log["args"]["heads_root"]).to_0x_hex(),
                lots=bytes(log["args"]["lots"]),
                block_number=int(log["blockNumber"]),
                log_index=int(log["logIndex"]),
            )
            for log in logs
        ]
        return sorted(found, key=lambda log: log.position)

    def tx_status(self, tx_hash: str | bytes) -> TxStatus:
        """Return where a submitted transaction stands."""
        eth = self._web3.eth
        hash_bytes = HexBytes(digest_to_bytes(tx_hash))
        with translated("tx_status"):
            try:
                receipt = eth.get_transaction_receipt(hash_bytes)
            except TransactionNotFound:
                try:
                    eth.get_transaction(hash_bytes)
                except TransactionNotFound:
                    return TxStatus(state=TxState.DROPPED)
                return TxStatus(state=TxState.PENDING)
            block_number = receipt.get("blockNumber")
            if block_number is None:  # some nodes return a receipt for pending transactions
                return TxStatus(state=TxState.PENDING)
            head = eth.block_number
        return TxStatus(
            state=TxState.CONFIRMED if receipt["status"] == 1 else TxState.REVERTED,
            confirmations=max(head - block_number + 1, 0),
            block_number=block_number,
            gas_used=receipt["gasUsed"],
        )


def _key(root: bytes | str) -> str:
    return "0x" + digest_to_bytes(root).hex()
