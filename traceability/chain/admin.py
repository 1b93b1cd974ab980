"""Administering the AnchorRegistry as its owner: deploying it, and saying who may anchor and
who is an accredited inspector."""

from __future__ import annotations

import time

from web3.exceptions import TimeExhausted

from traceability.chain._signing import sign_and_send, submit
from traceability.chain.crypto import SigningAccount, checksum_address
from traceability.chain.errors import ChainError, ChainReverted, ChainUnavailable, translated
from traceability.chain.node import Node
from traceability.chain.reader import RegistryReader, TxState
from traceability.contracts import load_artifact

__all__ = ["RegistryAdmin"]


class RegistryAdmin(RegistryReader):
    """The owner's calls; reads as a :class:`RegistryReader` does."""

    def __init__(self, *, node: Node, address: str, account: SigningAccount) -> None:
        super().__init__(node=node, address=address)
        self._account = account

    @classmethod
    def deploy(
        cls, *, node: Node, account: SigningAccount, timeout: float = 120.0
    ) -> RegistryAdmin:
        """Deploy a new registry owned by ``account`` and wait (at most ``timeout`` s) for it."""
        artifact = load_artifact()
        web3 = node.web3
        factory = web3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        with translated("deploy"):
            tx_hash = sign_and_send(web3, account, factory.constructor())
            try:
                receipt = web3.eth.wait_for_transaction_receipt(tx_hash, timeout=timeout)
            except TimeExhausted as exc:
                raise ChainUnavailable(
                    f"deploy: transaction {tx_hash} not mined within {timeout} s"
                ) from exc
        if receipt["status"] != 1 or not receipt.get("contractAddress"):
            raise ChainReverted(f"deploy: transaction {tx_hash} reverted")
        return cls(node=node, address=receipt["contractAddress"], account=account)

    def set_anchorer(self, *, address: str, allowed: bool) -> str:
        """Submit the owner's ``set_anchorer`` and return the transaction hash."""
        function = self._contract.functions.set_anchorer(checksum_address(address), allowed)
        return submit(self._web3, self._account, "set_anchorer", function)

    def set_inspector(self, *, address: str, allowed: bool) -> str:
        """Submit the owner's ``set_inspector`` and return the transaction hash."""
        function = self._contract.functions.set_inspector(checksum_address(address), allowed)
        return submit(self._web3, self._account, "set_inspector", function)

    def wait_confirmed(self, tx_hash: str, *, timeout: float) -> None:
        """Wait until ``tx_hash`` is mined; ``ChainError`` if it reverts or takes too long."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.tx_status(tx_hash)
            if status.state is TxState.CONFIRMED:
                return
            if status.state is TxState.REVERTED:
                raise ChainError(f"transaction {tx_hash} reverted")
            if time.monotonic() > deadline:
                raise ChainError(f"transaction {tx_hash} not mined within {timeout} s")
            time.sleep(0.5)
