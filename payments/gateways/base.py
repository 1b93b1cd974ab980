"""What most adapters share: the port's methods an adapter may leave as they are.

An adapter subclasses :class:`BaseGateway`, declares ``capabilities`` and ``callback``, and
writes ``start``, ``parse_callback`` and ``acknowledge`` (plus ``query``, ``refund``,
``claimed_reference`` or ``parse_notification`` where it differs from these defaults).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from payments.ports import (
    Acknowledgement,
    GatewayError,
    GatewayEvent,
    Notification,
    RefundRequest,
    RefundResult,
)

__all__ = ["BaseGateway", "json_answer"]


def json_answer(status: int, document: Mapping[str, Any]) -> Acknowledgement:
    """An acknowledgement with a JSON body."""
    return Acknowledgement(status=status, body=json.dumps(document).encode("utf-8"))


class BaseGateway:
    """Defaults for the port (:class:`payments.ports.Gateway`)."""

    def idempotency_key(self, event: GatewayEvent) -> str:
        """The delivery's id when the gateway may deliver one event several times and only
        an id tells (""; the state machine's forward-only moves already absorb replays)."""
        return ""

    def parse_notification(
        self,
        *,
        params: Mapping[str, str],
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> Notification:
        """One delivery, one event: :meth:`parse_callback`'s."""
        event = self.parse_callback(params=params, body=body, headers=headers)  # type: ignore[attr-defined]
        return Notification(events=(event,), key=self.idempotency_key(event), log=dict(params))

    @staticmethod
    def claimed_reference(params: Mapping[str, str]) -> str:
        """Our return URLs name the payment in ``ref`` (see ``payments.selectors.return_url``)."""
        return params.get("ref", "")

    def query(self, *, reference: str, gateway_reference: str) -> GatewayEvent:
        raise GatewayError(f"{type(self).__name__} cannot be asked about a payment")

    def refund(self, request: RefundRequest) -> RefundResult:
        raise GatewayError(f"{type(self).__name__} cannot refund; money goes back by hand")
