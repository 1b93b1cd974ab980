"""The AnchorRegistry contract on a real EVM (eth-tester with py-evm)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from eth_tester.exceptions import TransactionFailed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web3 import Web3

from tests.traceability.conftest import HEADS, HEADS_ROOT
from traceability.chain import (
    Anchorer,
    ChainReverted,
    Node,
    RegistryAdmin,
    RegistryReader,
    TxState,
)
from traceability.contracts import load_artifact
from traceability.merkle import build_tree, leaf_hash

ROOT_A = "0x" + "a1" * 32
ROOT_B = "0x" + "b2" * 32
ZERO_ADDRESS = "0x" + "00" * 20
GAS_PER_ANCHOR_LIMIT = 100_000  # one anchoring transaction covers up to 100,000 events


def contract_of(web3: Web3, registry: RegistryReader) -> Any:
    return web3.eth.contract(address=registry.address, abi=load_artifact().abi)


def as_admin(web3: Web3, registry: RegistryAdmin, account: LocalAccount) -> RegistryAdmin:
    """The same contract, with the owner's transactions signed by ``account``."""
    return RegistryAdmin(node=Node(web3), address=registry.address, account=account)


def as_anchorer(web3: Web3, registry: RegistryAdmin, account: LocalAccount) -> Anchorer:
    """The same contract, with anchoring transactions signed by ``account``."""
    return Anchorer(node=Node(web3), address=registry.address, account=account)


def send(web3: Web3, account: LocalAccount, function: Any) -> Any:
    """Sign and send a contract call as ``account``; return its receipt."""
    tx = function.build_transaction(
        {"from": account.address, "nonce": web3.eth.get_transaction_count(account.address)}
    )
    tx_hash = web3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction)
    return web3.eth.wait_for_transaction_receipt(tx_hash)


def confirmed(registry: RegistryReader, tx_hash: str) -> None:
    assert registry.tx_status(tx_hash).state is TxState.CONFIRMED


@pytest.fixture
def anchorer_account(
    registry: RegistryAdmin, make_account: Callable[[], LocalAccount]
) -> LocalAccount:
    """An account the owner has allowed to anchor."""
    account = make_account()
    confirmed(registry, registry.set_anchorer(address=account.address, allowed=True))
    return account


@pytest.fixture
def anchorer(web3: Web3, registry: RegistryAdmin, anchorer_account: LocalAccount) -> Anchorer:
    """A client signing as the anchoring account."""
    return as_anchorer(web3, registry, anchorer_account)


# --------------------------------------------------------------------------- ownership


def test_deployer_is_owner(web3: Web3, registry: RegistryAdmin, owner: LocalAccount) -> None:
    assert contract_of(web3, registry).functions.owner().call() == owner.address


def test_transfer_ownership(
    web3: Web3,
    registry: RegistryAdmin,
    owner: LocalAccount,
    make_account: Callable[[], LocalAccount],
) -> None:
    new_owner = make_account()
    contract = contract_of(web3, registry)
    receipt = send(web3, owner, contract.functions.transfer_ownership(new_owner.address))
    assert receipt["status"] == 1
    assert contract.functions.owner().call() == new_owner.address
    (log,) = contract.events.OwnershipTransferred().process_receipt(receipt)
    assert log["args"]["previous_owner"] == owner.address
    assert log["args"]["new_owner"] == new_owner.address

    with pytest.raises(ChainReverted, match="not owner"):
        registry.set_inspector(address=new_owner.address, allowed=True)
    new_client = as_admin(web3, registry, new_owner)
    confirmed(registry, new_client.set_inspector(address=owner.address, allowed=True))
    assert registry.is_inspector(owner.address)


def test_only_the_owner_transfers_ownership(
    web3: Web3,
    registry: RegistryAdmin,
    owner: LocalAccount,
    make_account: Callable[[], LocalAccount],
) -> None:
    stranger = make_account()
    contract = contract_of(web3, registry)
    with pytest.raises(TransactionFailed, match="not owner"):
        send(web3, stranger, contract.functions.transfer_ownership(stranger.address))
    with pytest.raises(TransactionFailed, match="zero owner"):
        send(web3, owner, contract.functions.transfer_ownership(ZERO_ADDRESS))
    assert contract.functions.owner().call() == owner.address


# --------------------------------------------------------------------------- anchoring


