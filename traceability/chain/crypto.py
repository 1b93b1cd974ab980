"""Ethereum's offline primitives: addresses, EIP-712 signatures, accounts and keystores.

No node is involved: these are the hashing and signing rules the proofs and the keys rely on,
kept here so that the Ethereum libraries are imported by the chain package only.
"""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import is_address, to_checksum_address

__all__ = [
    "SigningAccount",
    "account_create",
    "account_from_key",
    "account_from_keystore",
    "checksum_address",
    "is_address",
    "keystore_create",
    "keystore_unlock",
    "to_checksum_address",
    "typed_data_sign",
    "typed_data_signer",
]

SigningAccount = LocalAccount
"""An account whose private key is held in memory, able to sign transactions and messages."""


def checksum_address(address: str) -> str:
    """The EIP-55 checksummed form of a 20-byte hex address; ``ValueError`` otherwise."""
    if not isinstance(address, str) or not is_address(address):
        raise ValueError(f"{address!r} is not an address")
    return str(to_checksum_address(address))


def typed_data_sign(typed_data: dict[str, Any], *, private_key: bytes) -> tuple[str, str]:
    """Sign EIP-712 ``typed_data``; return ``(signer address, 0x signature)``."""
    message = encode_typed_data(full_message=typed_data)
    signed = Account.sign_message(message, private_key=private_key)
    return Account.from_key(private_key).address, "0x" + bytes(signed.signature).hex()


def typed_data_signer(typed_data: dict[str, Any], *, signature: str) -> str:
    """The address that signed EIP-712 ``typed_data``; raises on malformed input."""
    message = encode_typed_data(full_message=typed_data)
    return str(Account.recover_message(message, signature=signature))


def account_create() -> SigningAccount:
    """A new account with a random private key."""
    return Account.create()


def account_from_key(key: str | bytes) -> SigningAccount:
    return Account.from_key(key)


def account_from_keystore(keystore: dict[str, Any], password: str) -> SigningAccount:
    """Unlock a V3 keystore; ``ValueError`` when the password is wrong."""
    return Account.from_key(keystore_unlock(keystore, password))


def keystore_create(password: str, *, scrypt_n: int | None = None) -> tuple[str, dict[str, Any]]:
    """A new random account, kept only as a V3 keystore (scrypt) of ``password``.

    Returns ``(address, keystore)``; ``scrypt_n`` is the scrypt cost (the library's default
    when not given)."""
    account = account_create()
    options: dict[str, Any] = {} if scrypt_n is None else {"kdf": "scrypt", "iterations": scrypt_n}
    return account.address, Account.encrypt(account.key, password, **options)


def keystore_unlock(keystore: dict[str, Any], password: str) -> bytes:
    """The private key inside a V3 keystore; ``ValueError`` when the password is wrong."""
    return bytes(Account.decrypt(keystore, password))
