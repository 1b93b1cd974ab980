"""The completeness check of a version-2 bundle (``PROOF_FORMAT.md``, check 7), pure.

The chain facts come in as :class:`HeadsLog` values (the registry's ``HeadsAnchored`` logs):
the standalone verifier reads them with ``eth_getLogs``, the site through its cache, the
buyer's browser from a public node. Nothing here talks to a network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from traceability import merkle
from traceability.heads import Head, build_heads_tree, filter_contains, head_leaf

__all__ = ["Completeness", "HeadsLog", "completeness_check"]

STOPS_EARLY = "this history stops before its last anchored event"
HEAD_MISMATCH = "the head does not match the history"


class Completeness(StrEnum):
    COMPLETE = "complete"
    """The history holds every event up to the lot's latest anchored head."""
    NOT_PROVABLE = "not_provable"
    """No anchored head: the lot was anchored only by a version 1 registry, or not yet."""
    UNCHECKED = "unchecked"
    """The chain could not be asked."""
    INCOMPLETE = "incomplete"
    """Something does not hold (the problems say what)."""


@dataclass(frozen=True, slots=True)
class HeadsLog:
    """One ``HeadsAnchored`` log of a registry."""

    chain_id: int
    contract: str
    root: str
    heads_root: str
    lots: bytes
    block_number: int
    log_index: int

    @property
    def position(self) -> tuple[int, int]:
        return (self.block_number, self.log_index)


def _same(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.lower() == b.lower()


def _absence_holds(absence: Any, key: str, log: HeadsLog) -> bool:
    """Whether ``absence`` lists every head of ``log``'s batch, none of them ``key``'s."""
    if not isinstance(absence, Mapping) or not _same(absence.get("headsRoot"), log.heads_root):
        return False
    try:
        heads = [Head(key=str(h[0]), digest=str(h[1]), count=h[2]) for h in absence["heads"]]
        tree = build_heads_tree(heads)
    except (KeyError, TypeError, ValueError, IndexError):
        return False
    return tree.root_hex == log.heads_root.lower() and all(not _same(h.key, key) for h in heads)


def completeness_check(
    *,
    key: str,
    digests: Sequence[str],
    anchors: Sequence[Mapping[str, Any] | None],
    head: Mapping[str, Any] | None,
    absences: Sequence[Any],
    logs: Sequence[HeadsLog] | None,
) -> tuple[Completeness, list[str]]:
    """Check that a lot's history (``digests``, with each event's ``anchor`` or ``None``) holds
    every event up to the latest head the chain's ``logs`` record for ``key``.

    ``logs`` are the ``HeadsAnchored`` logs of every registry the bundle names (``None``: the
    chain could not tell). Returns the outcome and, when incomplete, why in words.
    """
    if logs is None:
        return Completeness.UNCHECKED, []
    problems: list[str] = []
    ordered = sorted(logs, key=lambda log: (log.chain_id, log.position))
    by_root = {log.root.lower(): log for log in ordered}
    head_log = None
    count = 0
    if head is not None:
        try:
            count = head["count"]
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                raise ValueError
            head_log = next(
                log
                for log in ordered
                if _same(log.root, head["root"])
                and _same(log.heads_root, head["headsRoot"])
                and log.chain_id == head["chainId"]
                and _same(log.contract, head["contract"])
            )
            leaf = head_leaf(key, head["digest"], count)
            if not merkle.verify(root=head["headsRoot"], leaf=leaf, proof=head["proof"]):
                problems.append("the head's proof does not lead to the anchored heads root")
        except StopIteration:
            problems.append("the chain has no record of this head")
        except (KeyError, TypeError, ValueError):
            problems.append("the head is malformed")
        if not problems:
            if count > len(digests):
                problems.append(STOPS_EARLY)
            elif not _same(digests[count - 1], head.get("digest")):
                problems.append(HEAD_MISMATCH)
            if head_log is not None and not filter_contains(head_log.lots, key):
                problems.append("the batch's lot filter leaves this lot out")
    for log in ordered:
        if not filter_contains(log.lots, key):
            continue
        later = head_log is None or log.chain_id != head_log.chain_id
        later = later or log.position > head_log.position
        if later and not any(_absence_holds(a, key, log) for a in absences):
            problems.append(STOPS_EARLY)
            break
    for index, anchor in enumerate(anchors):
        root = anchor.get("root") if isinstance(anchor, Mapping) else None
        log = by_root.get(root.lower()) if isinstance(root, str) else None
        if log is None:
            continue
        if not filter_contains(log.lots, key):
            problems.append("the batch's lot filter leaves this lot out")
        if index >= count:
            problems.append(HEAD_MISMATCH if head is not None else STOPS_EARLY)
    problems = list(dict.fromkeys(problems))
    if problems:
        return Completeness.INCOMPLETE, problems
    if head is None:
        return Completeness.NOT_PROVABLE, []
    return Completeness.COMPLETE, []
