"""The version 2 test vectors of ``traceability/PROOF_FORMAT.md``, read from the document itself.

If the document and the code disagree, this fails: an outsider who writes a verifier from the
document gets the same commitments and the same digest as we do. Pure (no database).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from traceability.canonical import canonical_json, event_digest, jcs_bytes, validate_event
from traceability.commitments import (
    commit_paths,
    commitment_of,
    commitment_paths,
    disclosure_problem,
    pointer_get,
    with_disclosures,
)
from traceability.heads import lot_key
from traceability.proofs import verify_bundle

DOC = Path(__file__).resolve().parents[2] / "traceability" / "PROOF_FORMAT.md"
BLOCK = re.compile(r"```(text|json)\n(.*?)\n```", re.DOTALL)


def vector(title: str) -> list[tuple[str, str]]:
    """The fenced blocks (kind, body) of the vector whose heading starts with ``title``."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Test vectors (version 2)", 1)[1].split("\n## ", 1)[0]
    parts = re.split(r"^### ", section, flags=re.MULTILINE)
    found = [part for part in parts if part.startswith(title)]
    assert len(found) == 1, f"PROOF_FORMAT.md has no single vector {title!r}"
    return BLOCK.findall(found[0])


@pytest.mark.parametrize("title", ["Vector C1", "Vector C2"])
def test_the_commitment_vectors_hold(title):
    (kind_text, jcs), (kind_json, body) = vector(title)
    assert (kind_text, kind_json) == ("text", "json")
    case = json.loads(body)
    assert jcs_bytes([case["salt"], case["value"]]) == jcs.encode("utf-8")
    assert commitment_of(case["salt"], case["value"]) == case["commitment"]


def _event_vector():
    blocks = vector("Vector E1")
    assert [kind for kind, _ in blocks] == ["text", "json", "json"]
    canonical, digest = blocks[0][1].split("\n")
    return canonical, digest, json.loads(blocks[1][1]), json.loads(blocks[2][1])


def test_the_schema_2_event_vector_hashes_to_its_digest():
    canonical, digest, event, _disclosures = _event_vector()
    validate_event(event)
    assert event["schemaVersion"] == 2
    assert canonical_json(event) == canonical.encode("utf-8")
    assert event_digest(event) == digest


def test_each_disclosure_of_the_vector_opens_its_commitment():
    _canonical, _digest, event, disclosures = _event_vector()
    assert sorted(d["path"] for d in disclosures) == sorted(commitment_paths(event))
    for disclosure in disclosures:
        assert disclosure_problem(event, disclosure) is None
    shown = with_disclosures(event, disclosures)
    assert shown["chophien:actor"]["name"] == "Thào Mí Sính"
    assert shown["ilmd"]["chophien:producer"]["name"] == "Hộ Thào Mí Sính"
    assert shown["bizLocation"]["chophien:geo"] == {"latitude": "23.2789", "longitude": "105.3637"}
    # Organisations' and places' data stay in clear: the product, the commune, the province.
    assert event["ilmd"]["chophien:origin"]["wardName"] == "Xã Đồng Văn"


def test_committing_the_opened_event_with_the_vector_s_salts_gives_it_back():
    _canonical, _digest, event, disclosures = _event_vector()
    opened = with_disclosures(event, disclosures)
    salts = {d["path"]: d["salt"] for d in disclosures}
    again, made = commit_paths(opened, list(salts), salts=salts)
    assert again == event
    assert [d.as_json() for d in made] == disclosures


def test_a_changed_value_or_salt_of_the_vector_does_not_open_its_commitment():
    _canonical, _digest, event, disclosures = _event_vector()
    name = copy.deepcopy(disclosures[0])
    name["value"] = "Thào Mí Sinh"  # one tone mark less
    assert "does not match" in disclosure_problem(event, name)
    salt = copy.deepcopy(disclosures[2])
    salt["salt"] = salt["salt"][:-1] + "e"
    assert "does not match" in disclosure_problem(event, salt)


def test_the_vector_erased_verifies_with_the_name_withheld():
    _canonical, digest, event, disclosures = _event_vector()
    withheld = {"path": "/chophien:actor/name", "withheld": "erased", "erasedAt": "2026-12-06"}
    bundle = {
        "version": 2,
        "lot": {
            "gtin": "02000000000018",
            "lot": "MO-2611-01",
            "uri": "https://chophien.vn/01/02000000000018/10/MO-2611-01",
            "key": lot_key(pointer_get(event, "/quantityList/0/epcClass")),
        },
        "events": [
            {
                "event": event,
                "digest": digest,
                "disclosures": [withheld, *disclosures[1:]],
                "signature": None,
                "anchor": None,
            }
        ],
        "head": None,
        "absences": [],
        "attestations": [],
    }
    verdict = verify_bundle(bundle, anchored_at=lambda *_: None, is_inspector=lambda *_: None)
    assert verdict.problems == []
    assert verdict.events[0].problems == []
    assert verdict.events[0].withheld == ["/chophien:actor/name"]
