"""Export a lot's events as an EPCIS 2.0 JSON-LD document (GS1 EPCIS 2.0, CBV 2.0).

Pure: takes event objects (as hashed) and returns a JSON-ready document. Our event objects are
already EPCIS-shaped; the export only moves our own members (schema version, hash chain,
coordinates) under the ``chophien:`` namespace, writes quantities as JSON numbers, as the
EPCIS JSON schema asks, and gives an event that a later one corrects (``chophien:correction``)
EPCIS's ``errorDeclaration``. The hashed objects themselves are never changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

EPCIS_CONTEXT: Final = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
NAMESPACE: Final = "https://chophien.vn/ns/traceability#"
_STANDARD: Final = (
    "type",
    "eventTime",
    "eventTimeZoneOffset",
    "eventID",
    "action",
    "bizStep",
    "disposition",
    "certificationInfo",
    "ilmd",
)


def _number(text: str) -> int | float:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


def _quantities(elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for element in elements:
        copy = dict(element)
        if "quantity" in copy:
            copy["quantity"] = _number(copy["quantity"])
        out.append(copy)
    return out


def epcis_event(
    event: dict[str, Any], *, digest: str, corrected_by: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """One of our event objects as an EPCIS 2.0 JSON-LD event.

    ``corrected_by`` lists the later events that declare this one wrong (their
    ``chophien:correction`` names it); the export carries that as EPCIS's ``errorDeclaration``.
    """
    out: dict[str, Any] = {key: event[key] for key in _STANDARD if key in event}
    if corrected_by:
        out["errorDeclaration"] = {
            "declarationTime": corrected_by[0]["eventTime"],
            "reason": "incorrect_data",
            "correctiveEventIDs": [e["eventID"] for e in corrected_by],
        }
    for key in ("quantityList", "inputQuantityList", "outputQuantityList"):
        if key in event:
            out[key] = _quantities(event[key])
    if "bizLocation" in event:
        location = event["bizLocation"]
        out["bizLocation"] = {"id": location["id"]}
        for name in ("latitude", "longitude"):
            if name in location:
                out["bizLocation"][f"chophien:{name}"] = location[name]
    for key, value in event.items():
        if key.startswith("chophien:"):
            out[key] = value
    out["chophien:schemaVersion"] = event["schemaVersion"]
    out["chophien:prevDigest"] = event["prevDigest"]
    out["chophien:digest"] = digest
    return out


def epcis_document(events: Iterable[tuple[dict[str, Any], str]], *, now: datetime) -> dict:
    """An ``EPCISDocument`` of ``(event object, digest)`` pairs, in order."""
    pairs = list(events)
    corrections: dict[str, list[dict[str, Any]]] = {}
    for event, _digest in pairs:
        correction = event.get("chophien:correction")
        if isinstance(correction, dict) and "eventID" in correction:
            corrections.setdefault(correction["eventID"], []).append(event)
    return {
        "@context": [EPCIS_CONTEXT, {"chophien": NAMESPACE}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": now.isoformat(timespec="milliseconds"),
        "epcisBody": {
            "eventList": [
                epcis_event(e, digest=d, corrected_by=corrections.get(e.get("eventID"), []))
                for e, d in pairs
            ]
        },
    }
