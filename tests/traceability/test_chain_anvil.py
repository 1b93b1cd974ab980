"""The chain client over HTTP JSON-RPC against a real local node (anvil).

Runs when an ``anvil`` binary is found (``$ANVIL`` or on ``PATH``; the npm package
``@foundry-rs/anvil-linux-amd64`` ships one), otherwise skips. The node listens on loopback only.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from tests.conftest import require
from tests.traceability.conftest import HEADS
from traceability.chain import Anchorer, ChainReverted, Node, RegistryAdmin, TxState, connect
from traceability.contracts import load_artifact
from traceability.merkle import build_tree, leaf_hash

pytestmark = pytest.mark.chain

ANVIL_CHAIN_ID = 31337
SOME_INSPECTOR = "0x" + "42" * 20


def _anvil_binary() -> str | None:
    local = Path(__file__).resolve().parents[2] / "node_modules" / ".bin" / "anvil"
    return (
        os.environ.get("ANVIL") or shutil.which("anvil") or (str(local) if local.exists() else None)
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def anvil_url() -> Iterator[str]:
    binary = _anvil_binary()
    require(binary is not None, "anvil not found (npm ci installs it; or set $ANVIL)")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--host", "127.0.0.1", "--port", str(port), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        probe = connect(url, timeout=1.0).web3
        deadline = time.monotonic() + 15
        while True:
            try:
                probe.eth.chain_id  # noqa: B018 - the call is the readiness probe
                break
            except Exception:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def web3(anvil_url: str) -> Web3:
    return connect(anvil_url, timeout=5.0).web3


def funded(web3: Web3) -> LocalAccount:
    account: LocalAccount = Account.create()
    web3.provider.make_request("anvil_setBalance", [account.address, hex(10 * 10**18)])  # type: ignore[arg-type]
    return account


@pytest.fixture
def anvil_owner(web3: Web3) -> LocalAccount:
    return funded(web3)


@pytest.fixture
def owner_admin(web3: Web3, anvil_owner: LocalAccount) -> RegistryAdmin:
    owner = anvil_owner
    admin = RegistryAdmin.deploy(node=Node(web3), account=owner, timeout=30)
    tx_hash = admin.set_anchorer(address=owner.address, allowed=True)
    web3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)
    return admin


@pytest.fixture
def owner_client(web3: Web3, owner_admin: RegistryAdmin, anvil_owner: LocalAccount) -> Anchorer:
    """The owner, allowed to anchor."""
    return Anchorer(node=Node(web3), address=owner_admin.address, account=anvil_owner)


def test_anchor_over_http(web3: Web3, owner_client: Anchorer) -> None:
    assert owner_client.chain_id() == ANVIL_CHAIN_ID
    root = "0x" + random.Random(1).randbytes(32).hex()
    tx_hash = owner_client.anchor(root=root, count=100_000, **HEADS)
    receipt = web3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)

    status = owner_client.tx_status(tx_hash)
    assert status.state is TxState.CONFIRMED
    assert status.confirmations >= 1
    assert status.gas_used == receipt["gasUsed"] <= 100_000
    block = web3.eth.get_block(receipt["blockNumber"])
    assert owner_client.anchored_at(root) == block["timestamp"]

    with pytest.raises(ChainReverted, match="already anchored"):
        owner_client.anchor(root=root, count=1, **HEADS)


def test_refusal_over_http(web3: Web3, owner_client: Anchorer) -> None:
    account = funded(web3)
    stranger = Anchorer(node=Node(web3), address=owner_client.address, account=account)
    with pytest.raises(ChainReverted, match="not anchorer"):
        stranger.anchor(root="0x" + "01" * 32, count=1, **HEADS)
    stranger_admin = RegistryAdmin(node=Node(web3), address=owner_client.address, account=account)
    with pytest.raises(ChainReverted, match="not owner"):
        stranger_admin.set_inspector(address=SOME_INSPECTOR, allowed=True)


def test_inspectors_over_http(web3: Web3, owner_admin: RegistryAdmin) -> None:
    assert not owner_admin.is_inspector(SOME_INSPECTOR)
    tx_hash = owner_admin.set_inspector(address=SOME_INSPECTOR, allowed=True)
    web3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)
    assert owner_admin.is_inspector(SOME_INSPECTOR)


def test_pending_then_confirmed_with_queued_nonces(web3: Web3, owner_client: Anchorer) -> None:
    web3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    try:
        first = owner_client.anchor(root="0x" + "0a" * 32, count=1, **HEADS)
        second = owner_client.anchor(root="0x" + "0b" * 32, count=1, **HEADS)
        assert owner_client.tx_status(first).state is TxState.PENDING
        assert owner_client.tx_status(second).state is TxState.PENDING
        web3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        for tx_hash in (first, second):
            assert owner_client.tx_status(tx_hash).state is TxState.CONFIRMED
        web3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        assert owner_client.tx_status(first).confirmations == 2
    finally:
        web3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]


def test_unknown_transaction_is_dropped(owner_client: Anchorer) -> None:
    assert owner_client.tx_status("0x" + "ee" * 32).state is TxState.DROPPED


def test_verify_over_http_agrees_with_merkle_py(web3: Web3, owner_client: Anchorer) -> None:
    rng = random.Random(1000)
    digests = [rng.randbytes(32) for _ in range(1000)]
    tree = build_tree(digests)
    verify: Any = web3.eth.contract(
        address=owner_client.address, abi=load_artifact().abi
    ).functions.verify
    for digest in rng.sample(digests, k=10):
        proof = tree.proof(digest)
        assert verify(tree.root, leaf_hash(digest), proof).call()
        assert not verify(tree.root, leaf_hash(digest), proof[1:]).call()
