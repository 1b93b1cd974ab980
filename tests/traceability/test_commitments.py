"""Salted commitments (schema 2): properties, and where schema 2 lets a commitment stand.

Pure: no database, no chain. The bundles here are built the way ``selectors.lot_bundle`` builds
them and checked by ``proofs.verify_bundle``; the chain's answer is a plain function of the root.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from traceability import merkle
from traceability.canonical import (
    COMMITMENT_KEY,
    COMMITTABLE_PATHS,
    Location,
    build_event,
    event_digest,
    validate_event,
)
from traceability.commitments import (
    commit_paths,
    commitment_of,
    commitment_paths,
    disclosure_problem,
    is_commitment,
    new_salt,
    pointer_get,
    with_disclosures,
)
from traceability.heads import lot_key
from traceability.proofs import Status, gs1_lot_uri, verify_bundle

GTIN, LOT = "02000000000018", "MO-2611-01"
URI = gs1_lot_uri(GTIN, LOT)
CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
HOUSEHOLD = ["/chophien:actor/name", "/ilmd/chophien:producer/name", "/bizLocation/chophien:geo"]

salts = st.binary(min_size=16, max_size=16).map(lambda b: "0x" + b.hex())
names = st.text(min_size=1, max_size=40)
coordinates = st.builds(
    lambda lat, lon: {"latitude": f"{lat / 10000:.4f}", "longitude": f"{lon / 10000:.4f}"},
    st.integers(-900000, 900000),
    st.integers(-1800000, 1800000),
)
values = st.one_of(names, coordinates)


def event(*, step="commissioning", prev=None, name="Thào Mí Sính", when=0, household=True):
    return build_event(
        biz_step=step,
        event_id=f"urn:uuid:00000000-0000-4000-8000-{when:012d}",
        event_time=datetime(2026, 11, 3, tzinfo=UTC) + timedelta(hours=when),
        lot=URI,
        prev_digest=prev,
        location=Location(id="urn:chophien:ward:783", latitude="23.2789", longitude="105.3637"),
        ilmd=(
            {
                "chophien:producer": {
                    "code": "ho-sinh",
                    "name": "Hộ Thào Mí Sính",
                    "kind": "household",
                }
            }
            if step == "commissioning"
            else None
        ),
        extensions={"chophien:actor": {"name": name, "role": "producer"}},
        schema_version=2,
    )


def bundle_of(length: int, names_: list[str]) -> dict:
    """A version 2 bundle of a household's lot, every event anchored under one root."""
    items, prev = [], None
    for index in range(length):
        step = "commissioning" if index == 0 else "packing"
        obj, disclosures = commit_paths(
            event(step=step, prev=prev, name=names_[index % len(names_)], when=index), HOUSEHOLD
        )
        prev = event_digest(obj)
        items.append(
            {"event": obj, "digest": prev, "disclosures": [d.as_json() for d in disclosures]}
        )
    tree = merkle.build_tree(item["digest"] for item in items)
    for item in items:
        item["signature"] = None
        item["anchor"] = {
            "root": tree.root_hex,
            "proof": ["0x" + p.hex() for p in tree.proof(item["digest"])],
            "chainId": 31337,
            "contract": CONTRACT,
            "txHash": "0x" + "ab" * 32,
            "blockNumber": 7,
            "anchoredAt": "2026-11-04T00:00:00Z",
        }
    return {
        "version": 2,
        "lot": {
            "gtin": GTIN,
            "lot": LOT,
            "uri": f"https://chophien.vn/01/{GTIN}/10/{LOT}",
            "key": lot_key(URI),
        },
        "events": items,
        "head": None,
        "absences": [],
        "attestations": [],
    }


def verify(bundle: dict):
    root = bundle["events"][0]["anchor"]["root"]
    return verify_bundle(
        bundle,
        anchored_at=lambda _domain, r: 1_762_214_400 if r == root else 0,
        is_inspector=lambda *_: None,
    )


# --------------------------------------------------------------------------- properties


