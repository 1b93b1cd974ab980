"""What the payment services answer and refuse, shared by every concern."""

from dataclasses import dataclass
from enum import StrEnum

from payments.models import PaymentAttempt


class Outcome(StrEnum):
    APPLIED = "applied"
    ALREADY_FINAL = "already_final"
    NOT_FOUND = "not_found"
    AMOUNT_MISMATCH = "amount_mismatch"
    IGNORED = "ignored"


@dataclass(frozen=True)
class Applied:
    outcome: Outcome
    attempt: PaymentAttempt | None = None


class PaymentNotAllowed(Exception):
    """The order cannot take this payment (state, method or amount)."""
