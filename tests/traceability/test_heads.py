"""Heads, the lot filter and the completeness check (check 7), pure: the vectors published in
``PROOF_FORMAT.md`` and hypothesis properties over simulated anchoring histories."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from traceability import merkle
from traceability.canonical import keccak256
from traceability.completeness import (
    HEAD_MISMATCH,
    STOPS_EARLY,
    Completeness,
    HeadsLog,
    completeness_check,
)
from traceability.heads import (
    Head,
    _positions,
    build_heads_tree,
    filter_contains,
    filter_size,
    head_leaf,
    lot_key,
    lots_filter,
)
from traceability.merkle import build_tree
from traceability.proofs import gs1_lot_uri

DOC = Path(__file__).resolve().parents[2] / "traceability" / "PROOF_FORMAT.md"
CHAIN, CONTRACT = 31337, "0x" + "c0" * 20


def doc_vectors() -> dict:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("#### Test vectors: heads and lot filter") :]
    return json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))


# --------------------------------------------------------------------------- vectors


def test_the_published_vectors_hold():
    vectors = doc_vectors()
    heads = []
    for index, item in enumerate(vectors["heads"]):
        assert lot_key(item["uri"]) == item["key"]
        assert item["digest"] == "0x" + keccak256(f"event {index}".encode()).hex()
        assert _positions(item["key"], 64) == item["positions"]
        leaf = head_leaf(item["key"], item["digest"], item["count"])
        assert "0x" + leaf.hex() == item["leaf"]
        assert merkle.verify(root=vectors["headsRoot"], leaf=leaf, proof=item["proof"])
        heads.append(Head(key=item["key"], digest=item["digest"], count=item["count"]))
    tree = build_heads_tree(heads)
    assert tree.root_hex == vectors["headsRoot"]
    for head, item in zip(heads, vectors["heads"], strict=True):
        proof = tree.leaf_proof(head_leaf(head.key, head.digest, head.count))
        assert ["0x" + p.hex() for p in proof] == item["proof"]
    lots = lots_filter([h.key for h in heads])
    assert "0x" + lots.hex() == vectors["lots"]
    assert all(filter_contains(lots, h.key) for h in heads)
    assert not filter_contains(lots, lot_key(vectors["absent"]))


def test_the_vectors_name_lots_as_events_do():
    uris = [item["uri"] for item in doc_vectors()["heads"]]
    assert uris[2] == gs1_lot_uri("08930000000019", "CHE-TÂN-7")


def test_filter_sizes_are_those_of_the_spec():
    assert filter_size(0) == filter_size(1) == 8
    assert filter_size(1000) == 1250
    assert filter_size(6553) == 8192
    with pytest.raises(ValueError):
        lots_filter(["0x" + "00" * 31 + f"{i % 256:02x}" for i in range(6554)])


def test_a_count_must_be_positive():
    with pytest.raises(ValueError):
        head_leaf("0x" + "11" * 32, "0x" + "22" * 32, 0)


# --------------------------------------------------------------------------- properties

keys = st.binary(min_size=32, max_size=32).map(lambda b: "0x" + b.hex())


@given(st.lists(keys, min_size=0, max_size=300, unique=True), keys)
@settings(max_examples=200, deadline=None)
def test_the_filter_never_says_no_to_a_member(members, other):
    lots = lots_filter(members)
    assert all(filter_contains(lots, key) for key in members)
    assert len(lots) == filter_size(len(members))
    if not members:
        assert not filter_contains(lots, other)


def digest_of(lot: int, position: int) -> str:
    return "0x" + keccak256(f"lot {lot} event {position}".encode()).hex()


def simulate(cuts: list[int], others: int, length: int):
    """A lot of ``length`` events anchored in batches ending at each of ``cuts`` (positions,
    increasing), each batch also holding ``others`` other lots; returns the key, digests,
    anchors, logs and, for each batch, its head claim."""
    key = lot_key(gs1_lot_uri("02000000000018", "MO-HYPO"))
    digests = [digest_of(0, i) for i in range(1, length + 1)]
    anchors: list[dict | None] = [None] * length
    logs, claims = [], []
    start = 0
    for number, cut in enumerate(cuts, start=1):
        mine = digests[start:cut]
        filler = [digest_of(number * 100 + j, 1) for j in range(others)]
        tree = build_tree(mine + filler)
        heads = [Head(key=key, digest=digests[cut - 1], count=cut)]
        heads += [
            Head(
                key=lot_key(f"https://id.gs1.org/01/02000000000018/10/O{number}-{j}"),
                digest=d,
                count=1,
            )
            for j, d in enumerate(filler)
        ]
        heads_tree = build_heads_tree(heads)
        root = tree.root_hex
        log = HeadsLog(
            chain_id=CHAIN,
            contract=CONTRACT,
            root=root,
            heads_root=heads_tree.root_hex,
            lots=lots_filter([h.key for h in heads]),
            block_number=10 * number,
            log_index=1,
        )
        logs.append(log)
        for index in range(start, cut):
            anchors[index] = {
                "root": root,
                "proof": ["0x" + p.hex() for p in tree.proof(digests[index])],
                "chainId": CHAIN,
                "contract": CONTRACT,
            }
        claims.append(
            {
                "root": root,
                "headsRoot": heads_tree.root_hex,
                "digest": digests[cut - 1],
                "count": cut,
                "proof": [
                    "0x" + p.hex() for p in heads_tree.leaf_proof(head_leaf(*heads[0].as_json()))
                ],
                "chainId": CHAIN,
                "contract": CONTRACT,
            }
        )
        start = cut
    return key, digests, anchors, logs, claims


@st.composite
def histories(draw):
    length = draw(st.integers(min_value=1, max_value=12))
    anchored = draw(st.integers(min_value=1, max_value=length))
    inner = (
        draw(st.sets(st.integers(min_value=1, max_value=anchored - 1), max_size=4))
        if anchored > 1
        else set()
    )
    cuts = sorted(inner | {anchored})
    others = draw(st.integers(min_value=0, max_value=5))
    return simulate(cuts, others, length), cuts


@given(histories())
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_complete_history_passes(history):
    (key, digests, anchors, logs, claims), _cuts = history
    outcome, problems = completeness_check(
        key=key, digests=digests, anchors=anchors, head=claims[-1], absences=[], logs=logs
    )
    assert (outcome, problems) == (Completeness.COMPLETE, [])


@given(histories(), st.data())
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_truncating_any_anchored_suffix_fails(history, data):
    """Drop events from the end so that at least one anchored event goes; whatever head the
    server then shows (the real one, an older real one, or none), the check fails."""
    (key, digests, anchors, logs, claims), cuts = history
    keep = data.draw(st.integers(min_value=0, max_value=cuts[-1] - 1), label="events kept")
    older = [claim for claim in claims if claim["count"] <= keep]
    head = data.draw(st.sampled_from([claims[-1], None, *older]), label="head shown")
    outcome, problems = completeness_check(
        key=key,
        digests=digests[:keep],
        anchors=anchors[:keep],
        head=head,
        absences=[],
        logs=logs,
    )
    assert outcome is Completeness.INCOMPLETE
    assert STOPS_EARLY in problems or HEAD_MISMATCH in problems


@given(histories())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_history_the_chain_cannot_tell_about_is_unchecked_not_complete(history):
    (key, digests, anchors, _logs, claims), _cuts = history
    outcome, _ = completeness_check(
        key=key, digests=digests, anchors=anchors, head=claims[-1], absences=[], logs=None
    )
    assert outcome is Completeness.UNCHECKED


def test_a_lot_anchored_only_under_version_1_is_not_provable():
    key, digests, anchors, _logs, _claims = simulate([2], 1, 2)
    outcome, problems = completeness_check(
        key=key, digests=digests, anchors=anchors, head=None, absences=[], logs=[]
    )
    assert (outcome, problems) == (Completeness.NOT_PROVABLE, [])


def test_a_head_swapped_for_another_lots_fails():
    key, digests, anchors, logs, claims = simulate([3], 2, 3)
    forged = dict(claims[-1], digest=digests[1], count=2)
    outcome, problems = completeness_check(
        key=key, digests=digests, anchors=anchors, head=forged, absences=[], logs=logs
    )
    assert outcome is Completeness.INCOMPLETE
    assert "the head's proof does not lead to the anchored heads root" in problems


# --------------------------------------------------------------------------- absences


def false_match(key: str, *, lots: int = 6) -> list[Head]:
    """The heads of a batch of other lots whose filter matches ``key`` by chance."""
    for attempt in range(100_000):
        heads = [
            Head(
                key=lot_key(f"https://id.gs1.org/01/02000000000018/10/F{attempt}-{j}"),
                digest=digest_of(attempt, j + 1),
                count=1,
            )
            for j in range(lots)
        ]
        if filter_contains(lots_filter([h.key for h in heads]), key):
            return heads
    raise AssertionError("no false match found")


def test_a_false_match_of_the_filter_needs_an_absence():
    key, digests, anchors, logs, claims = simulate([2], 1, 2)
    others = false_match(key)
    tree = build_heads_tree(others)
    stranger = HeadsLog(
        chain_id=CHAIN,
        contract=CONTRACT,
        root="0x" + "ee" * 32,
        heads_root=tree.root_hex,
        lots=lots_filter([h.key for h in others]),
        block_number=99,
        log_index=0,
    )
    logs = [*logs, stranger]

    def check(absences):
        return completeness_check(
            key=key, digests=digests, anchors=anchors, head=claims[-1], absences=absences, logs=logs
        )

    absence = {
        "chainId": CHAIN,
        "contract": CONTRACT,
        "root": stranger.root,
        "headsRoot": stranger.heads_root,
        "heads": [h.as_json() for h in others],
    }
    assert check([]) == (Completeness.INCOMPLETE, [STOPS_EARLY])
    assert check([absence]) == (Completeness.COMPLETE, [])
    # an absence must list every head of the batch, and none of them the lot's
    assert check([dict(absence, heads=absence["heads"][1:])])[0] is Completeness.INCOMPLETE
    with_lot = [*absence["heads"][1:], [key, digests[-1], 2]]
    assert check([dict(absence, heads=with_lot)])[0] is Completeness.INCOMPLETE
