"""Traceability benchmark: hashing, Merkle trees, heads, proofs, gas and bundle verification.

    python bench/traceability.py [--events 100000] [--lots 1000]

Prints, for N events of L lots (default 100,000 events of 1,000 lots, on one core; schema 2
events, the recorder's name committed with a salt):
* digests per second (validate + RFC 8785 + keccak256 of realistic event objects), Merkle tree
  builds per second (events/s), the batch's heads tree and lot filter, and all together;
* the proof size for one event of such a tree;
* gas for one anchoring transaction of the whole batch with its heads (``anchor_heads``), and
  per event (on anvil when found, else on py-evm through eth-tester); target: at most 1;
* time to verify one lot's version 2 proof bundle (5 events, one EIP-712 signature, its head,
  completeness) with the chain facts in hand, and the time of the one JSON-RPC batch and of the
  ``eth_getLogs`` that fetch them (anvil only).
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
from traceability.commitments import commitment_of, new_salt  # noqa: E402
from traceability.heads import (  # noqa: E402
    Head,
    build_heads_tree,
    head_leaf,
    lot_key,
    lots_filter,
)
from traceability.proofs import Domain, attestation_sign, gs1_lot_uri, verify_bundle  # noqa: E402

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PLACE = Location(id="urn:chophien:ward:1234")
STEPS = ["commissioning", "packing", "inspecting", "shipping", "receiving"]


def lot_of(i: int, lots: int) -> int:
    """Lot 0 has the first 5 events (the bundle verified below); the others share the rest."""
    return 0 if i < 5 or lots == 1 else 1 + (i - 5) % (lots - 1)


def make_events(count: int, lots: int) -> list[dict]:
    start = datetime(2025, 11, 1, 7, 30, tzinfo=HANOI)
    events, previous, seen = [], {}, {}
    for i in range(count):
        number = lot_of(i, lots)
        lot = gs1_lot_uri("02000000000018", f"MO-{number:06d}")
        position = seen.get(lot, 0)
        seen[lot] = position + 1
        step = STEPS[0] if position == 0 else STEPS[1 + (position - 1) % 4]
        actor = commitment_of(new_salt(), "Thào Mí Sính")
        event = build_event(
            biz_step=step,
            event_id=uuid.UUID(int=i + 1),
            event_time=start + timedelta(minutes=i),
            lot=lot,
            prev_digest=previous.get(lot),
            quantity=Decimal("120.5"),
            uom="KGM",
            location=PLACE,
            ilmd={
                "cbvmda:lotNumber": f"MO-{number:06d}",
                "chophien:productName": "Mật ong bạc hà",
                "chophien:producer": {"name": "HTX Mật ong bạc hà", "kind": "cooperative"},
            }
            if step == "commissioning"
            else None,
            extensions={
                "chophien:actor": {"name": {"chophien:commitment": actor}, "role": "producer"}
            },
            schema_version=2,
        )
        previous[lot] = event_digest(event)
        events.append(event)
    return events


def batch_heads(events: list[dict], digests: list[str]) -> list[Head]:
    """Each lot's latest event in the batch and its position (the whole history here)."""
    latest: dict[str, Head] = {}
    for event, digest in zip(events, digests, strict=True):
        uri = event["quantityList"][0]["epcClass"]
        count = latest[uri].count + 1 if uri in latest else 1
        latest[uri] = Head(key=lot_key(uri), digest=digest, count=count)
    return list(latest.values())


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
    parser.add_argument("--lots", type=int, default=1_000)
    args = parser.parse_args()
    n, lots = args.events, args.lots

    print(f"Traceability benchmark, {n:,} events of {lots:,} lots (schema 2), one core")
    events = make_events(n, lots)

    started = time.perf_counter()
    digests = [event_digest(e) for e in events]
    digest_seconds = time.perf_counter() - started
    started = time.perf_counter()
    tree = merkle.build_tree(digests)
    tree_seconds = time.perf_counter() - started
    print(f"  digests:              {n / digest_seconds:12,.0f} events/s ({digest_seconds:.2f} s)")
    print(f"  Merkle tree:          {n / tree_seconds:12,.0f} events/s ({tree_seconds:.2f} s)")
    started = time.perf_counter()
    heads = batch_heads(events, digests)
    heads_tree = build_heads_tree(heads)
    lot_filter = lots_filter([head.key for head in heads])
    heads_seconds = time.perf_counter() - started
    print(
        f"  heads tree + filter:  {n / heads_seconds:12,.0f} events/s ({heads_seconds:.2f} s,"
        f" {len(heads):,} heads, filter {len(lot_filter):,} bytes)"
    )
    total = digest_seconds + tree_seconds + heads_seconds
    print(f"  all together:         {n / total:12,.0f} events/s ({total:.2f} s)")

    proof = tree.proof(digests[n // 2])
    print(f"  proof size:           {len(proof)} hashes = {32 * len(proof)} bytes per event")

    node = anvil_node()
    try:
        admin, client, label = chain(node)
        tx_hash = client.anchor(
            root=tree.root, count=n, heads_root=heads_tree.root, lots=lot_filter
        )
        admin.wait_confirmed(tx_hash, timeout=60)
        status = client.tx_status(tx_hash)
        gas = status.gas_used
        print(
            f"  gas, one anchoring transaction of {n:,} events and {len(heads):,} heads"
            f" ({label}): {gas:,}"
        )
        print(f"  gas per event:        {gas / n:.3f} (target: at most 1)")

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
        uri = gs1_lot_uri("02000000000018", "MO-000000")
        [head] = [h for h in heads if h.key == lot_key(uri)]
        assert head.count == 5 and head.digest == lot_digests[-1]
        bundle = {
            "version": 2,
            "lot": {
                "gtin": "02000000000018",
                "lot": "MO-000000",
                "uri": "https://x/01/…",
                "key": lot_key(uri),
            },
            "events": items,
            "head": {
                "root": tree.root_hex,
                "headsRoot": heads_tree.root_hex,
                "digest": head.digest,
                "count": head.count,
                "proof": [
                    "0x" + p.hex()
                    for p in heads_tree.leaf_proof(head_leaf(head.key, head.digest, head.count))
                ],
                "chainId": domain.chain_id,
                "contract": domain.contract,
                "txHash": tx_hash,
                "blockNumber": block,
                "anchoredAt": "2025-11-22T00:00:00Z",
            },
            "absences": [],
            "attestations": [],
        }
        size = len(json.dumps(bundle, ensure_ascii=False).encode())
        print(f"  proof bundle v2 (5 events, 1 signature, head): {size:,} bytes of JSON")

        rpc_times = []
        for _ in range(20):
            started = time.perf_counter()
            chain_id, anchored, accredited = client.read_many(
                roots=[tree.root_hex], inspectors=[inspector.address]
            )
            rpc_times.append(time.perf_counter() - started)
        assert chain_id == domain.chain_id and anchored[tree.root_hex] and all(accredited.values())
        log_times = []
        for _ in range(20):
            started = time.perf_counter()
            logs = client.heads_logs(from_block=block)
            log_times.append(time.perf_counter() - started)

        def facts_anchored(_domain, _root):
            return anchored.get(_root.lower())

        def facts_inspector(_domain, address):
            return accredited.get(address)

        times = []
        for _ in range(200):
            started = time.perf_counter()
            verdict = verify_bundle(
                bundle,
                anchored_at=facts_anchored,
                is_inspector=facts_inspector,
                heads_logs=lambda _domain: logs,
            )
            times.append(time.perf_counter() - started)
        assert verdict.ok and verdict.completeness == "complete", verdict
        print(
            f"  verify one bundle:    {statistics.median(times) * 1000:.2f} ms (median of 200,"
            f" completeness included) + one JSON-RPC batch"
            f" {statistics.median(rpc_times) * 1000:.2f} ms + eth_getLogs"
            f" {statistics.median(log_times) * 1000:.2f} ms ({label})"
        )
    finally:
        if node is not None:
            node.stop()


if __name__ == "__main__":
    main()
