"""Merkle trees over event digests, compatible with OpenZeppelin's ``StandardMerkleTree``.

The tree is the one ``StandardMerkleTree.of([[digest], …], ["bytes32"])`` from
``@openzeppelin/merkle-tree`` builds, so its root and proofs can be checked with OpenZeppelin's
``MerkleProof`` and with ``AnchorRegistry.verify`` on chain:

* ``leaf = keccak256(keccak256(abi.encode(bytes32 digest)))``; ``abi.encode`` of one
  ``bytes32`` is those 32 bytes, so the leaf is keccak256 applied twice to the digest.
* ``parent = keccak256(a ‖ b)`` with the two children in ascending byte order, so a proof is
  just the list of siblings from the leaf up, without left/right flags.
* Leaves are sorted ascending and laid out, as in OpenZeppelin's ``makeMerkleTree``, in an
  array of ``2n - 1`` nodes: the root at index 0, the children of node ``i`` at ``2i + 1`` and
  ``2i + 2``, and the sorted leaves at the end of the array in reverse order.

Everything is bytes; hex strings (``0x…``) are accepted where a digest or hash goes in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from traceability.canonical import digest_to_bytes, keccak256

__all__ = [
    "MerkleTree",
    "build_tree",
    "build_tree_of_leaves",
    "leaf_hash",
    "node_hash",
    "process_proof",
    "verify",
]


def leaf_hash(digest: bytes | str) -> bytes:
    """Return the leaf of an event digest: keccak256(keccak256(digest))."""
    return keccak256(keccak256(digest_to_bytes(digest)))


def node_hash(a: bytes, b: bytes) -> bytes:
    """Return the parent of two nodes: keccak256 of both, the smaller first."""
    return keccak256(a + b if a < b else b + a)


@dataclass(frozen=True)
class MerkleTree:
    """A built tree: ``nodes`` in OpenZeppelin's array layout (``nodes[0]`` is the root)."""

    nodes: tuple[bytes, ...]
    _positions: dict[bytes, int] = field(repr=False, compare=False)

    @property
    def root(self) -> bytes:
        return self.nodes[0]

    @property
    def root_hex(self) -> str:
        return "0x" + self.nodes[0].hex()

    def __len__(self) -> int:
        """The number of leaves."""
        return (len(self.nodes) + 1) // 2

    def __contains__(self, digest: object) -> bool:
        if not isinstance(digest, bytes | str):
            return False
        return leaf_hash(digest) in self._positions

    def proof(self, digest: bytes | str) -> list[bytes]:
        """Return the sibling hashes from the leaf of ``digest`` up to the root.

        Raises ``KeyError`` when ``digest`` is not in the tree.
        """
        try:
            return self.leaf_proof(leaf_hash(digest))
        except KeyError:
            raise KeyError(f"digest {_hex(digest)} is not in the tree") from None

    def leaf_proof(self, leaf: bytes) -> list[bytes]:
        """Return the sibling hashes from ``leaf`` (a leaf hash) up to the root."""
        index = self._positions[leaf]
        nodes = self.nodes
        proof = []
        while index > 0:
            proof.append(nodes[index + 1] if index % 2 else nodes[index - 1])
            index = (index - 1) // 2
        return proof


def build_tree(digests: Iterable[bytes | str]) -> MerkleTree:
    """Build the tree of the given event digests (order does not matter; duplicates are kept).

    Raises ``ValueError`` for an empty input or a value that is not a 32-byte digest.
    """
    return build_tree_of_leaves(leaf_hash(d) for d in digests)


def build_tree_of_leaves(hashes: Iterable[bytes]) -> MerkleTree:
    """Build the tree of leaf hashes already computed (for another leaf encoding than
    ``["bytes32"]``, e.g. the heads of ``traceability.heads``)."""
    leaves = sorted(hashes)
    if not leaves:
        raise ValueError("a Merkle tree needs at least one leaf")
    count = len(leaves)
    size = 2 * count - 1
    nodes: list[bytes] = [b""] * (count - 1)
    nodes.extend(reversed(leaves))
    for i in range(count - 2, -1, -1):
        a = nodes[2 * i + 1]
        b = nodes[2 * i + 2]
        nodes[i] = keccak256(a + b if a < b else b + a)
    positions = {leaf: size - 1 - i for i, leaf in enumerate(leaves)}
    return MerkleTree(nodes=tuple(nodes), _positions=positions)


def process_proof(leaf: bytes | str, proof: Sequence[bytes | str]) -> bytes:
    """Return the root that ``proof`` leads to from ``leaf`` (a leaf hash, not a digest)."""
    computed = digest_to_bytes(leaf)
    for sibling in proof:
        computed = node_hash(computed, digest_to_bytes(sibling))
    return computed


def verify(*, root: bytes | str, leaf: bytes | str, proof: Sequence[bytes | str]) -> bool:
    """Tell whether ``proof`` proves ``leaf`` (a leaf hash, see ``leaf_hash``) under ``root``."""
    try:
        return process_proof(leaf, proof) == digest_to_bytes(root)
    except ValueError:
        return False


def _hex(value: bytes | str) -> str:
    return "0x" + value.hex() if isinstance(value, bytes) else value
