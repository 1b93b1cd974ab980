"""Proof bundles (versions 1 and 2) and their verification, with chain data taken as input.

Pure: no Django, no database, no network. ``traceability.verify`` (the standalone verifier)
and the lot page both call :func:`verify_bundle`; they differ only in where the chain facts come
from (a JSON-RPC node, or a cache in front of one). ``PROOF_FORMAT.md`` describes the format.

Inspector sign-offs are EIP-712 typed data: domain ``{name: "Cho Phien Traceability",
version: "1", chainId, verifyingContract: <the AnchorRegistry>}``, primary type
``Attestation { bytes32 digest }`` whose ``digest`` is the event digest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from traceability import merkle
from traceability.canonical import event_digest
from traceability.certificates import (
    DOMAIN_FIELDS,
    SCHEME,
    CertificateVerdict,
    check_attestations,
    domain_json,
)
from traceability.chain.crypto import (
    is_address,
    to_checksum_address,
    typed_data_sign,
    typed_data_signer,
)
from traceability.commitments import commitment_paths, disclosure_problem
from traceability.completeness import Completeness, HeadsLog, completeness_check
from traceability.heads import lot_key

__all__ = [
    "BUNDLE_VERSION",
    "Domain",
    "EventVerdict",
    "LotVerdict",
    "Status",
    "attestation_sign",
    "attestation_signer",
    "attestation_typed_data",
    "gs1_lot_uri",
    "verify_bundle",
]

BUNDLE_VERSION: Final = 2
BUNDLE_VERSIONS: Final = (1, 2)
SIGNATURE_SCHEME: Final = SCHEME
ATTESTATION_TYPES: Final = {
    "EIP712Domain": DOMAIN_FIELDS,
    "Attestation": [{"name": "digest", "type": "bytes32"}],
}


@dataclass(frozen=True, slots=True)
class Domain:
    """Where a signature or an anchor lives: a chain and the registry contract on it."""

    chain_id: int
    contract: str


def gs1_lot_uri(gtin14: str, lot: str) -> str:
    """The canonical GS1 Digital Link URI of a lot, as events name it in ``epcClass``."""
    from urllib.parse import quote

    return f"https://id.gs1.org/01/{gtin14}/10/{quote(lot, safe='-._~')}"


# --------------------------------------------------------------------------- EIP-712


def attestation_typed_data(*, digest: str, domain: Domain) -> dict[str, Any]:
    """The EIP-712 typed data an inspector signs for the event ``digest``."""
    return {
        "types": ATTESTATION_TYPES,
        "primaryType": "Attestation",
        "domain": domain_json(chain_id=domain.chain_id, contract=domain.contract),
        "message": {"digest": digest},
    }


def attestation_sign(*, digest: str, domain: Domain, private_key: bytes) -> tuple[str, str]:
    """Sign an attestation; return ``(signer address, 0x signature)``."""
    typed_data = attestation_typed_data(digest=digest, domain=domain)
    return typed_data_sign(typed_data, private_key=private_key)


def attestation_signer(*, digest: str, domain: Domain, signature: str) -> str | None:
    """Recover the address that signed the attestation of ``digest``, or ``None`` if malformed."""
    try:
        typed_data = attestation_typed_data(digest=digest, domain=domain)
        return typed_data_signer(typed_data, signature=signature)
    except Exception:  # noqa: BLE001 - any malformed signature is simply "no signer"
        return None


# --------------------------------------------------------------------------- verdicts


class Status(StrEnum):
    VERIFIED = "verified"
    """Every event hashes right, chains, is signed right where signed, and is anchored."""
    WAITING = "waiting"
    """Nothing is wrong, but at least one event is not anchored yet."""
    UNCHECKED = "unchecked"
    """Nothing is wrong in the data, but the chain could not be asked."""
    TAMPERED = "tampered"
    """Something does not hold: data edited after the fact, a broken chain or a false proof."""


@dataclass
class EventVerdict:
    index: int
    digest: str
    problems: list[str] = field(default_factory=list)
    anchored_at: int | None = None
    """Block timestamp of the anchoring, from the chain (None: not anchored or not checked)."""
    anchor_unchecked: bool = False
    waiting: bool = False
    signer: str | None = None
    signer_accredited: bool | None = None
    withheld: list[str] = field(default_factory=list)
    """JSON Pointers of committed values withheld (erased at the person's request)."""

    @property
    def status(self) -> Status:
        if self.problems:
            return Status.TAMPERED
        if self.waiting:
            return Status.WAITING
        if self.anchor_unchecked:
            return Status.UNCHECKED
        return Status.VERIFIED


@dataclass
class LotVerdict:
    events: list[EventVerdict]
    problems: list[str] = field(default_factory=list)
    """Problems with the bundle as a whole (format, lot, completeness)."""
    completeness: Completeness | None = None
    """``None`` when the caller did not ask the chain for heads (version 1 behaviour)."""
    certificates: list[CertificateVerdict] = field(default_factory=list)
    """Check 9: the state of each of the bundle's ``attestations`` (its certificates)."""

    @property
    def status(self) -> Status:
        if self.problems:
            return Status.TAMPERED
        statuses = {event.status for event in self.events}
        if self.completeness is Completeness.UNCHECKED:
            statuses.add(Status.UNCHECKED)
        for status in (Status.TAMPERED, Status.WAITING, Status.UNCHECKED):
            if status in statuses:
                return status
        return Status.VERIFIED if self.events else Status.WAITING

    @property
    def ok(self) -> bool:
        """True only if everything holds, accreditation of every signer included."""
        return self.status is Status.VERIFIED and all(
            event.signer is None or event.signer_accredited for event in self.events
        )


AnchoredAt = Callable[[Domain, str], int | None]
"""``(domain, root) -> block timestamp, 0 if never anchored, None if the chain can't tell``."""
IsInspector = Callable[[Domain, str], bool | None]
"""``(domain, address) -> accredited?, None if the chain can't tell``."""
HeadsLogs = Callable[[Domain], "list[HeadsLog] | None"]
"""``domain -> the registry's HeadsAnchored logs, None if the chain can't tell``."""


def bundle_domains(bundle: Mapping[str, Any]) -> set[Domain]:
    """Every (chain, contract) the bundle's anchors (and its head) name."""
    domains = set()
    items = [item.get("anchor") for item in bundle.get("events") or () if isinstance(item, Mapping)]
    for anchor in [*items, bundle.get("head")]:
        if isinstance(anchor, Mapping):
            try:
                domains.add(_domain(anchor))
            except (TypeError, ValueError):
                continue
    return domains


def verify_bundle(
    bundle: Mapping[str, Any],
    *,
    anchored_at: AnchoredAt,
    is_inspector: IsInspector,
    signature_domains: Mapping[int, Domain] | None = None,
    heads_logs: HeadsLogs | None = None,
    now: int | None = None,
) -> LotVerdict:
    """Check everything a proof bundle claims, asking the chain only through the callables.

    ``signature_domains`` gives, by event index, the domain a signature was made in when the
    caller knows it (the site stores it); otherwise the event's own anchor says, or the first
    anchor of the bundle. ``heads_logs`` reads a registry's ``HeadsAnchored`` logs for the
    completeness check (check 7); without it completeness is not checked, as in version 1.
    ``now`` (Unix seconds, the clock by default) is when certificates must be valid (check 9).
    """
    verdict = LotVerdict(events=[])
    version = bundle.get("version") if isinstance(bundle, Mapping) else None
    if version not in BUNDLE_VERSIONS or isinstance(version, bool):
        verdict.problems.append("not a version 1 or 2 proof bundle")
        return verdict
    lot = bundle.get("lot")
    items = bundle.get("events")
    if not isinstance(lot, Mapping) or not isinstance(items, list):
        verdict.problems.append("the bundle has no lot or no event list")
        return verdict
    expected_class = None
    try:
        expected_class = gs1_lot_uri(str(lot["gtin"]), str(lot["lot"]))
    except (KeyError, TypeError):
        verdict.problems.append("the lot has no gtin or lot number")

    key = lot_key(expected_class) if expected_class else None
    if version == 2 and (not isinstance(lot.get("key"), str) or lot.get("key", "").lower() != key):
        verdict.problems.append("the lot's key is not the key of its GTIN and lot number")

    domains = bundle_domains(bundle)
    fallback_domain = next(iter(sorted(domains, key=repr)), None)
    previous: str | None = None
    for index, item in enumerate(items):
        event_verdict = _verify_item(
            index,
            item,
            previous=previous,
            expected_class=expected_class,
            anchored_at=anchored_at,
            is_inspector=is_inspector,
            signature_domain=(signature_domains or {}).get(index) or fallback_domain,
        )
        verdict.events.append(event_verdict)
        previous = event_verdict.digest
    if heads_logs is not None and key is not None:
        _check_completeness(verdict, bundle, key, domains, heads_logs)
    _check_certificates(verdict, bundle, is_inspector, now)
    return verdict


def _check_certificates(
    verdict: LotVerdict, bundle: Mapping[str, Any], is_inspector: IsInspector, now: int | None
) -> None:
    """Check 9: each certificate's form, product and signature (a failure fails the bundle),
    then its state (valid, expired, revoked…), which does not."""
    verdict.certificates, problems = check_attestations(bundle, is_inspector=is_inspector, now=now)
    verdict.problems.extend(problems)


def _check_completeness(
    verdict: LotVerdict,
    bundle: Mapping[str, Any],
    key: str,
    domains: set[Domain],
    heads_logs: HeadsLogs,
) -> None:
    logs: list[HeadsLog] | None = []
    for domain in sorted(domains, key=repr):
        found = heads_logs(domain)
        if found is None:
            logs = None
            break
        logs.extend(found)
    items = [item if isinstance(item, Mapping) else {} for item in bundle["events"]]
    head = bundle.get("head")
    absences = bundle.get("absences")
    verdict.completeness, problems = completeness_check(
        key=key,
        digests=[event.digest for event in verdict.events],
        anchors=[item.get("anchor") for item in items],
        head=head if isinstance(head, Mapping) else None,
        absences=absences if isinstance(absences, list) else [],
        logs=logs,
    )
    verdict.problems.extend(problems)


def _verify_item(
    index: int,
    item: Any,
    *,
    previous: str | None,
    expected_class: str | None,
    anchored_at: AnchoredAt,
    is_inspector: IsInspector,
    signature_domain: Domain | None,
) -> EventVerdict:
    claimed = item.get("digest") if isinstance(item, Mapping) else None
    verdict = EventVerdict(index=index, digest=claimed if isinstance(claimed, str) else "")
    if not isinstance(item, Mapping) or not isinstance(item.get("event"), dict):
        verdict.problems.append("no event object")
        return verdict
    event = item["event"]

    # 1. The digest is the hash of the event as it stands.
    try:
        computed = event_digest(event)
    except ValueError as exc:
        verdict.problems.append(f"the event breaks the schema: {exc}")
        return verdict
    if computed != claimed:
        verdict.problems.append("the event does not hash to its digest (edited after the fact)")
    verdict.digest = computed

    # Disclosures (schema 2): each opens its commitment; a missing one is withheld.
    disclosures = item.get("disclosures") or []
    if not isinstance(disclosures, list):
        disclosures = [None]
    opened = set()
    for disclosure in disclosures:
        problem = disclosure_problem(event, disclosure)
        if problem:
            verdict.problems.append(problem)
        elif "value" in disclosure:
            opened.add(disclosure["path"])
    verdict.withheld = [path for path in commitment_paths(event) if path not in opened]

    # 2. The hash chain: each event names the digest of the one before it.
    if event.get("prevDigest") != previous:
        verdict.problems.append("the hash chain is broken (an event is missing or was changed)")

    # 3. The event is about this lot.
    if expected_class is not None and expected_class not in _lot_classes(event):
        verdict.problems.append("the event is about another lot")

    # 4. The anchor: the proof folds to a root that the chain says was anchored.
    anchor = item.get("anchor")
    if anchor is None:
        verdict.waiting = True
    else:
        _check_anchor(verdict, anchor, computed, anchored_at)

    # 5. The signature: recovers to the named signer, who is an accredited inspector.
    signature = item.get("signature")
    if signature is not None:
        _check_signature(verdict, signature, computed, signature_domain, is_inspector)
    return verdict


def _lot_classes(event: Mapping[str, Any]) -> set[str]:
    elements = event.get("quantityList") or event.get("outputQuantityList") or []
    return {e.get("epcClass") for e in elements if isinstance(e, Mapping)}


def _domain(anchor: Mapping[str, Any]) -> Domain:
    chain_id, contract = anchor["chainId"], anchor["contract"]
    if not isinstance(chain_id, int) or isinstance(chain_id, bool) or not is_address(contract):
        raise ValueError("bad chainId or contract")
    return Domain(chain_id=chain_id, contract=to_checksum_address(contract))


def _check_anchor(verdict: EventVerdict, anchor: Any, digest: str, anchored_at: AnchoredAt) -> None:
    try:
        domain = _domain(anchor)
        root, proof = anchor["root"], anchor["proof"]
        if not isinstance(proof, list):
            raise ValueError("proof is not a list")
        folds = merkle.verify(root=root, leaf=merkle.leaf_hash(digest), proof=proof)
    except (KeyError, TypeError, ValueError):
        verdict.problems.append("the anchor is malformed")
        return
    if not folds:
        verdict.problems.append("the Merkle proof does not lead to the anchored root")
        return
    timestamp = anchored_at(domain, root)
    if timestamp is None:
        verdict.anchor_unchecked = True
    elif timestamp == 0:
        verdict.problems.append("the chain has no record of this root")
    else:
        verdict.anchored_at = timestamp


def _check_signature(
    verdict: EventVerdict,
    signature: Any,
    digest: str,
    domain: Domain | None,
    is_inspector: IsInspector,
) -> None:
    if not isinstance(signature, Mapping) or signature.get("scheme") != SIGNATURE_SCHEME:
        verdict.problems.append("the signature is not an EIP-712 signature")
        return
    signer, value = signature.get("signer"), signature.get("value")
    if not (isinstance(signer, str) and is_address(signer) and isinstance(value, str)):
        verdict.problems.append("the signature is malformed")
        return
    verdict.signer = to_checksum_address(signer)
    if domain is None:  # neither stored nor anchored yet: nothing to check it against
        verdict.waiting = True
        return
    recovered = attestation_signer(digest=digest, domain=domain, signature=value)
    if recovered != verdict.signer:
        verdict.problems.append("the signature does not match the signer")
        return
    verdict.signer_accredited = is_inspector(domain, verdict.signer)
