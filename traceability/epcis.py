"""Our events as GS1 EPCIS 2.0 JSON-LD (CBV 2.0), with the CBV 2.0 event hash as ``eventID``.

Pure: takes event objects (as hashed) and returns JSON-ready events and documents. Our event
objects are already EPCIS-shaped; the export moves our own members (schema version, hash chain,
coordinates) under the ``chophien:`` namespace, writes quantities as JSON numbers, as the EPCIS
JSON schema asks, and gives an event that a later one corrects (``chophien:correction``) EPCIS's
``errorDeclaration``. The hashed objects themselves are never changed.

**Event IDs.** Every exported event's ``eventID`` is its CBV 2.0 event hash
(``ni:///sha-256;…?ver=CBV2.0``, GS1 CBV 2.0 section 8.9), computed by the reference
implementation (``epcis-event-hash-generator``) over the exported event, so that any EPCIS
system that receives the event computes the same ID. Our own ``urn:uuid`` stays as the
extension ``chophien:eventID``. The hash leaves out ``eventID``, ``recordTime`` and
``errorDeclaration`` (so a later correction does not change it); the exported form of an event
is fixed by ``EXPORT_VERSION`` and these rules, so the ID never changes either.

**No personal data.** The export never carries a disclosed value:

* schema 2: the event as hashed, commitments (``{"chophien:commitment": "0x…"}``) left as
  commitments: a person's name, a household's name and coordinates stay salted hashes, whether
  or not the person has asked for erasure;
* schema 1 (written before commitments existed): the recorder's name and phone
  (``chophien:actor``), the producer's name (``ilmd["chophien:producer"]``, a household's is a
  person's name) and the coordinates (``bizLocation`` latitude/longitude, a household's home)
  are left out. The bundle (``?format=json``) still carries them, as its proofs need.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

EPCIS_CONTEXT: Final = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
NAMESPACE: Final = "https://chophien.vn/ns/traceability#"
CONTEXT: Final = [EPCIS_CONTEXT, {"chophien": NAMESPACE}]
EXPORT_VERSION: Final = 1
"""The exported form of an event. Changing what an event exports changes its eventID: do it
only with a new version (and keep answering the old IDs)."""
_STANDARD: Final = (
    "type",
    "eventTime",
    "eventTimeZoneOffset",
    "action",
    "bizStep",
    "disposition",
    "certificationInfo",
    "ilmd",
)
_V1_PERSONAL_ACTOR: Final = ("name", "phone")
EXPORTED_STEPS: Final = {"transforming": "creating_class_instance"}
"""Our business steps that are not CBV 2.0 words, and the CBV word the export writes instead
(the event as hashed keeps ours; ``chophien:bizStep`` repeats it)."""


def _number(text: str) -> int | float:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


def _quantities(elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for element in elements:
        copy_ = dict(element)
        if "quantity" in copy_:
            copy_["quantity"] = _number(copy_["quantity"])
        out.append(copy_)
    return out


def _without_personal_data(key: str, value: Any, version: int) -> Any:
    """An extension member as exported: schema 1 loses the recorder's name and phone."""
    if version == 1 and key == "chophien:actor" and isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in _V1_PERSONAL_ACTOR}
    return copy.deepcopy(value)


def _ilmd(ilmd: dict[str, Any], version: int) -> dict[str, Any]:
    out = copy.deepcopy(ilmd)
    producer = out.get("chophien:producer")
    if version == 1 and isinstance(producer, dict):
        producer.pop("name", None)
    return out


def export_event(event: dict[str, Any], *, digest: str) -> dict[str, Any]:
    """One of our event objects as an EPCIS 2.0 event, without ``eventID`` and
    ``errorDeclaration``: exactly what the CBV 2.0 event hash covers."""
    version = event.get("schemaVersion", 1)
    out: dict[str, Any] = {}
    for key in _STANDARD:
        if key in event:
            out[key] = _ilmd(event[key], version) if key == "ilmd" else event[key]
    if out.get("bizStep") in EXPORTED_STEPS:
        out["chophien:bizStep"] = out["bizStep"]
        out["bizStep"] = EXPORTED_STEPS[out["bizStep"]]
    for key in ("quantityList", "inputQuantityList", "outputQuantityList"):
        if key in event:
            out[key] = _quantities(event[key])
    if "bizLocation" in event:
        location = event["bizLocation"]
        out["bizLocation"] = {"id": location["id"]}
        if version >= 2 and "chophien:geo" in location:  # an organisation's, or a commitment
            out["bizLocation"]["chophien:geo"] = copy.deepcopy(location["chophien:geo"])
    for key, value in event.items():
        if key.startswith("chophien:"):
            out[key] = _without_personal_data(key, value, version)
    out["chophien:eventID"] = event["eventID"]
    out["chophien:schemaVersion"] = version
    out["chophien:prevDigest"] = event["prevDigest"]
    out["chophien:digest"] = digest
    return out