def test_anchor_by_an_authorised_account(web3: Web3, anchorer: Anchorer) -> None:
    assert anchorer.anchored_at(ROOT_A) == 0
    tx_hash = anchorer.anchor(root=ROOT_A, count=100_000, **HEADS)

    receipt = web3.eth.get_transaction_receipt(tx_hash)
    assert receipt["status"] == 1
    assert receipt["gasUsed"] <= GAS_PER_ANCHOR_LIMIT
    block = web3.eth.get_block(receipt["blockNumber"])
    assert anchorer.anchored_at(ROOT_A) == block["timestamp"] > 0
    assert anchorer.anchored_at(ROOT_B) == 0

    (log,) = contract_of(web3, anchorer).events.Anchored().process_receipt(receipt)
    assert log["args"]["root"] == bytes.fromhex(ROOT_A[2:])
    assert log["args"]["count"] == 100_000
    assert log["args"]["sender"] == receipt["from"]
    assert log["address"] == anchorer.address


def test_anchored_event_is_indexed_by_root_and_sender(web3: Web3, anchorer: Anchorer) -> None:
    tx_hash = anchorer.anchor(root=ROOT_A, count=3, **HEADS)
    receipt = web3.eth.get_transaction_receipt(tx_hash)
    raw, heads = receipt["logs"]
    topics = [bytes(topic) for topic in raw["topics"]]
    assert topics[1] == bytes.fromhex(ROOT_A[2:])
    assert topics[2][-20:] == bytes.fromhex(receipt["from"][2:])
    # the heads log is indexed by the batch's root and its heads root
    assert [bytes(topic) for topic in heads["topics"]][1:] == [
        bytes.fromhex(ROOT_A[2:]),
        HEADS["heads_root"],
    ]
    [log] = anchorer.heads_logs()
    assert (log.root, log.heads_root, log.lots) == (ROOT_A, "0x" + "11" * 32, bytes(8))


def test_anchoring_is_refused_to_others(
    web3: Web3,
    registry: RegistryAdmin,
    anchorer: Anchorer,
    owner: LocalAccount,
    make_account: Callable[[], LocalAccount],
) -> None:
    stranger = as_anchorer(web3, registry, make_account())
    with pytest.raises(ChainReverted, match="not anchorer"):
        stranger.anchor(root=ROOT_A, count=1, **HEADS)
    # the owner is not an anchorer either until it allows itself
    with pytest.raises(ChainReverted, match="not anchorer"):
        as_anchorer(web3, registry, owner).anchor(root=ROOT_A, count=1, **HEADS)
    assert registry.anchored_at(ROOT_A) == 0


def test_anchorer_can_be_revoked(
    web3: Web3,
    registry: RegistryAdmin,
    anchorer: Anchorer,
    anchorer_account: LocalAccount,
) -> None:
    account = anchorer_account
    assert registry.is_anchorer(account.address)
    confirmed(registry, registry.set_anchorer(address=account.address, allowed=False))
    assert not registry.is_anchorer(account.address)
    with pytest.raises(ChainReverted, match="not anchorer"):
        anchorer.anchor(root=ROOT_A, count=1, **HEADS)


def test_only_the_owner_sets_anchorers(
    web3: Web3, registry: RegistryAdmin, make_account: Callable[[], LocalAccount]
) -> None:
    stranger = make_account()
    with pytest.raises(ChainReverted, match="not owner"):
        as_admin(web3, registry, stranger).set_anchorer(address=stranger.address, allowed=True)
    assert not registry.is_anchorer(stranger.address)


def test_a_root_is_anchored_once(anchorer: Anchorer) -> None:
    confirmed(anchorer, anchorer.anchor(root=ROOT_A, count=2, **HEADS))
    first = anchorer.anchored_at(ROOT_A)
    with pytest.raises(ChainReverted, match="already anchored"):
        anchorer.anchor(root=ROOT_A, count=2, **HEADS)
    assert anchorer.anchored_at(ROOT_A) == first
    confirmed(anchorer, anchorer.anchor(root=ROOT_B, count=2, **HEADS))


def test_empty_root_and_empty_batch_are_refused(
    web3: Web3, anchorer: Anchorer, anchorer_account: LocalAccount
) -> None:
    account = anchorer_account
    contract = contract_of(web3, anchorer)
    with pytest.raises(ChainReverted, match="empty root"):
        anchorer.anchor(root=b"\x00" * 32, count=1, **HEADS)
    with pytest.raises(TransactionFailed, match="empty batch"):
        send(
            web3,
            account,
            contract.functions.anchor_heads(bytes.fromhex(ROOT_A[2:]), 0, HEADS_ROOT, bytes(8)),
        )


