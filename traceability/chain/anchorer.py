"""Anchoring Merkle roots in the AnchorRegistry, as an account the owner allowed to anchor."""

from __future__ import annotations

from traceability.canonical import digest_to_bytes
from traceability.chain._signing import SignedTx, sign, submit
from traceability.chain.crypto import SigningAccount
from traceability.chain.errors import ChainError, translated
from traceability.chain.node import Node
from traceability.chain.reader import RegistryReader

__all__ = ["Anchorer", "SignedTx"]


def _call(contract, root: bytes | str, count: int, heads_root: bytes | str, lots: bytes):
    if count <= 0:
        raise ValueError("count must be positive")
    return contract.functions.anchor_heads(
        digest_to_bytes(root), count, digest_to_bytes(heads_root), bytes(lots)
    )


class Anchorer(RegistryReader):
    """Submits ``anchor_heads(root, count, heads_root, lots)``; reads as a
    :class:`RegistryReader` does."""

    def __init__(self, *, node: Node, address: str, account: SigningAccount | None) -> None:
        super().__init__(node=node, address=address)
        self._account = account

    def anchor(self, *, root: bytes | str, count: int, heads_root: bytes | str, lots: bytes) -> str:
        """Submit ``anchor_heads`` (the batch's root, its size, its heads root and lot filter,
        see ``traceability.heads``) and return the transaction hash without waiting.

        The call is simulated first, so a refusal (not an anchorer, root already anchored)
        raises :class:`ChainReverted` before anything is sent.
        """
        function = _call(self._contract, root, count, heads_root, lots)
        return submit(self._web3, self._account, "anchor", function)

    def prepare_anchor(
        self, *, root: bytes | str, count: int, heads_root: bytes | str, lots: bytes
    ) -> SignedTx:
        """Simulate and sign ``anchor_heads`` without sending it (see :meth:`send`).

        Knowing the hash before sending lets a caller record it first, so that a crash between
        sending and recording cannot lose track of a transaction.
        """
        function = _call(self._contract, root, count, heads_root, lots)
        if self._account is None:
            raise ChainError("anchor: this client has no signing account")
        with translated("anchor"):
            return sign(self._web3, self._account, function)

    def send(self, signed: SignedTx) -> str:
        """Send a transaction signed by :meth:`prepare_anchor`; return its hash."""
        with translated("send"):
            try:
                self._web3.eth.send_raw_transaction(signed.raw)
            except ValueError as exc:  # the node already has it: sending twice is harmless
                if "already known" not in str(exc).lower():
                    raise
        return signed.tx_hash