# --------------------------------------------------------------------------- CBV 2.0 event hash

_HASH_LOCK = threading.Lock()  # the reference implementation keeps module-level state


def _strict_loader() -> Any:
    """pyld's document loader limited to the contexts the hash generator ships: the hash never
    makes a request (a context we do not know is an error, not a download)."""
    from epcis_event_hash_generator import file_document_loader
    from pyld.jsonld import JsonLdError

    shipped = file_document_loader.file_document_loader()

    def loader(url: str, options: dict | None = None) -> dict:
        if url != EPCIS_CONTEXT:
            raise JsonLdError(
                f"EPCIS hashing loads no context from the network ({url})",
                "jsonld.LoadDocumentError",
                code="loading document failed",
            )
        return shipped(url, options or {})

    return loader


_loader_ready = False


def event_hashes(events: Sequence[dict[str, Any]]) -> list[str]:
    """The CBV 2.0 event hash (SHA-256, ``ni:///sha-256;<hex>?ver=CBV2.0``) of each exported
    event (``export_event``), in order."""
    global _loader_ready
    if not events:
        return []
    from epcis_event_hash_generator import hash_generator, json_to_py
    from pyld import jsonld

    document = {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2000-01-01T00:00:00.000Z",
        "epcisBody": {"eventList": copy.deepcopy(list(events))},
    }
    with _HASH_LOCK:
        if not _loader_ready:
            jsonld.set_document_loader(_strict_loader())
            _loader_ready = True
        parsed = json_to_py.event_list_from_epcis_document_json(document)
        prehashes = hash_generator.derive_prehashes_from_events(parsed, "")
    if len(prehashes) != len(events):  # the generator logs and skips an event it cannot read
        raise ValueError("the CBV event hash could not be computed for every event")
    return hash_generator.calculate_hashes_from_pre_hashes(prehashes, "sha256")


def epcis_event(
    exported: dict[str, Any], *, event_id: str, corrected_by: Sequence[tuple[str, str]] = ()
) -> dict[str, Any]:
    """An exported event with its ``eventID`` (its CBV hash) and, when later events declare it
    wrong, ``errorDeclaration`` naming them: ``corrected_by`` is ``(eventTime, eventID)`` of
    each, in order."""
    out = {"eventID": event_id, **exported}
    if corrected_by:
        out["errorDeclaration"] = {
            "declarationTime": corrected_by[0][0],
            "reason": "incorrect_data",
            "correctiveEventIDs": [ident for _time, ident in corrected_by],
        }
    return out


def corrected_digest(event: dict[str, Any]) -> str | None:
    """The digest of the earlier event that ``event`` corrects, if it is a correction."""
    correction = event.get("chophien:correction")
    if isinstance(correction, dict) and isinstance(correction.get("digest"), str):
        return correction["digest"]
    return None


def epcis_events(
    pairs: Iterable[tuple[dict[str, Any], str]],
    *,
    corrections: Iterable[tuple[dict[str, Any], str]] = (),
    hashes: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """``(event object, digest)`` pairs as EPCIS events with their CBV hash IDs.

    ``corrections`` are further events (not exported) that may correct some of them;
    ``hashes`` maps digests to event IDs already known (the rest are computed)."""
    pairs = list(pairs)
    known = dict(hashes or {})
    everything = {digest: event for event, digest in [*pairs, *corrections]}
    exported = {digest: export_event(event, digest=digest) for digest, event in everything.items()}
    missing = [digest for digest in exported if digest not in known]
    known.update(zip(missing, event_hashes([exported[d] for d in missing]), strict=True))
    correcting: dict[str, list[tuple[str, str]]] = {}
    for digest, event in everything.items():
        target = corrected_digest(event)
        if target is not None:
            correcting.setdefault(target, []).append((event["eventTime"], known[digest]))
    for found in correcting.values():
        found.sort()
    return [
        epcis_event(exported[d], event_id=known[d], corrected_by=correcting.get(d, ()))
        for _event, d in pairs
    ]


def _creation(now: datetime) -> str:
    return now.isoformat(timespec="milliseconds")


def epcis_document(
    events: Iterable[tuple[dict[str, Any], str]],
    *,
    now: datetime,
    hashes: Mapping[str, str] | None = None,
) -> dict:
    """An ``EPCISDocument`` of ``(event object, digest)`` pairs (a lot's whole history), in
    order."""
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": _creation(now),
        "epcisBody": {"eventList": epcis_events(events, hashes=hashes)},
    }


def query_document(event_list: list[dict[str, Any]], *, now: datetime) -> dict:
    """An ``EPCISQueryDocument`` answering a query of the REST interface (``GET /events``)."""
    return {
        "@context": CONTEXT,
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": _creation(now),
        "epcisBody": {
            "queryResults": {
                "queryName": "SimpleEventQuery",
                "resultsBody": {"eventList": event_list},
            }
        },
    }
