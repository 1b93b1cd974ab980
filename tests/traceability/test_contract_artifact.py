"""The committed contract artifact is what the committed Vyper source compiles to."""

from __future__ import annotations

import json

from traceability.contracts import ARTIFACT_PATH, compile_artifact, load_artifact


def test_committed_artifact_matches_a_fresh_compile() -> None:
    committed = json.loads(ARTIFACT_PATH.read_text(encoding="utf-8"))
    fresh = compile_artifact()
    assert committed == fresh, (
        "traceability/contracts/anchor_registry.json is stale: "
        "run `python -m traceability.contracts` and commit the result"
    )


def test_artifact_exposes_the_contract_interface() -> None:
    artifact = load_artifact()
    functions = {item["name"] for item in artifact.abi if item["type"] == "function"}
    assert functions == {
        "owner",
        "transfer_ownership",
        "set_anchorer",
        "is_anchorer",
        "anchor_heads",
        "anchored_at",
        "verify",
        "set_inspector",
        "is_inspector",
    }
    events = {item["name"] for item in artifact.abi if item["type"] == "event"}
    assert events == {
        "Anchored",
        "HeadsAnchored",
        "AnchorerSet",
        "InspectorSet",
        "OwnershipTransferred",
    }
    assert artifact.bytecode.startswith("0x")
    assert artifact.deployed_bytecode.startswith("0x")
    assert artifact.deployed_bytecode[2:] in artifact.bytecode
