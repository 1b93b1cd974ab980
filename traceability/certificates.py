"""Certificates as signed attestations with a validity window (``PROOF_FORMAT.md``,
"Certificates"): an OCOP star rating (at most 36 months) or a geographical-indication right.

Pure: no Django, no database, no network. The typed data is EIP-712 in the traceability domain
with its own primary type ``Certificate``; :func:`check_attestations` is check 9 of the
verifier, called by ``proofs.verify_bundle`` at its end with the chain asked through a callable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

from traceability.chain.crypto import (
    is_address,
    to_checksum_address,
    typed_data_sign,
    typed_data_signer,
)

__all__ = [
    "CERTIFICATE_FIELDS",
    "KINDS",
    "MAX_OCOP_SECONDS",
    "CertificateState",
    "CertificateVerdict",
    "attestation_item",
    "certificate_message",
    "certificate_sign",
    "certificate_signer",
    "certificate_typed_data",
    "check_attestations",
]

# The EIP-712 domain of every signature on the floor (events' attestations in proofs.py too).
DOMAIN_NAME: Final = "Cho Phien Traceability"
DOMAIN_VERSION: Final = "1"
SCHEME: Final = "EIP-712"
KINDS: Final = ("ocop", "gi")
OCOP_LEVELS: Final = (3, 4, 5)
MAX_OCOP_SECONDS: Final = 1096 * 24 * 60 * 60
"""36 months at most: three years hold at most one 29 February, so 1 096 days."""
MAX_REFERENCE_LENGTH: Final = 100
UINT64_MAX: Final = 2**64 - 1

CERTIFICATE_FIELDS: Final = [
    {"name": "gtin", "type": "string"},
    {"name": "kind", "type": "string"},
    {"name": "reference", "type": "string"},
    {"name": "level", "type": "uint8"},
    {"name": "validFrom", "type": "uint64"},
    {"name": "validUntil", "type": "uint64"},
]
DOMAIN_FIELDS: Final = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
_GTIN14 = re.compile(r"[0-9]{14}")

IsInspector = Callable[[Any, str], "bool | None"]
"""``(proofs.Domain, address) -> accredited?, None if the chain can't tell``."""


def certificate_message(
    *, gtin: str, kind: str, reference: str, level: int, valid_from: int, valid_until: int
) -> dict[str, Any]:
    """The ``message`` of a certificate; raises ``ValueError`` if it breaks the format."""
    message = {
        "gtin": gtin,
        "kind": kind,
        "reference": reference,
        "level": level,
        "validFrom": valid_from,
        "validUntil": valid_until,
    }
    problem = message_problem(message)
    if problem:
        raise ValueError(problem)
    return message


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def message_problem(message: Any) -> str | None:
    """What is wrong with a certificate ``message`` (``None`` if nothing)."""
    if not isinstance(message, Mapping):
        return "no message"
    names = {f["name"] for f in CERTIFICATE_FIELDS}
    if set(message) != names:
        return "the message does not have exactly the certificate's fields"
    gtin, kind, reference = message["gtin"], message["kind"], message["reference"]
    level, start, end = message["level"], message["validFrom"], message["validUntil"]
    if not (isinstance(gtin, str) and _GTIN14.fullmatch(gtin)):
        return "the GTIN is not 14 digits"
    if kind not in KINDS:
        return "the kind is neither ocop nor gi"
    if not (isinstance(reference, str) and 1 <= len(reference) <= MAX_REFERENCE_LENGTH):
        return "the certificate number is empty or too long"
    if not (_is_int(level) and _is_int(start) and _is_int(end)):
        return "the level or the validity window is not an integer"
    if kind == "ocop" and level not in OCOP_LEVELS:
        return "an OCOP rating has 3, 4 or 5 stars"
    if kind == "gi" and level != 0:
        return "a geographical indication has level 0"
    if not (0 <= start < end <= UINT64_MAX):
        return "the validity window is empty"
    if kind == "ocop" and end - start > MAX_OCOP_SECONDS:
        return "an OCOP rating is valid 36 months at most"
    return None


