"""The chain client: on eth-tester, and at the HTTP seam against a scripted JSON-RPC server."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from eth_abi import encode
from eth_account.signers.local import LocalAccount
from web3 import Web3

from tests.traceability.conftest import HEADS
from traceability.chain import (
    Anchorer,
    ChainError,
    ChainReverted,
    ChainUnavailable,
    Node,
    RegistryAdmin,
    RegistryReader,
    TxState,
    connect,
)

ROOT = "0x" + "c3" * 32
TX_HASH_RE = re.compile(r"0x[0-9a-f]{64}")
SOME_ADDRESS = "0x" + "11" * 20


def evm_of(web3: Web3) -> Any:
    return web3.provider.ethereum_tester  # type: ignore[attr-defined]


@pytest.fixture
def owner_anchorer(web3: Web3, registry: RegistryAdmin, owner: LocalAccount) -> Anchorer:
    """The owner's anchoring client (the owner is not allowed to anchor until it says so)."""
    return Anchorer(node=Node(web3), address=registry.address, account=owner)


@pytest.fixture
def anchoring(registry: RegistryAdmin, owner: LocalAccount, owner_anchorer: Anchorer) -> Anchorer:
    """The owner's client, with the owner allowed to anchor."""
    tx_hash = registry.set_anchorer(address=owner.address, allowed=True)
    assert registry.tx_status(tx_hash).state is TxState.CONFIRMED
    return owner_anchorer


# --------------------------------------------------------------------------- on eth-tester


def test_chain_id(web3: Web3, registry: RegistryAdmin) -> None:
    assert registry.chain_id() == web3.eth.chain_id


def test_deploy_returns_a_client_for_the_new_contract(web3: Web3, registry: RegistryAdmin) -> None:
    assert Web3.is_checksum_address(registry.address)
    assert web3.eth.get_code(registry.address) != b""


def test_anchor_submits_and_returns_the_hash(anchoring: Anchorer) -> None:
    tx_hash = anchoring.anchor(root=ROOT, count=12, **HEADS)
    assert TX_HASH_RE.fullmatch(tx_hash)
    assert anchoring.anchored_at(bytes.fromhex(ROOT[2:])) > 0


def test_status_goes_from_pending_to_confirmed_with_growing_confirmations(
    web3: Web3, anchoring: Anchorer
) -> None:
    evm_of(web3).disable_auto_mine_transactions()
    tx_hash = anchoring.anchor(root=ROOT, count=1, **HEADS)
    assert anchoring.tx_status(tx_hash).state is TxState.PENDING
    assert anchoring.anchored_at(ROOT) == 0

    evm_of(web3).mine_blocks(1)
    status = anchoring.tx_status(tx_hash)
    assert status.state is TxState.CONFIRMED
    assert status.confirmations == 1
    assert status.block_number == web3.eth.block_number
    assert status.gas_used is not None and status.gas_used > 21_000

    evm_of(web3).mine_blocks(5)
    assert anchoring.tx_status(tx_hash).confirmations == 6
    assert anchoring.anchored_at(ROOT) == web3.eth.get_block(status.block_number)["timestamp"]


def test_unknown_transactions_are_dropped(registry: RegistryAdmin) -> None:
    status = registry.tx_status("0x" + "ee" * 32)
    assert status.state is TxState.DROPPED
    assert status.confirmations == 0
    assert status.block_number is None


def test_anchored_at_is_zero_for_unknown_roots(registry: RegistryAdmin) -> None:
    assert registry.anchored_at(ROOT) == 0


def test_refusals_are_chain_reverted(owner_anchorer: Anchorer) -> None:
    with pytest.raises(ChainReverted, match="anchor: .*not anchorer") as caught:
        owner_anchorer.anchor(root=ROOT, count=1, **HEADS)
    assert isinstance(caught.value, ChainError)


def test_a_read_only_client_cannot_submit(web3: Web3, registry: RegistryAdmin) -> None:
    reader = Anchorer(node=Node(web3), address=registry.address, account=None)
    assert reader.anchored_at(ROOT) == 0
    with pytest.raises(ChainError, match="no signing account"):
        reader.anchor(root=ROOT, count=1, **HEADS)


@pytest.mark.parametrize(
    ("root", "count"), [(ROOT, 0), (ROOT, -1), ("0x1234", 1), ("c3" * 32, 1), (b"\x01", 1)]
)
def test_bad_anchor_arguments(anchoring: Anchorer, root: Any, count: int) -> None:
    with pytest.raises(ValueError):
        anchoring.anchor(root=root, count=count, **HEADS)


def test_bad_arguments_are_value_errors(web3: Web3, registry: RegistryAdmin) -> None:
    with pytest.raises(ValueError):
        RegistryReader(node=Node(web3), address="0x1234")
    with pytest.raises(ValueError):
        registry.is_inspector("not an address")
    with pytest.raises(ValueError):
        registry.set_inspector(address="0x1234", allowed=True)
    with pytest.raises(ValueError):
        registry.tx_status("0x1234")
    with pytest.raises(ValueError):
        registry.anchored_at("0x1234")


