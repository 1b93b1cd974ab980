"""What leaves the chain package when a call fails, and the one place that translates.

Every error from web3, the node or the transport leaves this package as a :class:`ChainError`:
:class:`ChainUnavailable` when the node could not be reached or answered too slowly (worth a
retry later), :class:`ChainReverted` when the contract refused the call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import requests
from web3.exceptions import (
    ContractLogicError,
    ProviderConnectionError,
    RequestTimedOut,
    TooManyRequests,
    TransactionIndexingInProgress,
    Web3Exception,
)

try:  # reverts surface as this exception under web3's EthereumTesterProvider
    from eth_tester.exceptions import TransactionFailed as _TesterTransactionFailed

    _REVERTS: tuple[type[Exception], ...] = (ContractLogicError, _TesterTransactionFailed)
except ImportError:  # pragma: no cover - eth-tester is a test dependency
    _REVERTS = (ContractLogicError,)

__all__ = ["ChainError", "ChainReverted", "ChainUnavailable", "translated"]

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


@contextmanager
def translated(action: str) -> Iterator[None]:
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