def domain_json(*, chain_id: int, contract: str) -> dict[str, Any]:
    return {
        "name": DOMAIN_NAME,
        "version": DOMAIN_VERSION,
        "chainId": chain_id,
        "verifyingContract": to_checksum_address(contract),
    }


def certificate_typed_data(*, message: Mapping[str, Any], domain: Any) -> dict[str, Any]:
    """The full EIP-712 typed data of a certificate in ``domain`` (a ``proofs.Domain``)."""
    return {
        "types": {"EIP712Domain": DOMAIN_FIELDS, "Certificate": CERTIFICATE_FIELDS},
        "primaryType": "Certificate",
        "domain": domain_json(chain_id=domain.chain_id, contract=domain.contract),
        "message": dict(message),
    }


def certificate_sign(
    *, message: Mapping[str, Any], domain: Any, private_key: bytes
) -> tuple[str, str]:
    """Sign a certificate; return ``(signer address, 0x signature)``."""
    problem = message_problem(message)
    if problem:
        raise ValueError(problem)
    return typed_data_sign(
        certificate_typed_data(message=message, domain=domain), private_key=private_key
    )


def certificate_signer(*, message: Mapping[str, Any], domain: Any, signature: str) -> str | None:
    """The address that signed the certificate, or ``None`` when the signature is malformed."""
    try:
        typed_data = certificate_typed_data(message=message, domain=domain)
        return typed_data_signer(typed_data, signature=signature)
    except Exception:  # noqa: BLE001 - any malformed signature is simply "no signer"
        return None


def attestation_item(
    *,
    message: Mapping[str, Any],
    domain: Any,
    signer: str,
    signature: str,
    revoked_at: datetime | None = None,
) -> dict[str, Any]:
    """A certificate as an item of the bundle's ``attestations``."""
    return {
        "scheme": SCHEME,
        "domain": domain_json(chain_id=domain.chain_id, contract=domain.contract),
        "message": dict(message),
        "signer": to_checksum_address(signer),
        "signature": signature,
        "revokedAt": (
            revoked_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if revoked_at else None
        ),
    }


# --------------------------------------------------------------------------- check 9


