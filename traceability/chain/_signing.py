"""Building, signing and sending transactions from a local account (shared by the signing roles).

Transactions are signed locally and sent with the account's *pending* nonce; callers that
submit from one account must do so one at a time (for example from a single queue).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hexbytes import HexBytes
from web3 import Web3

from traceability.chain.crypto import SigningAccount
from traceability.chain.errors import ChainError, translated


@dataclass(frozen=True, slots=True)
class SignedTx:
    """A transaction signed locally and not yet sent: its hash is known before it leaves."""

    tx_hash: str
    raw: bytes
    nonce: int


def sign(web3: Web3, account: SigningAccount, function: Any) -> SignedTx:
    """Build (estimating gas, which simulates the call, and fees) and sign locally."""
    nonce = web3.eth.get_transaction_count(account.address, "pending")
    tx = function.build_transaction({"from": account.address, "nonce": nonce})
    signed = account.sign_transaction(tx)
    return SignedTx(
        tx_hash=HexBytes(signed.hash).to_0x_hex(), raw=bytes(signed.raw_transaction), nonce=nonce
    )


def sign_and_send(web3: Web3, account: SigningAccount, function: Any) -> str:
    """Build (estimating gas and fees), sign locally and send; return the 0x hash."""
    signed = sign(web3, account, function)
    return HexBytes(web3.eth.send_raw_transaction(signed.raw)).to_0x_hex()


def submit(web3: Web3, account: SigningAccount | None, action: str, function: Any) -> str:
    """Sign and send ``function`` as ``account``; every failure as a ``ChainError``."""
    if account is None:
        raise ChainError(f"{action}: this client has no signing account")
    with translated(action):
        return sign_and_send(web3, account, function)
