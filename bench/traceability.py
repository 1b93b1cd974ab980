"""Traceability benchmark: hashing, Merkle trees, proofs, gas and bundle verification.

    python bench/traceability.py [--events 100000]

Prints, for N events (default 100,000, on one core):
* digests per second (validate + RFC 8785 + keccak256 of realistic event objects), Merkle tree
  builds per second (events/s), and both together;
* the proof size for one event of such a tree;
* gas for one anchoring transaction of the whole batch, and per event (on anvil when found,
  else on py-evm through eth-tester);
* time to verify one lot's proof bundle (5 events, one EIP-712 signature) with the chain facts
  in hand, and the time of the one JSON-RPC batch that fetches them (anvil only).
No Django and no database: only the pure core and the chain client.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from traceability import merkle  # noqa: E402
from traceability.canonical import Location, build_event, event_digest  # noqa: E402
from traceability.chain import Anchorer, Node, RegistryAdmin, connect  # noqa: E402
from traceability.chain.crypto import account_create  # noqa: E402
from traceability.proofs import Domain, attestation_sign, gs1_lot_uri, verify_bundle  # noqa: E402

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PLACE = Location(id="urn:chophien:ward:1234", latitude="23.2789", longitude="105.3637")
STEPS = ["commissioning", "packing", "inspecting", "shipping", "receiving"]


def make_events(count: int) -> list[dict]:
    start = datetime(2025, 11, 1, 7, 30, tzinfo=HANOI)
    events, previous = [], {}
    for i in range(count):
        lot = gs1_lot_uri("02000000000018", f"MO-{i // 5:06d}")
        step = STEPS[i % 5]
        event = build_event(
            biz_step=step,
            event_id=uuid.UUID(int=i + 1),
            event_time=start + timedelta(minutes=i),
            lot=lot,
            prev_digest=previous.get(lot),
            quantity=Decimal("120.5"),
            uom="KGM",
            location=PLACE,
            ilmd={"cbvmda:lotNumber": f"MO-{i // 5:06d}", "chophien:productName": "Mật ong bạc hà"}
            if step == "commissioning"
            else None,
            extensions={"chophien:actor": {"name": "Thào Mí Sính", "role": "producer"}},
        )
        previous[lot] = event_digest(event)
        events.append(event)
    return events


def anvil_node():
    from tests.traceability.anvil import Anvil, anvil_binary

    binary = anvil_binary()
    return Anvil(binary) if binary else None


def chain(anvil):
    """(registry admin, anchoring client, label): the owner, a funded account, may anchor."""
    if anvil is not None:
        node = connect(anvil.url, timeout=10)
        account = account_create()
        anvil.rpc("anvil_setBalance", account.address, hex(10 * 10**18))
        label = "anvil"
    else:
        from tests.traceability.conftest import funded_account, new_tester_web3

        web3 = new_tester_web3()
        node, account = Node(web3), funded_account(web3)
        label = "py-evm (eth-tester)"
    admin = RegistryAdmin.deploy(node=node, account=account, timeout=60)
    admin.wait_confirmed(admin.set_anchorer(address=account.address, allowed=True), timeout=60)
    return admin, Anchorer(node=node, address=admin.address, account=account), label


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    n = args.events

    print(f"Traceability benchmark, {n:,} events, one core")
    events = make_events(n)

    started = time.perf_counter()
    digests = [event_digest(e) for e in events]
    digest_seconds = time.perf_counter() - started
    started = time.perf_counter()
    tree = merkle.build_tree(digests)
    tree_seconds = time.perf_counter() - started
    print(f"  digests:              {n / digest_seconds:12,.0f} events/s ({digest_seconds:.2f} s)")
    print(f"  Merkle tree:          {n / tree_seconds:12,.0f} events/s ({tree_seconds:.2f} s)")
    total = digest_seconds + tree_seconds
    print(f"  digests + tree:       {n / total:12,.0f} events/s ({total:.2f} s)")

    proof = tree.proof(digests[n // 2])
    print(f"  proof size:           {len(proof)} hashes = {32 * len(proof)} bytes per event")

    node = anvil_node()
    try:
        admin, client, label = chain(node)
        tx_hash = client.anchor(root=tree.root, count=n)
        admin.wait_confirmed(tx_hash, timeout=60)
        status = client.tx_status(tx_hash)
        gas = status.gas_used
        print(f"  gas, one anchoring transaction of {n:,} events ({label}): {gas:,}")
        print(f"  gas per event:        {gas / n:.3f}")

        # A lot's bundle: 5 events, the inspection signed; anchored in a batch of n events.
        domain = Domain(chain_id=client.chain_id(), contract=client.address)
        inspector = account_create()
        admin.wait_confirmed(
            admin.set_inspector(address=inspector.address, allowed=True), timeout=60
        )
        lot_digests = digests[:5]
        block = status.block_number
        items = []
        for event, digest in zip(events[:5], lot_digests, strict=True):
            signature = None
            if event["bizStep"] == "inspecting":
                signer, value = attestation_sign(
                    digest=digest, domain=domain, private_key=inspector.key
                )
                signature = {"scheme": "EIP-712", "signer": signer, "value": value}
            items.append(
                {
                    "event": event,
                    "digest": digest,
                    "signature": signature,
                    "anchor": {
                        "root": tree.root_hex,
                        "proof": ["0x" + p.hex() for p in tree.proof(digest)],
                        "chainId": domain.chain_id,
                        "contract": domain.contract,
                        "txHash": tx_hash,
                        "blockNumber": block,
                        "anchoredAt": "2025-11-22T00:00:00Z",
                    },
                }
            )
        bundle = {
            "version": 1,
            "lot": {"gtin": "02000000000018", "lot": "MO-000000", "uri": "https://x/01/…"},
            "events": items,
        }
        size = len(json.dumps(bundle, ensure_ascii=False).encode())
        print(f"  proof bundle (5 events, 1 signature): {size:,} bytes of JSON")

        rpc_times = []
        for _ in range(20):
            started = time.perf_counter()
            chain_id, anchored, accredited = client.read_many(
                roots=[tree.root_hex], inspectors=[inspector.address]
            )
            rpc_times.append(time.perf_counter() - started)
        assert chain_id == domain.chain_id and anchored[tree.root_hex] and all(accredited.values())

        def facts_anchored(_domain, _root):
            return anchored.get(_root.lower())

        def facts_inspector(_domain, address):
            return accredited.get(address)

        times = []
        for _ in range(200):
            started = time.perf_counter()
            verdict = verify_bundle(
                bundle, anchored_at=facts_anchored, is_inspector=facts_inspector
            )
            times.append(time.perf_counter() - started)
        assert verdict.ok, verdict
        print(
            f"  verify one bundle:    {statistics.median(times) * 1000:.2f} ms (median of 200)"
            f" + one JSON-RPC batch {statistics.median(rpc_times) * 1000:.2f} ms ({label})"
        )
    finally:
        if node is not None:
            node.stop()


if __name__ == "__main__":
    main()