def test_deploy_that_is_not_mined_in_time_is_unavailable(web3: Web3, owner: LocalAccount) -> None:
    evm_of(web3).disable_auto_mine_transactions()
    with pytest.raises(ChainUnavailable, match="not mined within"):
        RegistryAdmin.deploy(node=Node(web3), account=owner, timeout=0.3)


# --------------------------------------------------------------------------- at the HTTP seam


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    hold: bool = False


@dataclass
class ScriptedNode:
    """A JSON-RPC endpoint on loopback whose answers each test scripts."""

    url: str
    answer: Callable[[dict[str, Any]], Reply] = field(default=lambda request: Reply(status=500))
    release: threading.Event = field(default_factory=threading.Event)
    methods: list[str] = field(default_factory=list)


def rpc_result(request: dict[str, Any], result: Any) -> Reply:
    body = {"jsonrpc": "2.0", "id": request["id"], "result": result}
    return Reply(body=json.dumps(body).encode())


def rpc_error(request: dict[str, Any], error: dict[str, Any]) -> Reply:
    body = {"jsonrpc": "2.0", "id": request["id"], "error": error}
    return Reply(body=json.dumps(body).encode())


@pytest.fixture
def node() -> Iterator[ScriptedNode]:
    state: dict[str, ScriptedNode] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            scripted = state["node"]
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            scripted.methods.append(request["method"])
            reply = scripted.answer(request)
            if reply.hold:
                scripted.release.wait(timeout=10)
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state["node"] = ScriptedNode(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["node"]
    finally:
        state["node"].release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def http_client(url: str, *, timeout: float = 2.0) -> RegistryReader:
    return RegistryReader(node=connect(url, timeout=timeout), address=SOME_ADDRESS)


def test_http_reads(node: ScriptedNode) -> None:
    def answer(request: dict[str, Any]) -> Reply:
        if request["method"] == "eth_chainId":
            return rpc_result(request, "0x7a69")
        if request["method"] == "eth_call":
            return rpc_result(request, "0x" + encode(["uint256"], [1_741_000_000]).hex())
        return Reply(status=404)

    node.answer = answer
    client = http_client(node.url)
    assert client.chain_id() == 31337
    assert client.anchored_at(ROOT) == 1_741_000_000
    poa = RegistryReader(node=connect(node.url, timeout=2.0, poa=True), address=SOME_ADDRESS)
    assert poa.chain_id() == 31337


def test_unreachable_node_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    secret_url = f"http://127.0.0.1:{port}/v3/secret-api-key"
    with pytest.raises(ChainUnavailable) as caught:
        http_client(secret_url).chain_id()
    assert "secret-api-key" not in str(caught.value)


def test_a_slow_node_times_out_as_unavailable(node: ScriptedNode) -> None:
    node.answer = lambda request: Reply(hold=True)
    with pytest.raises(ChainUnavailable):
        http_client(node.url, timeout=0.3).anchored_at(ROOT)
    assert len(node.methods) == 1  # not retried


@pytest.mark.parametrize(("status", "error"), [(500, ChainUnavailable), (502, ChainUnavailable)])
def test_server_errors_are_unavailable(
    node: ScriptedNode, status: int, error: type[ChainError]
) -> None:
    node.answer = lambda request: Reply(status=status, body=b"oops")
    with pytest.raises(error):
        http_client(node.url).chain_id()


def test_rate_limiting_is_unavailable(node: ScriptedNode) -> None:
    node.answer = lambda request: Reply(status=429, body=b"slow down")
    with pytest.raises(ChainUnavailable):
        http_client(node.url).chain_id()


@pytest.mark.parametrize("status", [401, 403, 404])
def test_client_errors_are_not_worth_retrying(node: ScriptedNode, status: int) -> None:
    node.answer = lambda request: Reply(status=status, body=b"no")
    with pytest.raises(ChainError) as caught:
        http_client(node.url).chain_id()
    assert not isinstance(caught.value, ChainUnavailable)


def test_garbage_is_a_chain_error(node: ScriptedNode) -> None:
    node.answer = lambda request: Reply(body=b"<html>not json</html>")
    with pytest.raises(ChainError):
        http_client(node.url).chain_id()


def test_rpc_errors_are_chain_errors(node: ScriptedNode) -> None:
    node.answer = lambda request: rpc_error(request, {"code": -32603, "message": "internal"})
    with pytest.raises(ChainError) as caught:
        http_client(node.url).chain_id()
    assert not isinstance(caught.value, ChainUnavailable)


def test_reverts_over_http_are_chain_reverted(node: ScriptedNode) -> None:
    reason = "0x08c379a0" + encode(["string"], ["already anchored"]).hex()

    def answer(request: dict[str, Any]) -> Reply:
        if request["method"] != "eth_call":
            return rpc_result(request, "0x7a69")
        error = {"code": 3, "message": "execution reverted: already anchored", "data": reason}
        return rpc_error(request, error)

    node.answer = answer
    with pytest.raises(ChainReverted, match="already anchored"):
        http_client(node.url).anchored_at(ROOT)


def test_connect_needs_a_positive_timeout() -> None:
    with pytest.raises(ValueError):
        connect("http://127.0.0.1:8545", timeout=0)