class CertificateState(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    UNACCREDITED = "unaccredited"
    UNCHECKED = "unchecked"
    INVALID = "invalid"
    """Malformed, about another product, or a signature that does not match: fails the bundle."""


@dataclass
class CertificateVerdict:
    index: int
    state: CertificateState
    kind: str = ""
    level: int = 0
    reference: str = ""
    valid_from: int = 0
    valid_until: int = 0
    signer: str | None = None
    revoked_at: str | None = None
    problem: str | None = None

    @property
    def valid(self) -> bool:
        return self.state is CertificateState.VALID

    @property
    def valid_from_time(self) -> datetime:
        return datetime.fromtimestamp(self.valid_from, tz=UTC)

    @property
    def valid_until_time(self) -> datetime:
        return datetime.fromtimestamp(self.valid_until, tz=UTC)

    @property
    def revoked_time(self) -> datetime | None:
        if not self.revoked_at:
            return None
        try:
            return datetime.strptime(self.revoked_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return None

    @property
    def words(self) -> str:
        """The state in the words of ``PROOF_FORMAT.md`` (English, for the CLI)."""
        day = "%Y-%m-%d"
        if self.state is CertificateState.INVALID:
            return self.problem or "invalid"
        return {
            CertificateState.REVOKED: f"withdrawn on {(self.revoked_at or '')[:10]}",
            CertificateState.UNACCREDITED: "signed by a key that is not accredited",
            CertificateState.UNCHECKED: "accreditation could not be checked",
            CertificateState.NOT_YET_VALID: f"valid from {self.valid_from_time:{day}}",
            CertificateState.EXPIRED: f"expired on {self.valid_until_time:{day}}",
            CertificateState.VALID: f"valid until {self.valid_until_time:{day}}",
        }[self.state]


def _item_domain(item: Mapping[str, Any]) -> Any:
    from traceability.proofs import Domain  # proofs imports this module

    domain = item.get("domain")
    if not isinstance(domain, Mapping):
        raise ValueError("no domain")
    chain_id, contract = domain.get("chainId"), domain.get("verifyingContract")
    if (
        domain.get("name") != DOMAIN_NAME
        or domain.get("version") != DOMAIN_VERSION
        or not _is_int(chain_id)
        or chain_id < 0
        or not isinstance(contract, str)
        or not is_address(contract)
    ):
        raise ValueError("bad domain")
    return Domain(chain_id=chain_id, contract=to_checksum_address(contract))


def check_attestation(
    index: int, item: Any, *, gtin: str | None, is_inspector: IsInspector, now: int
) -> CertificateVerdict:
    """Check 9 for one item of ``attestations``."""
    verdict = CertificateVerdict(index=index, state=CertificateState.INVALID)
    if not isinstance(item, Mapping) or item.get("scheme") != SCHEME:
        verdict.problem = "a certificate is malformed"
        return verdict
    message, signer, signature = item.get("message"), item.get("signer"), item.get("signature")
    revoked_at = item.get("revokedAt")
    try:
        domain = _item_domain(item)
    except ValueError:
        domain = None
    if (
        domain is None
        or message_problem(message) is not None
        or not (isinstance(signer, str) and is_address(signer))
        or not isinstance(signature, str)
        or not (revoked_at is None or isinstance(revoked_at, str))
    ):
        verdict.problem = "a certificate is malformed"
        return verdict
    verdict.kind, verdict.level, verdict.reference = (
        message["kind"],
        message["level"],
        message["reference"],
    )
    verdict.valid_from, verdict.valid_until = message["validFrom"], message["validUntil"]
    verdict.signer, verdict.revoked_at = to_checksum_address(signer), revoked_at
    if gtin is not None and message["gtin"] != gtin:
        verdict.problem = "a certificate is about another product"
        return verdict
    if certificate_signer(message=message, domain=domain, signature=signature) != verdict.signer:
        verdict.problem = "a certificate's signature does not match its signer"
        return verdict
    if revoked_at is not None:
        verdict.state = CertificateState.REVOKED
        return verdict
    accredited = is_inspector(domain, verdict.signer)
    if accredited is False:
        verdict.state = CertificateState.UNACCREDITED
    elif accredited is None:
        verdict.state = CertificateState.UNCHECKED
    elif now < verdict.valid_from:
        verdict.state = CertificateState.NOT_YET_VALID
    elif now >= verdict.valid_until:
        verdict.state = CertificateState.EXPIRED
    else:
        verdict.state = CertificateState.VALID
    return verdict


def check_attestations(
    bundle: Mapping[str, Any], *, is_inspector: IsInspector, now: int | None = None
) -> tuple[list[CertificateVerdict], list[str]]:
    """Check 9 for every item of the bundle's ``attestations``: the verdicts, and the problems
    that fail the bundle (each named once)."""
    items = bundle.get("attestations")
    if items is None:
        return [], []
    if not isinstance(items, list):
        return [], ["the attestations are not a list"]
    lot = bundle.get("lot")
    gtin = lot.get("gtin") if isinstance(lot, Mapping) else None
    moment = int(datetime.now(tz=UTC).timestamp()) if now is None else now
    verdicts = [
        check_attestation(
            index,
            item,
            gtin=str(gtin) if gtin is not None else None,
            is_inspector=is_inspector,
            now=moment,
        )
        for index, item in enumerate(items)
    ]
    problems = list(dict.fromkeys(v.problem for v in verdicts if v.problem))
    return verdicts, problems


def certificate_domains(bundle: Mapping[str, Any]) -> set[Any]:
    """The (chain, registry) of every well-formed certificate of the bundle."""
    domains = set()
    for item in bundle.get("attestations") or ():
        if isinstance(item, Mapping):
            try:
                domains.add(_item_domain(item))
            except ValueError:
                continue
    return domains