@given(salts, values)
def test_a_commitment_round_trips(salt, value):
    committed, [disclosure] = commit_paths(
        {"chophien:actor": {"name": value}},
        ["/chophien:actor/name"],
        salts={"/chophien:actor/name": salt},
    )
    commitment = committed["chophien:actor"]["name"]
    assert is_commitment(commitment)
    assert commitment[COMMITMENT_KEY] == commitment_of(salt, value)
    assert disclosure_problem(committed, disclosure.as_json()) is None
    assert with_disclosures(committed, [disclosure.as_json()]) == {
        "chophien:actor": {"name": value}
    }


@given(salts, values, values)
def test_any_other_value_fails(salt, value, other):
    committed, [disclosure] = commit_paths(
        {"chophien:actor": {"name": value}},
        ["/chophien:actor/name"],
        salts={"/chophien:actor/name": salt},
    )
    changed = {**disclosure.as_json(), "value": other}
    problem = disclosure_problem(committed, changed)
    assert (problem is None) == (other == value)


@given(salts, salts, values)
def test_any_other_salt_fails(salt, other, value):
    committed, [disclosure] = commit_paths(
        {"chophien:actor": {"name": value}},
        ["/chophien:actor/name"],
        salts={"/chophien:actor/name": salt},
    )
    changed = {**disclosure.as_json(), "salt": other}
    assert (disclosure_problem(committed, changed) is None) == (other == salt)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.lists(names, min_size=1, max_size=3), st.data())
def test_erasing_any_subset_of_disclosures_keeps_every_check_and_lists_them_withheld(
    length, names_, data
):
    bundle = bundle_of(length, names_)
    before = verify(bundle)
    assert before.status is Status.VERIFIED and all(e.withheld == [] for e in before.events)
    digests = [item["digest"] for item in bundle["events"]]

    every = [(i, d["path"]) for i, item in enumerate(bundle["events"]) for d in item["disclosures"]]
    erased = set(data.draw(st.lists(st.sampled_from(every), unique=True)))
    for index, item in enumerate(bundle["events"]):
        item["disclosures"] = [
            {"path": d["path"], "withheld": "erased", "erasedAt": "2026-12-06"}
            if (index, d["path"]) in erased
            else d
            for d in item["disclosures"]
        ]
    after = verify(bundle)
    assert after.problems == [] and after.status is Status.VERIFIED
    assert [e.digest for e in after.events] == digests
    for index, verdict in enumerate(after.events):
        assert verdict.problems == []
        assert sorted(verdict.withheld) == sorted(p for i, p in erased if i == index)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.data())
def test_a_disclosure_changed_in_a_bundle_makes_it_tampered(length, data):
    bundle = bundle_of(length, ["Phạm Thị Mai"])
    index = data.draw(st.integers(0, length - 1))
    item = bundle["events"][index]
    which = data.draw(st.integers(0, len(item["disclosures"]) - 1))
    disclosure = item["disclosures"][which]
    if data.draw(st.booleans()):
        disclosure["value"] = data.draw(values.filter(lambda v: v != disclosure["value"]))
    else:
        disclosure["salt"] = data.draw(salts.filter(lambda s: s != disclosure["salt"]))
    verdict = verify(bundle)
    assert verdict.status is Status.TAMPERED
    assert any("does not match its commitment" in p for p in verdict.events[index].problems)


def test_no_disclosure_at_all_is_withheld_not_tampered():
    bundle = bundle_of(2, ["Phạm Thị Mai"])
    for item in bundle["events"]:
        item.pop("disclosures")
    verdict = verify(bundle)
    assert verdict.status is Status.VERIFIED
    assert sorted(verdict.events[0].withheld) == sorted(HOUSEHOLD)


def test_a_disclosure_pointing_elsewhere_fails():
    bundle = bundle_of(1, ["Phạm Thị Mai"])
    disclosure = bundle["events"][0]["disclosures"][0]
    disclosure["path"] = "/chophien:actor/role"
    assert "not committed" in disclosure_problem(bundle["events"][0]["event"], disclosure)
    disclosure["path"] = "/chophien:nowhere"
    assert "names nothing" in disclosure_problem(bundle["events"][0]["event"], disclosure)
    assert verify(bundle).status is Status.TAMPERED


