"""Merkle trees: OpenZeppelin known vectors and properties of proofs."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from traceability.canonical import keccak256
from traceability.merkle import build_tree, leaf_hash, node_hash, process_proof, verify

# Known vectors produced by @openzeppelin/merkle-tree 1.x (1.0.8)
# StandardMerkleTree.of(values, ['bytes32']) with values = DIGESTS[:n].map(d => [d]);
# proofs from tree.getProof([d]). DIGESTS[i] = keccak256("cho-phien/merkle-vector/<i + 1>").
DIGESTS = [
    "0xfaad85bcbd602679fcbb4736577aea0504c808c2136c24540c6cdf423310aea0",
    "0x8c164039b22e9ad2c5126792e74e8ef0695cc9e52b22b574e368a3f8ca787e3b",
    "0xc86f6458918490d33792d7085a42718fb1871bdd0b00a45088b689dc390ac386",
    "0x232788bdd2a4392d4e492432fcecc18f7e8a162dfadfb06c9dfa4f16151ae1fa",
    "0x0155308d43b61d7ac35d327d87bb938d702434323fee5cbb3da392055b1eb1d8",
    "0x1c82d2804dd79429a13e8a636c6260800d2c63807d391d2ab9953d1f34f112b4",
    "0xe5c1e03020c44d23d0885a502c4e9d90912750dd7b0a07461423a15150dae368",
    "0x2a42f82d76f465fac5a03548fee8cf454def86dad610ad06f909207ed512ee95",
]

# number of leaves -> (root, [proof of DIGESTS[i] for i in range(n)])
OZ_VECTORS: dict[int, tuple[str, list[list[str]]]] = {
    1: (
        "0x6b673f8daffb84ff940b0d683b2041c712a00514a0ed2ff66468d4ab543859fd",
        [
            [],
        ],
    ),
    2: (
        "0x59c46e1d6dbe5f29f5ca153c7c8b2499a343cf03d7c931755ef0bfd40cf69007",
        [
            [
                "0xab24ebdd45ecde4eaa74a3fce75a4a387daa5b8bb87f60908a68d1baffe00597",
            ],
            [
                "0x6b673f8daffb84ff940b0d683b2041c712a00514a0ed2ff66468d4ab543859fd",
            ],
        ],
    ),
    3: (
        "0xfe097ccab933b96343a505aa4470d11df4729110153c34b867ee2b23ae6a4a86",
        [
            [
                "0xab24ebdd45ecde4eaa74a3fce75a4a387daa5b8bb87f60908a68d1baffe00597",
                "0xd1d9735ed02bfac658b74a79cb39bfd0eda6c93dbe320e924e9855d51d85d8e3",
            ],
            [
                "0x6b673f8daffb84ff940b0d683b2041c712a00514a0ed2ff66468d4ab543859fd",
                "0xd1d9735ed02bfac658b74a79cb39bfd0eda6c93dbe320e924e9855d51d85d8e3",
            ],
            [
                "0x59c46e1d6dbe5f29f5ca153c7c8b2499a343cf03d7c931755ef0bfd40cf69007",
            ],
        ],
    ),
    5: (
        "0xecccfa21d7f0f34dc24711573248c73293ed00477deab53fa410b7007b95f63c",
        [
            [
                "0x68660afa811c12119d5ef3a3a32a58c8d4767eaab7dc88579824a6acb9493ced",
                "0xd1d9735ed02bfac658b74a79cb39bfd0eda6c93dbe320e924e9855d51d85d8e3",
                "0x6a9e0bc584aa47ed13e8cf94529b9b72d123ae86e7554d1a269507df7ca9b54b",
            ],
            [
                "0xa7055e80d3f711d7e9be32dc7ebfd80cdf118557dc1d9b231e5072e396058303",
                "0xb14b429378b2e2930b0448b43768ddff0c173e3e5f097077c1ef31011ab266c3",
            ],
            [
                "0xf8c2e04456233d26222e00c34422ba471f5af02000eba2127c9828c47d7e0a8b",
                "0x6a9e0bc584aa47ed13e8cf94529b9b72d123ae86e7554d1a269507df7ca9b54b",
            ],
            [
                "0x6b673f8daffb84ff940b0d683b2041c712a00514a0ed2ff66468d4ab543859fd",
                "0xd1d9735ed02bfac658b74a79cb39bfd0eda6c93dbe320e924e9855d51d85d8e3",
                "0x6a9e0bc584aa47ed13e8cf94529b9b72d123ae86e7554d1a269507df7ca9b54b",
            ],
            [
                "0xab24ebdd45ecde4eaa74a3fce75a4a387daa5b8bb87f60908a68d1baffe00597",
                "0xb14b429378b2e2930b0448b43768ddff0c173e3e5f097077c1ef31011ab266c3",
            ],
        ],
    ),
    8: (
        "0xe22d9537e3aeac6fe815a66145c95a76c61ee04e634dfd5ce57294ae6fa890f2",
        [
            [
                "0x68660afa811c12119d5ef3a3a32a58c8d4767eaab7dc88579824a6acb9493ced",
                "0x07a4573d153143c88d5ee7eca3ba48f4fc5afb838eebeffe436405bb221c690f",
                "0xa0e37937c09ef62902eeb970290d09ff06f9d828ff96d5d6f7c5f70ca7bd9545",
            ],
            [
                "0xa7055e80d3f711d7e9be32dc7ebfd80cdf118557dc1d9b231e5072e396058303",
                "0x6541b93b4b32ffc1a93e353f8370e92efa139bb1df94bc9550afec0d247bbc38",
                "0xefb8e6b778472313e2be3f9c04d2a54f8f3903f942d952d97fd94b2cd59b835c",
            ],
            [
                "0xba25e23fc37b0af0c15863e3294b612811a9e421404c77b2287b41a2861062a4",
                "0x6a9e0bc584aa47ed13e8cf94529b9b72d123ae86e7554d1a269507df7ca9b54b",
                "0xefb8e6b778472313e2be3f9c04d2a54f8f3903f942d952d97fd94b2cd59b835c",
            ],
            [
                "0x6b673f8daffb84ff940b0d683b2041c712a00514a0ed2ff66468d4ab543859fd",
                "0x07a4573d153143c88d5ee7eca3ba48f4fc5afb838eebeffe436405bb221c690f",
                "0xa0e37937c09ef62902eeb970290d09ff06f9d828ff96d5d6f7c5f70ca7bd9545",
            ],
            [
                "0xab24ebdd45ecde4eaa74a3fce75a4a387daa5b8bb87f60908a68d1baffe00597",
                "0x6541b93b4b32ffc1a93e353f8370e92efa139bb1df94bc9550afec0d247bbc38",
                "0xefb8e6b778472313e2be3f9c04d2a54f8f3903f942d952d97fd94b2cd59b835c",
            ],
            [
                "0x957ad9a2a70bd879f51b852a21d97929687391b3bb411e5494ed6a060de4a0fc",
                "0xf8c2e04456233d26222e00c34422ba471f5af02000eba2127c9828c47d7e0a8b",
                "0xa0e37937c09ef62902eeb970290d09ff06f9d828ff96d5d6f7c5f70ca7bd9545",
            ],
            [
                "0x9391f8b6a0fa0e77a070d4617b9c4fe729c02d2d009196c61af96fb1553dd473",
                "0xf8c2e04456233d26222e00c34422ba471f5af02000eba2127c9828c47d7e0a8b",
                "0xa0e37937c09ef62902eeb970290d09ff06f9d828ff96d5d6f7c5f70ca7bd9545",
            ],
            [
                "0xd1d9735ed02bfac658b74a79cb39bfd0eda6c93dbe320e924e9855d51d85d8e3",
                "0x6a9e0bc584aa47ed13e8cf94529b9b72d123ae86e7554d1a269507df7ca9b54b",
                "0xefb8e6b778472313e2be3f9c04d2a54f8f3903f942d952d97fd94b2cd59b835c",
            ],
        ],
    ),
}

digests32 = st.binary(min_size=32, max_size=32)


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def _flip(value: bytes, position: int, bit: int) -> bytes:
    index = position % len(value)
    return value[:index] + bytes([value[index] ^ (1 << bit)]) + value[index + 1 :]


def test_vector_digests_are_what_the_comment_says() -> None:
    for i, digest in enumerate(DIGESTS, start=1):
        assert _hex(keccak256(f"cho-phien/merkle-vector/{i}".encode())) == digest


@pytest.mark.parametrize("count", sorted(OZ_VECTORS))
def test_root_and_proofs_match_openzeppelin(count: int) -> None:
    root, proofs = OZ_VECTORS[count]
    tree = build_tree(DIGESTS[:count])
    assert tree.root_hex == root
    assert len(tree) == count
    for digest, expected in zip(DIGESTS[:count], proofs, strict=True):
        assert [_hex(node) for node in tree.proof(digest)] == expected
        assert verify(root=root, leaf=leaf_hash(digest), proof=expected)
        assert _hex(process_proof(leaf_hash(digest), expected)) == root


@pytest.mark.parametrize("count", sorted(OZ_VECTORS))
def test_input_order_does_not_matter(count: int) -> None:
    digests = DIGESTS[:count]
    shuffled = random.Random(count).sample(digests, k=count)
    assert build_tree(shuffled).root == build_tree(digests).root


def test_leaf_is_double_keccak_of_the_digest() -> None:
    digest = bytes.fromhex(DIGESTS[0][2:])
    assert leaf_hash(digest) == keccak256(keccak256(digest))
    assert leaf_hash(DIGESTS[0]) == leaf_hash(digest)


def test_single_leaf_tree_is_its_leaf_with_an_empty_proof() -> None:
    tree = build_tree([DIGESTS[3]])
    assert tree.root == leaf_hash(DIGESTS[3])
    assert tree.proof(DIGESTS[3]) == []


def test_node_hash_sorts_its_children() -> None:
    a, b = b"\x01" * 32, b"\x02" * 32
    assert node_hash(a, b) == node_hash(b, a) == keccak256(a + b)


def test_empty_input_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        build_tree([])


@pytest.mark.parametrize("bad", [b"\x00" * 31, b"\x00" * 33, "0x1234", "12" * 32, "0x" + "zz" * 32])
def test_malformed_digests_are_refused(bad: bytes | str) -> None:
    with pytest.raises(ValueError):
        build_tree([bad])


def test_proof_of_an_absent_digest_raises_key_error() -> None:
    tree = build_tree(DIGESTS[:5])
    assert DIGESTS[5] not in tree
    assert DIGESTS[4] in tree
    with pytest.raises(KeyError):
        tree.proof(DIGESTS[5])


def test_duplicates_are_kept_and_provable() -> None:
    tree = build_tree([DIGESTS[0], DIGESTS[1], DIGESTS[0]])
    assert len(tree) == 3
    assert verify(root=tree.root, leaf=leaf_hash(DIGESTS[0]), proof=tree.proof(DIGESTS[0]))


def test_verify_is_false_for_malformed_input() -> None:
    tree = build_tree(DIGESTS[:3])
    leaf = leaf_hash(DIGESTS[0])
    assert not verify(root=tree.root, leaf=leaf, proof=[b"\x00" * 5])
    assert not verify(root="0x00", leaf=leaf, proof=tree.proof(DIGESTS[0]))


@given(st.lists(digests32, min_size=1, max_size=80))
def test_every_proof_verifies(digests: list[bytes]) -> None:
    tree = build_tree(digests)
    depth_bound = (2 * len(digests) - 1).bit_length() - 1
    for digest in digests:
        proof = tree.proof(digest)
        assert len(proof) <= depth_bound
        assert verify(root=tree.root, leaf=leaf_hash(digest), proof=proof)


@given(
    st.lists(digests32, min_size=1, max_size=40, unique=True),
    st.data(),
)
def test_any_flipped_byte_fails(digests: list[bytes], data: st.DataObject) -> None:
    tree = build_tree(digests)
    digest = data.draw(st.sampled_from(digests))
    leaf = leaf_hash(digest)
    proof = tree.proof(digest)
    position = data.draw(st.integers(min_value=0, max_value=31))
    bit = data.draw(st.integers(min_value=0, max_value=7))

    assert not verify(root=tree.root, leaf=_flip(leaf, position, bit), proof=proof)
    assert not verify(root=_flip(tree.root, position, bit), leaf=leaf, proof=proof)
    if proof:
        which = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        tampered = list(proof)
        tampered[which] = _flip(proof[which], position, bit)
        assert not verify(root=tree.root, leaf=leaf, proof=tampered)


@given(st.lists(digests32, min_size=2, max_size=40, unique=True), st.data())
def test_a_proof_does_not_prove_another_leaf(digests: list[bytes], data: st.DataObject) -> None:
    tree = build_tree(digests)
    first, second = data.draw(st.permutations(digests))[:2]
    assert not verify(root=tree.root, leaf=leaf_hash(second), proof=tree.proof(first))
