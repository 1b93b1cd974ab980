"""Lot heads: what each anchoring batch says about the length of every lot it touches.

Pure: no Django, no network. See ``PROOF_FORMAT.md`` ("Heads"). For every lot with an event in
a batch, the batch commits ``(lotKey, digest, count)``: the lot's key, the digest of its latest
event in the batch and that event's position in the lot's chain. The heads form a second
OpenZeppelin ``StandardMerkleTree`` (leaf encoding ``["bytes32", "bytes32", "uint256"]``), and
the batch's *lot filter* (a Bloom filter of its lot keys) lets a verifier find, from the chain's
logs alone, every batch that may hold a lot's head.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from traceability.canonical import digest_to_bytes, keccak256
from traceability.merkle import MerkleTree, build_tree_of_leaves

__all__ = [
    "FILTER_HASHES",
    "Head",
    "build_heads_tree",
    "filter_contains",
    "head_leaf",
    "lot_key",
    "lots_filter",
]

FILTER_HASHES: Final = 7
FILTER_BITS_PER_LOT: Final = 10
FILTER_MIN_BYTES: Final = 8
FILTER_MAX_BYTES: Final = 8192
"""The contract accepts at most this many filter bytes (``Bytes[8192]``): 6,553 lots a batch."""
MAX_LOTS_PER_BATCH: Final = FILTER_MAX_BYTES * 8 // FILTER_BITS_PER_LOT


@dataclass(frozen=True, slots=True)
class Head:
    key: str
    """``0x`` + hex of the lot key."""
    digest: str
    """The digest of the lot's latest event in the batch."""
    count: int
    """That event's position in the lot's chain, 1 for the first."""

    def as_json(self) -> list:
        return [self.key, self.digest, self.count]


def lot_key(epc_class: str) -> str:
    """``0x`` + keccak256 of the lot's URI (``https://id.gs1.org/01/…/10/…``) in UTF-8."""
    return "0x" + keccak256(epc_class.encode("utf-8")).hex()


def head_leaf(key: str | bytes, digest: str | bytes, count: int) -> bytes:
    """keccak256(keccak256(abi.encode(bytes32 key, bytes32 digest, uint256 count)))."""
    if isinstance(count, bool) or not isinstance(count, int) or not 0 < count < 2**256:
        raise ValueError("a head's count is a positive integer")
    encoded = digest_to_bytes(key) + digest_to_bytes(digest) + count.to_bytes(32, "big")
    return keccak256(keccak256(encoded))


def build_heads_tree(heads: Iterable[Head]) -> MerkleTree:
    """The heads tree of a batch (one head per lot)."""
    return build_tree_of_leaves(head_leaf(h.key, h.digest, h.count) for h in heads)


def _positions(key: str | bytes, bits: int) -> list[int]:
    h = keccak256(digest_to_bytes(key))
    return [int.from_bytes(h[4 * i : 4 * i + 4], "big") % bits for i in range(FILTER_HASHES)]


def filter_size(lots: int) -> int:
    """The filter's length in bytes for ``lots`` lots."""
    return max(FILTER_MIN_BYTES, math.ceil(FILTER_BITS_PER_LOT * lots / 8))


def lots_filter(keys: Sequence[str | bytes]) -> bytes:
    """The Bloom filter of a batch's lot keys."""
    size = filter_size(len(keys))
    if size > FILTER_MAX_BYTES:
        raise ValueError(f"at most {MAX_LOTS_PER_BATCH} lots in one batch")
    bits = bytearray(size)
    for key in keys:
        for p in _positions(key, 8 * size):
            bits[p >> 3] |= 1 << (p & 7)
    return bytes(bits)


def filter_contains(lots: bytes, key: str | bytes) -> bool:
    """Whether ``key`` may be in the batch whose filter is ``lots`` (never a false "no")."""
    if not lots:
        return False
    return all(lots[p >> 3] & (1 << (p & 7)) for p in _positions(key, 8 * len(lots)))
