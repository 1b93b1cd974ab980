"""Bank-statement webhooks: signature, replay window, parsing and reference matching."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.gateways.bank_statement import (
    StatementLine,
    build_webhook,
    candidate_references,
    compute_signature,
    find_reference,
    parse_statement_body,
    parse_webhook,
    reference_in_description,
)
from payments.ports import GatewayError, InvalidSignature

SECRET = "bank-feed-shared-secret"
NOW = datetime(2026, 11, 22, 5, 3, tzinfo=UTC)


def line(**overrides: object) -> StatementLine:
    values: dict[str, object] = {
        "amount": Decimal("185000"),
        "description": "CHUYEN TIEN CP7K2M9Q DON HANG",
        "bank_reference": "FT26326123456789",
        "account_number": "1012345678",
        "occurred_at": NOW - timedelta(seconds=20),
    }
    values.update(overrides)
    return StatementLine(**values)  # type: ignore[arg-type]


def delivery(*lines: StatementLine, sent_at: datetime = NOW) -> tuple[bytes, dict[str, str]]:
    return build_webhook(lines=lines or (line(),), secret=SECRET, sent_at=sent_at)


# --------------------------------------------------------------------------- signature


def test_signed_delivery_round_trips() -> None:
    body, headers = delivery(line(), line(amount=Decimal(-50000), bank_reference="FT2"))
    webhook = parse_webhook(body=body, headers=headers, secret=SECRET, now=NOW)
    assert webhook.sent_at == NOW
    assert [entry.amount for entry in webhook.lines] == [Decimal(185000), Decimal(-50000)]
    assert webhook.lines[0] == line()
    assert [entry.is_credit for entry in webhook.lines] == [True, False]


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body, headers = delivery()
    message = headers["X-Timestamp"].encode() + b"." + body
    assert headers["X-Signature"] == hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()
    assert headers["X-Timestamp"] == str(int(NOW.timestamp()))


def test_headers_are_case_insensitive_and_hex_case_is_ignored() -> None:
    body, headers = delivery()
    lowered = {key.lower(): value for key, value in headers.items()}
    lowered["x-signature"] = lowered["x-signature"].upper()
    assert parse_webhook(body=body, headers=lowered, secret=SECRET, now=NOW).lines


def tampered_deliveries() -> list[tuple[str, bytes, dict[str, str]]]:
    body, headers = delivery()
    document = json.loads(body)
    document["transactions"][0]["amount"] = 1_850_000
    raised = json.dumps(document).encode()
    other = compute_signature(body=body, timestamp=int(NOW.timestamp()), secret="other")
    cases = [
        ("amount raised", raised, headers),
        ("byte appended", body + b" ", headers),
        ("signature missing", body, {k: v for k, v in headers.items() if k != "X-Signature"}),
        ("timestamp missing", body, {k: v for k, v in headers.items() if k != "X-Timestamp"}),
        (
            "signature truncated",
            body,
            dict(headers, **{"X-Signature": headers["X-Signature"][:-1]}),
        ),
        ("signature not hex", body, dict(headers, **{"X-Signature": "ž" * 64})),
        ("other secret", body, dict(headers, **{"X-Signature": other})),
        # Moving the timestamp into the window breaks the MAC: it covers the timestamp.
        (
            "timestamp refreshed",
            body,
            dict(headers, **{"X-Timestamp": str(int(NOW.timestamp()) + 1)}),
        ),
        ("timestamp junk", body, dict(headers, **{"X-Timestamp": "soon"})),
        ("timestamp huge", body, dict(headers, **{"X-Timestamp": "9" * 12})),
    ]
    return cases


@pytest.mark.parametrize(
    ("label", "body", "headers"), tampered_deliveries(), ids=[c[0] for c in tampered_deliveries()]
)
def test_tampered_deliveries_are_refused(label: str, body: bytes, headers: dict[str, str]) -> None:
    with pytest.raises(InvalidSignature):
        parse_webhook(body=body, headers=headers, secret=SECRET, now=NOW)


@pytest.mark.parametrize("skew", [timedelta(minutes=6), -timedelta(minutes=6), timedelta(days=2)])
def test_stale_or_future_deliveries_are_refused(skew: timedelta) -> None:
    body, headers = delivery(sent_at=NOW - skew)
    with pytest.raises(InvalidSignature, match="window"):
        parse_webhook(body=body, headers=headers, secret=SECRET, now=NOW)


def test_tolerance_is_configurable_and_inclusive() -> None:
    body, headers = delivery(sent_at=NOW - timedelta(minutes=5))
    assert parse_webhook(body=body, headers=headers, secret=SECRET, now=NOW).lines
    with pytest.raises(InvalidSignature):
        parse_webhook(
            body=body, headers=headers, secret=SECRET, now=NOW, tolerance=timedelta(seconds=30)
        )


# --------------------------------------------------------------------------- body parsing


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'{"transactions": {}}',
        b'{"transactions": [1]}',
        b'{"transactions": [{"amount": 1.5, "bank_reference": "x", "account_number": "1",'
        b' "time": "2026-11-22T12:00:00+07:00"}]}',
        b'{"transactions": [{"amount": true, "bank_reference": "x", "account_number": "1",'
        b' "time": "2026-11-22T12:00:00+07:00"}]}',
        b'{"transactions": [{"amount": "1000", "bank_reference": "x", "account_number": "1",'
        b' "time": "2026-11-22T12:00:00+07:00"}]}',
        b'{"transactions": [{"amount": 1000, "account_number": "1",'
        b' "time": "2026-11-22T12:00:00+07:00"}]}',
        b'{"transactions": [{"amount": 1000, "bank_reference": "", "account_number": "1",'
        b' "time": "2026-11-22T12:00:00+07:00"}]}',
        b'{"transactions": [{"amount": 1000, "bank_reference": "x", "account_number": "1",'
        b' "time": "yesterday"}]}',
        b"[" * 100_000,
    ],
)
def test_malformed_signed_bodies_are_gateway_errors(body: bytes) -> None:
    with pytest.raises(GatewayError) as caught:
        parse_statement_body(body)
    assert not isinstance(caught.value, InvalidSignature)


def test_naive_bank_times_are_read_as_vietnam_time() -> None:
    body = json.dumps(
        {
            "transactions": [
                {
                    "amount": 185000,
                    "description": "CP7K2M9Q",
                    "bank_reference": "FT1",
                    "account_number": "1012345678",
                    "time": "2026-11-22 12:03:00",
                }
            ]
        }
    ).encode()
    (entry,) = parse_statement_body(body)
    assert entry.occurred_at == NOW
    assert entry.description == "CP7K2M9Q"


def test_credit_becomes_a_paid_event_and_debits_cannot() -> None:
    event = line().to_event(reference="CP7K2M9Q")
    assert (event.status, event.amount, event.currency) == ("paid", Decimal(185000), "VND")
    assert event.gateway_txn_id == "FT26326123456789"
    assert event.raw["description"] == "CHUYEN TIEN CP7K2M9Q DON HANG"
    with pytest.raises(ValueError):
        line(amount=Decimal(-1)).to_event(reference="CP7K2M9Q")
    with pytest.raises(ValueError):
        line(amount=Decimal("10.5"))


# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("description", "found"),
    [
        ("chuyen tien cp 7k2m9q don hang", True),
        ("CP7K2M9Q", True),
        ("cp7k2m9q", True),
        ("Thanh toán đơn CP-7K2-M9Q, cảm ơn", True),
        ("MBVCB.1234567.CP7K2M9Q.CT tu 0011001234 NGUYEN VAN A", True),
        ("NGUYEN VAN A chuyen khoan cp7k2m9qthanhtoan", True),
        ("IBFT CP7K2M9Q", True),
        ("cp7k2m9", False),
        ("CP7K2M9O", False),
        ("chuyen tien don hang", False),
        ("", False),
        ("CP 7K2M9 Q", True),
        ("QCP7K2M9", False),
    ],
)
def test_reference_matcher_table(description: str, found: bool) -> None:
    assert reference_in_description("CP7K2M9Q", description) is found


def test_empty_reference_never_matches() -> None:
    assert not reference_in_description("", "anything")
    assert not reference_in_description(" - ", "anything")


def test_find_reference_among_pending_payments() -> None:
    pending = ["CP7K2M9Q", "CPAB12CD", "CPZZ99XX"]
    assert find_reference("ck cp ab12cd cam on", candidates=pending) == "CPAB12CD"
    assert find_reference("no reference here", candidates=pending) is None
    # Two orders paid in one transfer: ambiguous, left for a human.
    assert find_reference("CP7K2M9Q va CPAB12CD", candidates=pending) is None


def test_candidate_references_for_lookup() -> None:
    assert candidate_references("chuyen tien cp 7k2m9q don hang", prefix="CP", length=8) == [
        "CP7K2M9Q"
    ]
    assert candidate_references("CP7K2M9Q CPAB12CD cp7k2m9q", prefix="cp", length=8) == [
        "CP7K2M9Q",
        "CPAB12CD",
    ]
    # Every window that starts with the prefix is offered; the lookup decides.
    assert candidate_references("xcpcp12345", prefix="CP", length=4) == ["CPCP", "CP12"]
    assert candidate_references("CP12", prefix="CP", length=8) == []
    with pytest.raises(ValueError):
        candidate_references("x", prefix="", length=8)


alphabet = "ABCDEFGHJKMNPQRSTVWXYZ0123456789"


@given(
    reference=st.text(alphabet=alphabet, min_size=6, max_size=6).map(lambda s: f"CP{s}"),
    before=st.text(max_size=30),
    after=st.text(max_size=30),
    lower=st.booleans(),
    spaces=st.lists(st.integers(min_value=1, max_value=7), max_size=3),
)
def test_reference_survives_case_and_spaces(
    reference: str, before: str, after: str, lower: bool, spaces: list[int]
) -> None:
    mangled = reference.lower() if lower else reference
    for position in sorted(set(spaces), reverse=True):
        mangled = f"{mangled[:position]} {mangled[position:]}"
    description = f"{before} {mangled} {after}"
    assert reference_in_description(reference, description)
    assert reference in candidate_references(description, prefix="CP", length=8)
