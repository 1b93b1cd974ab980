"""Standalone verifier of a lot's proof bundle (version 1, see ``PROOF_FORMAT.md``).

    python -m traceability.verify BUNDLE.json --rpc URL

Needs only public libraries (web3, eth-account, rfc8785 and a keccak implementation) and this
package's pure modules: no Django, no database, and no network except the given JSON-RPC node,
which it asks once (one JSON-RPC batch per registry named in the bundle). It recomputes every
digest, checks the hash chain, folds each Merkle proof to its root, checks ``anchored_at(root)``
on chain, recovers each EIP-712 signature and checks that the signer is an accredited inspector.
It also checks the bundle's certificates (check 9): each one's signature and product, and says
whether it is valid now, expired, not yet valid, withdrawn or signed by a key not accredited.
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
from traceability.proofs import Domain, LotVerdict, Status, bundle_domains, verify_bundle

EXIT_OK, EXIT_FAILED, EXIT_UNCHECKED = 0, 1, 2


class ChainFacts:
    """What the chain said, fetched up front, so verification itself is pure."""

    def __init__(self) -> None:
        self.anchored: dict[tuple[Domain, str], int] = {}
        self.inspectors: dict[tuple[Domain, str], bool] = {}
        self.wrong_chain: dict[Domain, int] = {}

    def anchored_at(self, domain: Domain, root: str) -> int | None:
        if domain in self.wrong_chain:
            return 0
        return self.anchored.get((domain, root.lower()))

    def is_inspector(self, domain: Domain, address: str) -> bool | None:
        if domain in self.wrong_chain:
            return False
        return self.inspectors.get((domain, address.lower()))


def fetch_facts(bundle: Mapping[str, Any], *, rpc: str, timeout: float = 10.0) -> ChainFacts:
    """Ask the node everything the bundle needs: one batch per registry."""
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
    return verify_bundle(bundle, anchored_at=facts.anchored_at, is_inspector=facts.is_inspector)


def report(bundle: Mapping[str, Any], verdict: LotVerdict, facts: ChainFacts, out: TextIO) -> int:
    """Print a per-event verdict; return the exit status."""
    lot = bundle.get("lot") if isinstance(bundle.get("lot"), Mapping) else {}
    out.write(f"Lot {lot.get('lot')} of GTIN {lot.get('gtin')}  {lot.get('uri', '')}\n")
    for domain, actual in facts.wrong_chain.items():
        out.write(f"  ! the node is on chain {actual}, the bundle names chain {domain.chain_id}\n")
    for problem in verdict.problems:
        out.write(f"  ! {problem}\n")
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
    out.write(f"Result: VERIFIED — all {len(verdict.events)} events hold.\n")
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
        facts = fetch_facts(bundle, rpc=args.rpc, timeout=args.timeout)
    except (ChainError, ValueError) as exc:
        out.write(f"Cannot ask the chain: {exc}\n")
        return EXIT_UNCHECKED
    return report(bundle, verify(bundle, facts), facts, out)


if __name__ == "__main__":
    sys.exit(main())