def test_salts_are_fresh_and_well_formed():
    drawn = {new_salt() for _ in range(200)}
    assert len(drawn) == 200
    assert all(len(s) == 34 and s.startswith("0x") for s in drawn)
    with pytest.raises(ValueError):
        commitment_of("0x" + "A" * 32, "x")  # uppercase hex is not a salt
    with pytest.raises(ValueError):
        commitment_of("0x" + "a" * 30, "x")


# --------------------------------------------------------------------------- schema 2 validation


def test_a_commitment_stands_only_where_the_table_allows():
    obj = event()
    validate_event(commit_paths(obj, HOUSEHOLD)[0])
    commitment = {COMMITMENT_KEY: "0x" + "1" * 64}
    for path in ("/chophien:actor/role", "/ilmd/chophien:origin", "/bizLocation/id", "/eventID"):
        bad = copy.deepcopy(obj)
        parent, _, last = path.rpartition("/")
        (pointer_get(bad, parent) if parent else bad)[last] = commitment
        with pytest.raises(
            ValueError, match="commitment is not allowed|must|unknown|URI|bizLocation"
        ):
            validate_event(bad)
    with pytest.raises(ValueError, match="is not a place for personal data"):
        commit_paths(obj, ["/chophien:actor/role"])
    assert {
        "/chophien:actor/name",
        "/chophien:actor/phone",
        "/ilmd/chophien:producer/name",
        "/bizLocation/chophien:geo",
    } == COMMITTABLE_PATHS


def test_a_commitment_is_exactly_one_member_of_32_bytes():
    obj, _ = commit_paths(event(), ["/chophien:actor/name"])
    for broken in (
        {COMMITMENT_KEY: "0x" + "1" * 63},
        {COMMITMENT_KEY: "0x" + "A" * 64},
        {COMMITMENT_KEY: "0x" + "1" * 64, "hint": "Mai"},
    ):
        bad = copy.deepcopy(obj)
        bad["chophien:actor"]["name"] = broken
        with pytest.raises(ValueError, match="a commitment is"):
            validate_event(bad)


def test_schema_2_puts_coordinates_in_chophien_geo_only():
    obj = event()
    assert obj["bizLocation"] == {
        "id": "urn:chophien:ward:783",
        "chophien:geo": {"latitude": "23.2789", "longitude": "105.3637"},
    }
    for bad_location in (
        {"id": "urn:chophien:ward:783", "latitude": "23.2789", "longitude": "105.3637"},
        {"id": "urn:chophien:ward:783", "chophien:geo": {"latitude": "23.2789"}},
        {"id": "urn:chophien:ward:783", "chophien:geo": {"latitude": "91", "longitude": "0"}},
        {
            "id": "urn:chophien:ward:783",
            "chophien:geo": {"latitude": "1", "longitude": "2", "alt": "3"},
        },
        {"id": "urn:chophien:ward:783", "chophien:geo": ["1", "2"]},
    ):
        bad = copy.deepcopy(obj)
        bad["bizLocation"] = bad_location
        with pytest.raises(ValueError):
            validate_event(bad)
    # A schema-1 event keeps its coordinates where they always were, and knows no chophien:geo.
    v1 = copy.deepcopy(obj)
    v1["schemaVersion"] = 1
    with pytest.raises(ValueError, match="unknown member"):
        validate_event(v1)
    v1["bizLocation"] = {
        "id": "urn:chophien:ward:783",
        "latitude": "23.2789",
        "longitude": "105.3637",
    }
    validate_event(v1)


def test_commitment_paths_finds_every_commitment_in_document_order():
    obj, disclosures = commit_paths(event(), HOUSEHOLD)
    assert sorted(commitment_paths(obj)) == sorted(HOUSEHOLD)
    assert sorted(d.path for d in disclosures) == sorted(HOUSEHOLD)
    # a path that names nothing in this event is skipped, not invented
    obj2, made = commit_paths(event(step="packing", prev="0x" + "1" * 64), HOUSEHOLD)
    assert [d.path for d in made] == ["/chophien:actor/name", "/bizLocation/chophien:geo"]
    assert "ilmd" not in obj2
