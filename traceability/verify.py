"""Standalone verifier of a lot's proof bundle (versions 1 and 2, see ``PROOF_FORMAT.md``).

    python -m traceability.verify BUNDLE.json --rpc URL [--from-block N]

Needs only public libraries (web3, eth-account, rfc8785 and a keccak implementation) and this
package's pure modules: no Django, no database, and no network except the given JSON-RPC node,
which it asks for one JSON-RPC batch and one ``eth_getLogs`` per registry named in the bundle.
It recomputes every digest, checks the hash chain, folds each Merkle proof to its root, checks
``anchored_at(root)`` on chain, recovers each EIP-712 signature and checks that the signer is an
accredited inspector, opens each disclosed commitment, and checks from the registries'
``HeadsAnchored`` logs that the history is complete (check 7). It also checks the bundle's
certificates (check 9): each one's signature and product, and says whether it is valid now,
expired, not yet valid, withdrawn or signed by a key not accredited.
Exit status: 0 only if everything holds; 1 if something does not; 2 if it could not check.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from traceability.certificates import CertificateState, certificate_domains
from traceability.chain import ChainError, RegistryReader, connect
from traceability.completeness import STOPS_EARLY, Completeness, HeadsLog
from traceability.proofs import Domain, LotVerdict, Status, bundle_domains, verify_bundle

EXIT_OK, EXIT_FAILED, EXIT_UNCHECKED = 0, 1, 2


class ChainFacts:
    """What the chain said, fetched up front, so verification itself is pure."""

    def __init__(self) -> None:
        self.anchored: dict[tuple[Domain, str], int] = {}
        self.inspectors: dict[tuple[Domain, str], bool] = {}
        self.wrong_chain: dict[Domain, int] = {}
        self.heads: dict[Domain, list[HeadsLog]] = {}

    def anchored_at(self, domain: Domain, root: str) -> int | None:
        if domain in self.wrong_chain:
            return 0
        return self.anchored.get((domain, root.lower()))

    def is_inspector(self, domain: Domain, address: str) -> bool | None:
        if domain in self.wrong_chain:
            return False
        return self.inspectors.get((domain, address.lower()))

    def heads_logs(self, domain: Domain) -> list[HeadsLog] | None:
        if domain in self.wrong_chain:
            return []
        return self.heads.get(domain)


def logs_from_block(bundle: Mapping[str, Any], default: int = 0) -> int:
    """The first block whose ``HeadsAnchored`` logs can matter to the bundle's completeness.

    With a head, logs before every block the bundle names cannot change the verdict: the head's
    own log must be found (a head claiming a later block than its real one fails), and only
    logs after it can hold a later head. Without a head, every log counts: ``default`` (the
    registry's deployment block when the caller knows it).
    """
    head = bundle.get("head")
    if not isinstance(head, Mapping):
        return default
    anchors = [
        item.get("anchor") for item in bundle.get("events") or () if isinstance(item, Mapping)
    ]
    blocks = [
        anchor.get("blockNumber") for anchor in [head, *anchors] if isinstance(anchor, Mapping)
    ]
    numbers = [b for b in blocks if isinstance(b, int) and not isinstance(b, bool) and b >= 0]
    return max(default, min(numbers)) if numbers else default


def fetch_facts(
    bundle: Mapping[str, Any], *, rpc: str, timeout: float = 10.0, from_block: int = 0
) -> ChainFacts:
    """Ask the node everything the bundle needs: one batch and one ``eth_getLogs`` per
    registry."""
    facts = ChainFacts()
    domains = bundle_domains(bundle)
    roots: dict[Domain, set[str]] = defaultdict(set)
    signers: set[str] = set()
    for item in bundle.get("events") or ():
        anchor = item.get("anchor") if isinstance(item, Mapping) else None
        if isinstance(anchor, Mapping) and isinstance(anchor.get("root"), str):
            for domain in domains:
                if domain.contract.lower() == str(anchor.get("contract", "")).lower():
                    roots[domain].add(anchor["root"].lower())
        signature = item.get("signature") if isinstance(item, Mapping) else None
        if isinstance(signature, Mapping) and isinstance(signature.get("signer"), str):
            signers.add(signature["signer"])
    node = connect(rpc, timeout=timeout)
    for domain in domains:
        client = RegistryReader(node=node, address=domain.contract)
        valid_roots = [r for r in roots[domain] if len(r) == 66]
        chain_id, anchored, accredited = client.read_many(
            roots=valid_roots, inspectors=sorted(signers)
        )
        if chain_id != domain.chain_id:
            facts.wrong_chain[domain] = chain_id
        for root, timestamp in anchored.items():
            facts.anchored[(domain, root.lower())] = timestamp
        for address, allowed in accredited.items():
            facts.inspectors[(domain, address.lower())] = allowed
        if bundle.get("version") != 1 and domain not in facts.wrong_chain:
            start = logs_from_block(bundle, from_block)
            # a block past the chain's head holds no logs (nodes refuse to be asked)
            found = client.heads_logs(from_block=start) if start <= client.block_number() else []
            facts.heads[domain] = found
    fetch_certificate_facts(bundle, node=node, facts=facts)
    return facts


def fetch_certificate_facts(bundle: Mapping[str, Any], *, node: Any, facts: ChainFacts) -> None:
    """Ask each registry a certificate names whether its signers are accredited (check 9)."""
    signers: dict[Domain, set[str]] = defaultdict(set)
    for item in bundle.get("attestations") or ():
        if isinstance(item, Mapping) and isinstance(item.get("signer"), str):
            for domain in certificate_domains({"attestations": [item]}):
                signers[domain].add(item["signer"])
    for domain, addresses in signers.items():
        wanted = sorted(a for a in addresses if (domain, a.lower()) not in facts.inspectors)
        if not wanted:
            continue
        client = RegistryReader(node=node, address=domain.contract)
        chain_id, _anchored, accredited = client.read_many(roots=[], inspectors=wanted)
        if chain_id != domain.chain_id:
            facts.wrong_chain[domain] = chain_id
        for address, allowed in accredited.items():
            facts.inspectors[(domain, address.lower())] = allowed


def verify(bundle: Mapping[str, Any], facts: ChainFacts) -> LotVerdict:
    """Verify with the chain facts in hand; completeness too for a version 2 bundle."""
    return verify_bundle(
        bundle,
        anchored_at=facts.anchored_at,
        is_inspector=facts.is_inspector,
        heads_logs=facts.heads_logs if bundle.get("version") != 1 else None,
    )


def completeness_words(bundle: Mapping[str, Any], verdict: LotVerdict) -> str | None:
    """Check 7 in a sentence (``None`` for a version 1 bundle, which cannot say)."""
    head = bundle.get("head") if isinstance(bundle.get("head"), Mapping) else {}
    state = verdict.completeness
    if state is Completeness.COMPLETE:
        return (
            f"complete — the history holds every event up to the lot's latest anchored head"
            f" (event {head.get('count')}, block {head.get('blockNumber')})"
        )
    if state is Completeness.INCOMPLETE:
        if STOPS_EARLY in verdict.problems:
            return f"FAILED — {STOPS_EARLY}"
        return "FAILED — the head the chain records does not match this history"
    if state is Completeness.NOT_PROVABLE:
        return (
            "not provable — no anchored head names this lot (anchored only by a version 1"
            " registry, or not anchored yet); the other checks decide"
        )
    if state is Completeness.UNCHECKED:
        return "not checked — the node did not give the registry's logs"
    return None


def report(bundle: Mapping[str, Any], verdict: LotVerdict, facts: ChainFacts, out: TextIO) -> int:
    """Print a per-event verdict; return the exit status."""
    lot = bundle.get("lot") if isinstance(bundle.get("lot"), Mapping) else {}
    out.write(f"Lot {lot.get('lot')} of GTIN {lot.get('gtin')}  {lot.get('uri', '')}\n")
    for domain, actual in facts.wrong_chain.items():
        out.write(f"  ! the node is on chain {actual}, the bundle names chain {domain.chain_id}\n")
    for problem in verdict.problems:
        out.write(f"  ! {problem}\n")
    words = completeness_words(bundle, verdict)
    if words:
        out.write(f"  Completeness: {words}\n")
    items = bundle.get("events") if isinstance(bundle.get("events"), list) else []
    failed = bool(verdict.problems or facts.wrong_chain)
    for event_verdict, item in zip(verdict.events, items, strict=False):
        event = item.get("event") if isinstance(item, Mapping) else None
        event = event if isinstance(event, Mapping) else {}
        status = event_verdict.status
        lines = []
        if status is Status.VERIFIED:
            anchored = datetime.fromtimestamp(event_verdict.anchored_at or 0, tz=UTC)
            anchor = item.get("anchor") or {}
            lines.append(
                f"anchored {anchored:%Y-%m-%d %H:%M:%SZ} in block {anchor.get('blockNumber')}"
                f" (tx {anchor.get('txHash')})"
            )
        elif status is Status.WAITING:
            lines.append("not anchored yet")
        elif status is Status.UNCHECKED:
            lines.append("the node did not answer for this root")
        lines.extend(event_verdict.problems)
        if event_verdict.withheld:
            lines.append("withheld at the person's request: " + ", ".join(event_verdict.withheld))
        if event_verdict.signer:
            accredited = event_verdict.signer_accredited
            lines.append(
                f"signed by {event_verdict.signer}: "
                + {True: "an accredited inspector", False: "NOT an accredited inspector"}.get(
                    accredited, "accreditation not checked"
                )
            )
        bad = status is Status.TAMPERED or event_verdict.signer_accredited is False
        good = status is Status.VERIFIED and event_verdict.signer_accredited is not None
        good = good or (status is Status.VERIFIED and not event_verdict.signer)
        failed |= bad
        mark = "FAIL" if bad else ("OK  " if good else "NO  ")
        out.write(
            f"  [{mark}] #{event_verdict.index + 1} {event.get('bizStep', '?')}"
            f" {event.get('eventTime', '')}  digest {event_verdict.digest[:18]}…\n"
        )
        for line in lines:
            out.write(f"         {line}\n")
    failed |= report_certificates(verdict, out)
    if failed:
        out.write("Result: FAILED — something in this bundle does not hold.\n")
        return EXIT_FAILED
    if not verdict.ok:
        out.write("Result: NOT VERIFIED — not everything is anchored and accredited yet.\n")
        return EXIT_FAILED
    complete = (
        " and the history is complete" if verdict.completeness is Completeness.COMPLETE else ""
    )
    out.write(f"Result: VERIFIED — all {len(verdict.events)} events hold{complete}.\n")
    return EXIT_OK


def report_certificates(verdict: LotVerdict, out: TextIO) -> bool:
    """Print check 9, one line per certificate; True if one fails the bundle."""
    if not verdict.certificates:
        return False
    out.write("  Certificates:\n")
    failed = False
    for certificate in verdict.certificates:
        bad = certificate.state is CertificateState.INVALID
        failed |= bad
        mark = "FAIL" if bad else ("OK  " if certificate.valid else "--  ")
        what = (
            f"OCOP {certificate.level} stars"
            if certificate.kind == "ocop"
            else ("geographical indication" if certificate.kind == "gi" else "certificate")
        )
        reference = f" {certificate.reference}" if certificate.reference else ""
        signer = f", signed by {certificate.signer}" if certificate.signer else ""
        out.write(f"  [{mark}] {what}{reference}: {certificate.words}{signer}\n")
    return failed


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m traceability.verify", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("bundle", help="the proof bundle JSON file ('-' for standard input)")
    parser.add_argument("--rpc", required=True, help="an EVM JSON-RPC node of the bundle's chain")
    parser.add_argument("--timeout", type=float, default=10.0, help="RPC timeout in seconds")
    parser.add_argument(
        "--from-block",
        type=int,
        default=0,
        help="read the registry's logs from this block (its deployment block; default 0)",
    )
    args = parser.parse_args(argv)
    try:
        if args.bundle == "-":
            bundle = json.load(sys.stdin)
        else:
            with open(args.bundle, encoding="utf-8") as handle:
                bundle = json.load(handle)
    except (OSError, ValueError) as exc:
        out.write(f"Cannot read the bundle: {exc}\n")
        return EXIT_UNCHECKED
    if not isinstance(bundle, dict):
        out.write("Cannot read the bundle: not a JSON object\n")
        return EXIT_UNCHECKED
    try:
        facts = fetch_facts(bundle, rpc=args.rpc, timeout=args.timeout, from_block=args.from_block)
    except (ChainError, ValueError) as exc:
        out.write(f"Cannot ask the chain: {exc}\n")
        return EXIT_UNCHECKED
    return report(bundle, verify(bundle, facts), facts, out)


if __name__ == "__main__":
    sys.exit(main())
