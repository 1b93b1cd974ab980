"""A narrow client for the AnchorRegistry contract over web3.py.

It submits transactions and reads state; it owns no business rules and no key policy. The
signing account (an ``eth_account`` ``LocalAccount``) is handed to it, and it works with any
web3 provider: an HTTP JSON-RPC node through :func:`connect` (which always sets a timeout), or
web3's ``EthereumTesterProvider`` in tests.

Every error from web3, the node or the transport leaves this module as a :class:`ChainError`:
:class:`ChainUnavailable` when the node could not be reached or answered too slowly (worth a
retry later), :class:`ChainReverted` when the contract refused the call.

Transactions are signed locally and sent with the account's *pending* nonce; callers that
submit from one account must do so one at a time (for example from a single queue).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

import requests
from hexbytes import HexBytes
from web3 import HTTPProvider, Web3
from web3.exceptions import (
    ContractLogicError,
    ProviderConnectionError,
    RequestTimedOut,
    TimeExhausted,
    TooManyRequests,
    TransactionIndexingInProgress,
    TransactionNotFound,
    Web3Exception,
    Web3TypeError,
)
from web3.middleware import ExtraDataToPOAMiddleware

from traceability.canonical import digest_to_bytes
from traceability.contracts import load_artifact

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount
    from web3.contract import Contract

try:  # reverts surface as this exception under web3's EthereumTesterProvider
    from eth_tester.exceptions import TransactionFailed as _TesterTransactionFailed

    _REVERTS: tuple[type[Exception], ...] = (ContractLogicError, _TesterTransactionFailed)
except ImportError:  # pragma: no cover - eth-tester is a test dependency
    _REVERTS = (ContractLogicError,)

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

DEFAULT_TIMEOUT: Final = 10.0

_UNAVAILABLE: Final = (
    requests.ConnectionError,
    requests.Timeout,
    ProviderConnectionError,
    RequestTimedOut,
    TooManyRequests,
    TransactionIndexingInProgress,
    ConnectionError,
    TimeoutError,
)


class ChainError(Exception):
    """A chain call failed."""


class ChainUnavailable(ChainError):
    """The node could not be reached, or did not answer in time; try again later."""


class ChainReverted(ChainError):
    """The contract refused the call (for example: not an anchorer, root already anchored)."""


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
class SignedTx:
    """A transaction signed locally and not yet sent: its hash is known before it leaves."""

    tx_hash: str
    raw: bytes
    nonce: int


@dataclass(frozen=True, slots=True)
class AnchorLog:
    """Where the chain recorded a root: the ``Anchored`` log's transaction and block."""

    tx_hash: str
    block_number: int