def test_a_refused_anchor_sent_anyway_is_reverted_on_chain(
    web3: Web3, anchorer: Anchorer, anchorer_account: LocalAccount
) -> None:
    account = anchorer_account
    confirmed(anchorer, anchorer.anchor(root=ROOT_A, count=1, **HEADS))
    contract = contract_of(web3, anchorer)
    tx = contract.functions.anchor_heads(
        bytes.fromhex(ROOT_A[2:]), 1, HEADS_ROOT, bytes(8)
    ).build_transaction(
        {
            "from": account.address,
            "nonce": web3.eth.get_transaction_count(account.address),
            "gas": GAS_PER_ANCHOR_LIMIT,
        }
    )
    tx_hash = web3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction)
    status = anchorer.tx_status(tx_hash)
    assert status.state is TxState.REVERTED
    assert status.confirmations == 1


# --------------------------------------------------------------------------- inspectors


def test_inspector_registry(
    web3: Web3, registry: RegistryAdmin, make_account: Callable[[], LocalAccount]
) -> None:
    inspector = make_account()
    assert not registry.is_inspector(inspector.address)
    receipt_hash = registry.set_inspector(address=inspector.address, allowed=True)
    confirmed(registry, receipt_hash)
    assert registry.is_inspector(inspector.address)
    assert registry.is_inspector(inspector.address.lower())

    receipt = web3.eth.get_transaction_receipt(receipt_hash)
    (log,) = contract_of(web3, registry).events.InspectorSet().process_receipt(receipt)
    assert log["args"]["account"] == inspector.address
    assert log["args"]["allowed"] is True

    confirmed(registry, registry.set_inspector(address=inspector.address, allowed=False))
    assert not registry.is_inspector(inspector.address)


def test_only_the_owner_sets_inspectors(
    web3: Web3, registry: RegistryAdmin, make_account: Callable[[], LocalAccount]
) -> None:
    stranger = make_account()
    with pytest.raises(ChainReverted, match="not owner"):
        as_admin(web3, registry, stranger).set_inspector(address=stranger.address, allowed=True)
    assert not registry.is_inspector(stranger.address)


# --------------------------------------------------------------------------- verify()


@pytest.fixture(scope="module")
def verifier(shared_web3: Web3, shared_registry: RegistryAdmin) -> Any:
    """The contract's verify(), on one deployment shared by the read-only tests."""
    return contract_of(shared_web3, shared_registry).functions.verify


def on_chain(verify: Any, root: bytes, leaf: bytes, proof: list[bytes]) -> bool:
    return bool(verify(root, leaf, proof).call())


def _digests(count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    return [rng.randbytes(32) for _ in range(count)]


def test_verify_a_one_leaf_tree(verifier: Any) -> None:
    (digest,) = _digests(1, seed=1)
    tree = build_tree([digest])
    assert tree.proof(digest) == []
    assert on_chain(verifier, tree.root, leaf_hash(digest), [])
    assert not on_chain(verifier, tree.root, leaf_hash(b"\x01" * 32), [])


def test_verify_a_thousand_leaf_tree(verifier: Any) -> None:
    digests = _digests(1000, seed=1000)
    tree = build_tree(digests)
    sample = random.Random(5).sample(digests, k=40) + [min(digests), max(digests)]
    for digest in sample:
        proof = tree.proof(digest)
        assert on_chain(verifier, tree.root, leaf_hash(digest), proof)
        assert not on_chain(verifier, tree.root, leaf_hash(digest), proof[:-1])
        assert not on_chain(verifier, tree.root, tree.root, proof)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=70, unique=True),
    st.data(),
)
def test_verify_agrees_with_merkle_py(
    verifier: Any, digests: list[bytes], data: st.DataObject
) -> None:
    tree = build_tree(digests)
    digest = data.draw(st.sampled_from(digests))
    leaf = leaf_hash(digest)
    proof = tree.proof(digest)
    assert on_chain(verifier, tree.root, leaf, proof)

    position = data.draw(st.integers(min_value=0, max_value=31))
    flipped = bytearray(leaf)
    flipped[position] ^= 0x01
    assert not on_chain(verifier, tree.root, bytes(flipped), proof)
    if proof:
        tampered = list(proof)
        node = bytearray(tampered[0])
        node[position] ^= 0x80
        tampered[0] = bytes(node)
        assert not on_chain(verifier, tree.root, leaf, tampered)
