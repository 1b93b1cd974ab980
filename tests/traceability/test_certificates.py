"""Certificates as EIP-712 attestations (``PROOF_FORMAT.md``, "Certificates"): the typed data,
the test vector of the document, and check 9 of the verifier. Pure: no database, no chain."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from traceability.certificates import (
    MAX_OCOP_SECONDS,
    CertificateState,
    attestation_item,
    certificate_message,
    certificate_sign,
    certificate_typed_data,
    check_attestations,
)
from traceability.heads import lot_key
from traceability.proofs import Domain, Status, attestation_sign, gs1_lot_uri, verify_bundle

DOC = Path(__file__).resolve().parents[2] / "traceability" / "PROOF_FORMAT.md"
KEY = bytes.fromhex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
SIGNER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
DOMAIN = Domain(chain_id=31337, contract="0x5FbDB2315678afecb367f032d93F642f64180aa3")
GTIN = "02000000000018"
START, END = 1735689600, 1830297600  # 2025-01-01 and 2028-01-01, UTC


def message(**changes):
    fields = {
        "gtin": GTIN,
        "kind": "ocop",
        "reference": "OCOP-BG-2025-014",
        "level": 4,
        "valid_from": START,
        "valid_until": END,
    }
    fields.update(changes)
    return certificate_message(**fields)


def item(key: bytes = KEY, revoked_at=None, **changes) -> dict:
    signed = message(**changes)
    signer, signature = certificate_sign(message=signed, domain=DOMAIN, private_key=key)
    return attestation_item(
        message=signed, domain=DOMAIN, signer=signer, signature=signature, revoked_at=revoked_at
    )


def bundle(*attestations) -> dict:
    uri = gs1_lot_uri(GTIN, "MO-1")
    return {
        "version": 2,
        "lot": {"gtin": GTIN, "lot": "MO-1", "uri": uri, "key": lot_key(uri)},
        "events": [],
        "head": None,
        "absences": [],
        "attestations": list(attestations),
    }


def accredited(_domain, _address):
    return True


def check(*attestations, now=START + 86400, is_inspector=accredited):
    return check_attestations(bundle(*attestations), is_inspector=is_inspector, now=now)


# --------------------------------------------------------------------------- the document


def test_the_documents_test_vector_holds():
    text = DOC.read_text(encoding="utf-8")
    section = text.split("<!-- certificate-vector -->", 1)[1]
    digest = re.search(r"typed data hash\s+(0x[0-9a-f]{64})", section).group(1)
    signature = re.search(r"signature\s+(0x[0-9a-f]{130})", section).group(1)
    typed = certificate_typed_data(message=message(), domain=DOMAIN)
    signable = encode_typed_data(full_message=typed)
    assert "0x" + keccak(b"\x19" + signable.version + signable.header + signable.body).hex() == (
        digest
    )
    assert item()["signature"] == signature
    assert Account.from_key(KEY).address == SIGNER


def test_the_document_names_the_types_the_code_signs():
    text = re.sub(r"\s+", " ", DOC.read_text(encoding="utf-8"))
    fields = certificate_typed_data(message=message(), domain=DOMAIN)["types"]["Certificate"]
    listed = ", ".join(f'{{name: "{f["name"]}", type: "{f["type"]}"}}' for f in fields)
    assert f"Certificate: [ {listed} ]" in text


# --------------------------------------------------------------------------- the message


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"gtin": "2000000000018"}, "GTIN"),
        ({"kind": "vietgap"}, "kind"),
        ({"reference": ""}, "number"),
        ({"level": 2}, "3, 4 or 5"),
        ({"kind": "gi", "level": 4}, "level 0"),
        ({"valid_until": START}, "empty"),
        ({"valid_until": START + MAX_OCOP_SECONDS + 1}, "36 months"),
        ({"level": True}, "integer"),
    ],
)
def test_a_message_that_breaks_the_format_is_refused(changes, why):
    with pytest.raises(ValueError, match=why):
        message(**changes)


def test_thirty_six_months_is_the_longest_ocop_window_and_a_gi_may_be_longer():
    assert message(valid_until=START + MAX_OCOP_SECONDS)["validUntil"] == START + MAX_OCOP_SECONDS
    gi = message(kind="gi", level=0, valid_until=START + 10 * MAX_OCOP_SECONDS)
    assert gi["level"] == 0


# --------------------------------------------------------------------------- check 9


@pytest.mark.parametrize(
    ("now", "state", "words"),
    [
        (START - 1, CertificateState.NOT_YET_VALID, "valid from 2025-01-01"),
        (START, CertificateState.VALID, "valid until 2028-01-01"),
        (END - 1, CertificateState.VALID, "valid until 2028-01-01"),
        (END, CertificateState.EXPIRED, "expired on 2028-01-01"),
    ],
)
def test_a_certificate_is_valid_inside_its_window_only(now, state, words):
    verdicts, problems = check(item(), now=now)
    assert problems == []
    assert verdicts[0].state is state
    assert verdicts[0].words == words
    assert (verdicts[0].kind, verdicts[0].level, verdicts[0].signer) == ("ocop", 4, SIGNER)


def test_withdrawn_unaccredited_and_unchecked_certificates_are_not_valid_but_not_tampering():
    from datetime import UTC, datetime

    revoked = item(revoked_at=datetime(2026, 3, 1, tzinfo=UTC))
    assert revoked["revokedAt"] == "2026-03-01T00:00:00Z"
    verdicts, problems = check(revoked)
    assert (verdicts[0].state, verdicts[0].words) == (
        CertificateState.REVOKED,
        "withdrawn on 2026-03-01",
    )
    assert check(item(), is_inspector=lambda d, a: False)[0][0].state is (
        CertificateState.UNACCREDITED
    )
    assert check(item(), is_inspector=lambda d, a: None)[0][0].state is CertificateState.UNCHECKED
    assert problems == []


def test_accreditation_is_asked_of_the_registry_the_certificate_names():
    asked = []
    check(item(), is_inspector=lambda domain, address: asked.append((domain, address)) or True)
    assert asked == [(DOMAIN, SIGNER)]


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (lambda i: i["message"].update(level=5), "signature does not match"),
        (lambda i: i["message"].update(validUntil=END + 86400), "signature does not match"),
        (lambda i: i["message"].update(reference="OCOP-XX"), "signature does not match"),
        (lambda i: i["domain"].update(chainId=1), "signature does not match"),
        (lambda i: i.update(signer=Account.create().address), "signature does not match"),
        (lambda i: i.update(signature="0x" + "00" * 65), "signature does not match"),
        (lambda i: i["message"].update(gtin="02000000000025"), "another product"),
        (lambda i: i["message"].update(level="4"), "malformed"),
        (lambda i: i["message"].update(extra=1), "malformed"),
        (lambda i: i["domain"].update(name="Other"), "malformed"),
        (lambda i: i.update(scheme="EIP-191"), "malformed"),
        (lambda i: i.pop("signer"), "malformed"),
    ],
)
def test_a_changed_certificate_fails_the_bundle(tamper, problem):
    changed = copy.deepcopy(item())
    tamper(changed)
    verdicts, problems = check(changed)
    assert verdicts[0].state is CertificateState.INVALID
    assert len(problems) == 1 and problem in problems[0]
    verdict = verify_bundle(
        bundle(changed), anchored_at=lambda d, r: 0, is_inspector=accredited, now=START
    )
    assert verdict.status is Status.TAMPERED
    assert problem in " ".join(verdict.problems)


def test_an_event_attestation_cannot_pass_for_a_certificate():
    signed = item()
    digest = "0x" + keccak(b"anything").hex()
    _signer, event_signature = attestation_sign(digest=digest, domain=DOMAIN, private_key=KEY)
    signed["signature"] = event_signature
    assert check(signed)[0][0].state is CertificateState.INVALID


def test_verify_bundle_reports_certificates_without_failing_on_an_expired_one():
    verdict = verify_bundle(
        bundle(item(), item(kind="gi", level=0, reference="GI-00045", valid_until=START + 9)),
        anchored_at=lambda d, r: 0,
        is_inspector=accredited,
        now=START + 10,
    )
    assert verdict.problems == []
    assert [c.state for c in verdict.certificates] == [
        CertificateState.VALID,
        CertificateState.EXPIRED,
    ]


def test_a_bundle_without_attestations_and_a_bad_list():
    assert check_attestations({"version": 1}, is_inspector=accredited) == ([], [])
    bad = bundle()
    bad["attestations"] = {"not": "a list"}
    assert check_attestations(bad, is_inspector=accredited)[1] == [
        "the attestations are not a list"
    ]


# --------------------------------------------------------------------------- properties

SIGNED = item()
CHANGES = st.one_of(
    st.tuples(st.just("gtin"), st.from_regex(r"[0-9]{14}", fullmatch=True)),
    st.tuples(st.just("reference"), st.text(min_size=1, max_size=100)),
    st.tuples(st.just("level"), st.sampled_from([3, 5])),
    st.tuples(st.just("validFrom"), st.integers(min_value=0, max_value=START + 10)),
    st.tuples(st.just("validUntil"), st.integers(min_value=START + 1, max_value=START + 10**8)),
)


@settings(max_examples=60, deadline=None)
@given(change=CHANGES)
def test_any_changed_field_of_a_signed_certificate_fails(change):
    name, value = change
    changed = copy.deepcopy(SIGNED)
    if changed["message"][name] == value:
        return
    changed["message"][name] = value
    [verdict], problems = check(changed)
    assert verdict.state is CertificateState.INVALID
    assert len(problems) == 1


@settings(max_examples=40, deadline=None)
@given(now=st.integers(min_value=0, max_value=2 * END))
def test_a_good_certificate_is_valid_exactly_inside_its_window(now):
    [verdict], problems = check(SIGNED, now=now)
    assert problems == []
    assert (verdict.state is CertificateState.VALID) == (START <= now < END)
