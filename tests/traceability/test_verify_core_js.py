"""The buyer's in-browser verifier (static/traceability/verify-core.js, with the npm libraries
bundled by traceability/browser/build.mjs) agrees with the Python verifier, check by check,
on a good bundle and on tampered, truncated, erased and forged ones, asking anvil itself."""

from __future__ import annotations

import copy

import pytest
from django.utils import timezone

from tests.traceability.anvil import free_port
from tests.traceability.verify_browser_cases import (
    anchored_lot,
    certified,
    comparable,
    node_verdicts,
    python_verdict,
    variants,
)

pytestmark = [pytest.mark.chain, pytest.mark.django_db]


def test_the_javascript_verifier_agrees_with_the_python_verifier(
    client, make_lot, anvil_chain, anvil, django_user_model
):
    lot = anchored_lot(make_lot, django_user_model)
    good = client.get(f"/01/{lot.gtin14}/10/{lot.code}?format=json").json()
    assert good["version"] == 2 and len(good["events"]) == 4 and good["head"]["count"] == 4
    cases = variants(good)
    expected = {name: python_verdict(bundle, anvil.url) for name, bundle in cases.items()}
    found = dict(zip(cases, node_verdicts(list(cases.values()), anvil.url), strict=True))
    for name in cases:
        assert comparable(found[name]) == expected[name], name

    # What each case means, so agreement is not agreement on nothing.
    assert found["good"]["status"] == "verified" and found["good"]["ok"]
    assert found["good"]["completeness"] == "complete"
    assert found["good"]["events"][2]["signerAccredited"] is True
    assert found["tampered"]["status"] == "tampered"
    assert found["tampered"]["events"][1]["checks"] == {"digest": "fail", "merkle": "fail"}
    for truncated in ("truncated", "truncated_without_head"):
        assert found[truncated]["status"] == "tampered"
        assert "this history stops before its last anchored event" in found[truncated]["problems"]
        assert found[truncated]["checks"] == {"completeness": "fail"}
    assert found["erased"]["status"] == "verified"
    assert found["erased"]["events"][0]["withheld"]
    assert found["forged_disclosure"]["status"] == "tampered"


def test_a_node_on_another_chain_or_no_node_is_not_verified(
    client, make_lot, anvil_chain, anvil, django_user_model
):
    lot = anchored_lot(make_lot, django_user_model)
    good = client.get(f"/01/{lot.gtin14}/10/{lot.code}?format=json").json()
    other_chain = copy.deepcopy(good)
    other_chain["head"]["chainId"] = 1
    for item in other_chain["events"]:
        item["anchor"] = {**item["anchor"], "chainId": 1}
    [verdict] = node_verdicts([other_chain], anvil.url)
    assert verdict["status"] == "tampered"
    assert "the chain has no record of this head" in verdict["problems"]
    for event in verdict["events"]:
        # The root is not on the chain the bundle names; a signature made in chain 31337's
        # domain does not recover in chain 1's either.
        signed = event["signer"] is not None
        assert sorted(event["problems"]) == sorted(
            ["the chain has no record of this root"]
            + (["the signature does not match the signer"] if signed else [])
        ), event
    assert any(e["signer"] for e in verdict["events"])

    # No node at all: nothing is wrong in the data, but nothing on chain could be checked.
    [offline] = node_verdicts([good], f"http://127.0.0.1:{free_port()}")
    assert offline["status"] == "unchecked" and not offline["ok"]
    assert offline["completeness"] == "unchecked" and not offline["problems"]
    assert all(e["status"] == "unchecked" and not e["problems"] for e in offline["events"])


def test_certificates_agree_with_the_python_verifier_on_anvil(
    client, make_lot, anvil_chain, anvil, django_user_model
):
    lot = anchored_lot(make_lot, django_user_model)
    now = timezone.now()
    certified(lot, now=now)
    good = client.get(f"/01/{lot.gtin14}/10/{lot.code}?format=json").json()
    assert len(good["attestations"]) == 2
    changed = copy.deepcopy(good)
    [ocop] = [a for a in changed["attestations"] if a["message"]["kind"] == "ocop"]
    ocop["message"]["level"] = 5
    revoked = copy.deepcopy(good)
    revoked["attestations"][0]["revokedAt"] = "2026-12-01T08:00:00Z"
    cases = {"good": good, "changed": changed, "revoked": revoked}
    moment = int(now.timestamp())
    expected = {name: python_verdict(b, anvil.url, now=moment) for name, b in cases.items()}
    found = dict(
        zip(cases, node_verdicts(list(cases.values()), anvil.url, now=moment), strict=True)
    )
    for name in cases:
        assert comparable(found[name]) == expected[name], name

    states = {c["reference"]: c["state"] for c in found["good"]["certificates"]}
    assert states == {"OCOP-HG-2025-007": "valid", "GI-00045": "expired"}
    assert found["good"]["status"] == "verified" and found["good"]["ok"]  # expired is history
    assert found["changed"]["status"] == "tampered"
    assert found["changed"]["problems"] == ["a certificate's signature does not match its signer"]
    assert found["changed"]["checks"] == {"certificates": "fail"}
    assert found["revoked"]["certificates"][0]["state"] == "revoked"
    assert found["revoked"]["status"] == "verified"