def connect(url: str, *, timeout: float = DEFAULT_TIMEOUT, poa: bool = False) -> Web3:
    """Return a ``Web3`` for the JSON-RPC node at ``url``.

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
    return web3


@contextmanager
def _translated(action: str) -> Iterator[None]:
    """Turn whatever web3, the node or the transport raise into our own exceptions."""
    try:
        yield
    except ChainError:
        raise
    except _REVERTS as exc:
        raise ChainReverted(f"{action}: {_reason(exc)}") from exc
    except _UNAVAILABLE as exc:
        # the exception text may carry the node's URL, and with it an API key: name its type only
        raise ChainUnavailable(f"{action}: node unavailable ({type(exc).__name__})") from exc
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        error = ChainUnavailable if status is None or status >= 500 or status == 429 else ChainError
        raise error(f"{action}: HTTP {status} from node") from exc
    except requests.RequestException as exc:
        raise ChainError(f"{action}: {type(exc).__name__} talking to the node") from exc
    except (Web3Exception, ValueError, OSError) as exc:
        raise ChainError(f"{action}: {exc}") from exc


def _reason(exc: Exception) -> str:
    message = getattr(exc, "message", None)
    return str(message if message else exc)


class AnchorRegistryClient:
    """Calls on one deployed AnchorRegistry contract."""

    def __init__(self, *, web3: Web3, address: str, account: LocalAccount | None = None) -> None:
        self._web3 = web3
        self._account = account
        self._contract: Contract = web3.eth.contract(
            address=_checksum(address), abi=load_artifact().abi
        )

    @property
    def address(self) -> str:
        return str(self._contract.address)

    @classmethod
    def deploy(
        cls, *, web3: Web3, account: LocalAccount, timeout: float = 120.0
    ) -> AnchorRegistryClient:
        """Deploy a new registry owned by ``account`` and wait (at most ``timeout`` s) for it."""
        artifact = load_artifact()
        factory = web3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        with _translated("deploy"):
            tx_hash = _sign_and_send(web3, account, factory.constructor())
            try:
                receipt = web3.eth.wait_for_transaction_receipt(tx_hash, timeout=timeout)
            except TimeExhausted as exc:
                raise ChainUnavailable(
                    f"deploy: transaction {tx_hash} not mined within {timeout} s"
                ) from exc
        if receipt["status"] != 1 or not receipt.get("contractAddress"):
            raise ChainReverted(f"deploy: transaction {tx_hash} reverted")
        return cls(web3=web3, address=receipt["contractAddress"], account=account)

    # ------------------------------------------------------------------ reads

    def chain_id(self) -> int:
        with _translated("chain_id"):
            return int(self._web3.eth.chain_id)

    def anchored_at(self, root: bytes | str) -> int:
        """Return the block timestamp at which ``root`` was anchored, or 0 if it never was."""
        function = self._contract.functions.anchored_at(digest_to_bytes(root))
        with _translated("anchored_at"):
            return int(function.call())

    def is_inspector(self, address: str) -> bool:
        function = self._contract.functions.is_inspector(_checksum(address))
        with _translated("is_inspector"):
            return bool(function.call())

    def is_anchorer(self, address: str) -> bool:
        function = self._contract.functions.is_anchorer(_checksum(address))
        with _translated("is_anchorer"):
            return bool(function.call())

    def read_many(
        self, *, roots: Iterable[bytes | str] = (), inspectors: Iterable[str] = ()
    ) -> tuple[int, dict[str, int], dict[str, bool]]:
        """Read the chain id, ``anchored_at`` of each root and ``is_inspector`` of each address
        in one JSON-RPC batch (one round trip); keys are as given."""
        root_list, address_list = list(roots), list(inspectors)
        functions = self._contract.functions
        calls = [functions.anchored_at(digest_to_bytes(root)) for root in root_list]
        calls += [functions.is_inspector(_checksum(address)) for address in address_list]
        with _translated("read_many"):
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
        with _translated("find_anchor"):
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

    def block_timestamp(self, block_number: int) -> int:
        with _translated("block_timestamp"):
            return int(self._web3.eth.get_block(block_number)["timestamp"])

    def tx_status(self, tx_hash: str | bytes) -> TxStatus:
        """Return where a submitted transaction stands."""
        eth = self._web3.eth
        hash_bytes = HexBytes(digest_to_bytes(tx_hash))
        with _translated("tx_status"):
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

    # ------------------------------------------------------------------ writes (submit only)

    def anchor(self, *, root: bytes | str, count: int) -> str:
        """Submit ``anchor(root, count)`` and return the transaction hash without waiting.

        The call is simulated first, so a refusal (not an anchorer, root already anchored)
        raises :class:`ChainReverted` before anything is sent.
        """
        if count <= 0:
            raise ValueError("count must be positive")
        function = self._contract.functions.anchor(digest_to_bytes(root), count)
        return self._submit("anchor", function)

    def prepare_anchor(self, *, root: bytes | str, count: int) -> SignedTx:
        """Simulate and sign ``anchor(root, count)`` without sending it (see :meth:`send`).

        Knowing the hash before sending lets a caller record it first, so that a crash between
        sending and recording cannot lose track of a transaction.
        """
        if count <= 0:
            raise ValueError("count must be positive")
        if self._account is None:
            raise ChainError("anchor: this client has no signing account")
        function = self._contract.functions.anchor(digest_to_bytes(root), count)
        with _translated("anchor"):
            return _sign(self._web3, self._account, function)

    def send(self, signed: SignedTx) -> str:
        """Send a transaction signed by :meth:`prepare_anchor`; return its hash."""
        with _translated("send"):
            try:
                self._web3.eth.send_raw_transaction(signed.raw)
            except ValueError as exc:  # the node already has it: sending twice is harmless
                if "already known" not in str(exc).lower():
                    raise
        return signed.tx_hash

    def set_anchorer(self, *, address: str, allowed: bool) -> str:
        """Submit the owner's ``set_anchorer`` and return the transaction hash."""
        function = self._contract.functions.set_anchorer(_checksum(address), allowed)
        return self._submit("set_anchorer", function)

    def set_inspector(self, *, address: str, allowed: bool) -> str:
        """Submit the owner's ``set_inspector`` and return the transaction hash."""
        function = self._contract.functions.set_inspector(_checksum(address), allowed)
        return self._submit("set_inspector", function)

    def _submit(self, action: str, function: Any) -> str:
        if self._account is None:
            raise ChainError(f"{action}: this client has no signing account")
        with _translated(action):
            return _sign_and_send(self._web3, self._account, function)


def _checksum(address: str) -> str:
    """Return the checksummed form of a 20-byte hex address; ``ValueError`` otherwise."""
    if not isinstance(address, str) or not Web3.is_address(address):
        raise ValueError(f"{address!r} is not an address")
    return str(Web3.to_checksum_address(address))


def _key(root: bytes | str) -> str:
    return "0x" + digest_to_bytes(root).hex()


def _sign(web3: Web3, account: LocalAccount, function: Any) -> SignedTx:
    """Build (estimating gas, which simulates the call, and fees) and sign locally."""
    nonce = web3.eth.get_transaction_count(account.address, "pending")
    tx = function.build_transaction({"from": account.address, "nonce": nonce})
    signed = account.sign_transaction(tx)
    return SignedTx(
        tx_hash=HexBytes(signed.hash).to_0x_hex(), raw=bytes(signed.raw_transaction), nonce=nonce
    )


def _sign_and_send(web3: Web3, account: LocalAccount, function: Any) -> str:
    """Build (estimating gas and fees), sign locally and send; return the 0x hash."""
    signed = _sign(web3, account, function)
    return HexBytes(web3.eth.send_raw_transaction(signed.raw)).to_0x_hex()
