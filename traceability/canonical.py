"""Canonical form and digests of traceability events.

A traceability event is a plain JSON object shaped after GS1 EPCIS 2.0 (JSON binding), with
business steps from the GS1 Core Business Vocabulary (CBV). Each event carries the digest of the
previous event of the same lot, so a lot's history is a hash chain; digests of many events are
later put in a Merkle tree (see ``traceability.merkle``) whose root is anchored on chain.

Frozen rules for ``schemaVersion`` 1
====================================

Once an event has been anchored, these rules never change. A change in what is hashed, or how,
is made only by adding a new schema version beside this one.

1.  ``digest = keccak256(canonical bytes)``, written as ``"0x"`` + 64 lowercase hex digits.
    The canonical bytes are the RFC 8785 (JSON Canonicalization Scheme) serialisation of the
    event object, in UTF-8. keccak256 is Ethereum's (original Keccak padding), not SHA3-256.
2.  Values are JSON objects (string keys), arrays, strings, ``true``/``false``, ``null`` and
    integers in ``[-(2**53 - 1), 2**53 - 1]``. Floating-point numbers are refused everywhere.
    Fractional values (quantities, weights, coordinates) are *decimal strings* matching
    ``^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$``, negative zero excluded. They are hashed as written:
    ``"12.50"`` and ``"12.5"`` are different events; the builder writes a ``Decimal`` with its
    own scale, never in exponent notation.
3.  Strings are hashed exactly as given: no Unicode normalisation (the NFC and NFD spellings of
    "Cà phê" give different digests), no trimming, no case folding. Store the event object as
    built and hash that object; never rebuild it from other data.
4.  Top-level members (optional ones are omitted when absent, never ``null``):

    ``schemaVersion``
        the integer ``1``.
    ``type``
        ``"TransformationEvent"`` when ``bizStep`` is ``"transforming"``, else ``"ObjectEvent"``.
    ``eventID``
        a URI, e.g. ``"urn:uuid:…"``.
    ``eventTime``
        ``YYYY-MM-DDTHH:MM:SS.sss±HH:MM``: ISO 8601 with milliseconds and an explicit offset
        (``+00:00`` for UTC, never ``Z``); the offset is a whole number of minutes.
    ``eventTimeZoneOffset``
        the offset of ``eventTime``, ``±HH:MM``.
    ``bizStep``
        one of ``commissioning``, ``inspecting``, ``transforming``, ``packing``, ``shipping``,
        ``receiving`` (CBV bare words).
    ``action``
        ObjectEvent only: ``"ADD"`` for ``commissioning``, ``"OBSERVE"`` otherwise.
    ``quantityList``
        ObjectEvent only: exactly one quantity element, the lot the event is about.
    ``inputQuantityList`` / ``outputQuantityList``
        TransformationEvent only: one or more input lots; exactly one output lot, which is the
        lot the event belongs to.
    ``prevDigest``
        the digest of the previous event of the same lot, or ``null`` for a lot's first event.
    ``bizLocation`` (optional)
        ``{"id": URI}``, optionally with ``latitude`` and ``longitude`` as decimal strings
        (WGS 84 degrees, within ±90 and ±180).
    ``disposition`` (optional)
        a CBV disposition word such as ``"in_transit"``.
    ``certificationInfo`` (optional)
        a URI or reference of an inspection certificate.
    ``ilmd`` (optional)
        an object of instance/lot master data; ``commissioning`` and ``transforming`` only.
    ``prefix:name`` (optional)
        extension members, as in EPCIS: a lowercase prefix, a colon, a name.

    A quantity element is ``{"epcClass": URI}`` plus, together or not at all,
    ``"quantity"`` (a non-negative decimal string) and ``"uom"`` (a UN/CEFACT Rec. 20 unit code
    such as ``"KGM"``). No other members are allowed.
5.  A lot's events form a chain: the first has ``prevDigest`` ``null``, each next one carries
    the digest of the one before it.

``schemaVersion`` 2 (``PROOF_FORMAT.md``) keeps every rule above except that coordinates move to
``bizLocation["chophien:geo"]`` and personal data may be a salted commitment
(``traceability.commitments``) at the places ``COMMITTABLE_PATHS`` names.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import rfc8785

try:  # the C extension is several times faster than pycryptodome's binding
    from sha3 import keccak_256 as _keccak_256

    def keccak256(data: bytes) -> bytes:
        """Return Ethereum's keccak256 of ``data`` (32 bytes)."""
        return _keccak_256(data).digest()

except ImportError:  # pragma: no cover - depends on the installed packages
    from Crypto.Hash import keccak as _keccak

    def keccak256(data: bytes) -> bytes:
        """Return Ethereum's keccak256 of ``data`` (32 bytes)."""
        return _keccak.new(digest_bits=256, data=data).digest()


__all__ = [
    "BIZ_STEPS",
    "SCHEMA_VERSION",
    "LotQuantity",
    "Location",
    "build_event",
    "canonical_json",
    "digest_to_bytes",
    "event_digest",
    "find_chain_break",
    "jcs_bytes",
    "keccak256",
    "validate_event",
]

SCHEMA_VERSION: Final = 1
SCHEMA_VERSIONS: Final = frozenset({1, 2})
COMMITMENT_KEY: Final = "chophien:commitment"
_PERSONAL: Final = ("chophien:actor/name", "chophien:actor/phone", "ilmd/chophien:producer/name")
COMMITTABLE_PATHS: Final = frozenset({f"/{p}" for p in _PERSONAL} | {"/bizLocation/chophien:geo"})

BIZ_STEPS: Final = frozenset(
    {"commissioning", "inspecting", "transforming", "packing", "shipping", "receiving"}
)

OBJECT_EVENT: Final = "ObjectEvent"
TRANSFORMATION_EVENT: Final = "TransformationEvent"

_MAX_SAFE_INT: Final = 2**53 - 1

_DECIMAL_RE: Final = re.compile(r"(?!-0(\.0+)?$)-?(0|[1-9][0-9]*)(\.[0-9]+)?")
_DIGEST_RE: Final = re.compile(r"0x[0-9a-f]{64}")
_TIME_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}([+-]\d{2}:\d{2})")
_OFFSET_RE: Final = re.compile(r"[+-]\d{2}:\d{2}")
_URI_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_UOM_RE: Final = re.compile(r"[A-Z0-9]{2,3}")
_WORD_RE: Final = re.compile(r"[a-z][a-z_]*")
_EXTENSION_KEY_RE: Final = re.compile(r"[a-z][a-z0-9]*:[A-Za-z_][A-Za-z0-9_]*")

_COMMON_KEYS: Final = frozenset(
    {
        "schemaVersion",
        "type",
        "eventID",
        "eventTime",
        "eventTimeZoneOffset",
        "bizStep",
        "prevDigest",
    }
)
_OPTIONAL_KEYS: Final = frozenset({"bizLocation", "disposition", "certificationInfo", "ilmd"})
_OBJECT_KEYS: Final = frozenset({"action", "quantityList"})
_TRANSFORMATION_KEYS: Final = frozenset({"inputQuantityList", "outputQuantityList"})
_ILMD_STEPS: Final = frozenset({"commissioning", "transforming"})


@dataclass(frozen=True, slots=True)
class LotQuantity:
    """A lot and, optionally, how much of it (``quantity`` and ``uom`` go together)."""

    lot: str
    quantity: Decimal | int | str | None = None
    uom: str | None = None


@dataclass(frozen=True, slots=True)
class Location:
    """A business location: a URI and, optionally, WGS 84 coordinates in degrees."""

    id: str
    latitude: Decimal | int | str | None = None
    longitude: Decimal | int | str | None = None


# --------------------------------------------------------------------------- building


def build_event(
    *,
    biz_step: str,
    event_id: str | uuid.UUID,
    event_time: datetime,
    lot: str,
    prev_digest: str | None,
    quantity: Decimal | int | str | None = None,
    uom: str | None = None,
    inputs: Sequence[LotQuantity] = (),
    location: Location | None = None,
    disposition: str | None = None,
    certification: str | None = None,
    ilmd: Mapping[str, Any] | None = None,
    extensions: Mapping[str, Any] | None = None,
    schema_version: int = SCHEMA_VERSION,
) -> dict[str, Any]:
    """Build an event object of ``schema_version`` (1 unless asked) and validate it.

    ``lot`` is the lot the event belongs to (its chain is the one ``prev_digest`` continues);
    for ``transforming`` it is the output lot and ``inputs`` lists the consumed lots.
    Quantities and coordinates may be given as ``Decimal``, ``int`` or decimal string, never
    ``float``; ``Decimal`` values inside ``ilmd`` and ``extensions`` become decimal strings.
    Raises ``ValueError`` when anything breaks the frozen rules.
    """
    if not isinstance(event_time, datetime):
        raise ValueError("event_time must be a datetime")
    if event_time.tzinfo is None or event_time.utcoffset() is None:
        raise ValueError("event_time must be timezone-aware (naive datetimes are refused)")
    if biz_step not in BIZ_STEPS:
        raise ValueError(f"unknown business step {biz_step!r}; expected one of {_steps()}")

    offset = event_time.utcoffset()
    assert offset is not None
    event: dict[str, Any] = {
        "schemaVersion": schema_version,
        "type": TRANSFORMATION_EVENT if biz_step == "transforming" else OBJECT_EVENT,
        "eventID": event_id.urn if isinstance(event_id, uuid.UUID) else event_id,
        "eventTime": event_time.isoformat(timespec="milliseconds"),
        "eventTimeZoneOffset": _format_offset(offset),
        "bizStep": biz_step,
    }
    own = _quantity_element(LotQuantity(lot=lot, quantity=quantity, uom=uom), where="lot")
    if biz_step == "transforming":
        if not inputs:
            raise ValueError("a transforming event needs at least one input lot")
        event["inputQuantityList"] = [
            _quantity_element(item, where=f"inputs[{i}]") for i, item in enumerate(inputs)
        ]
        event["outputQuantityList"] = [own]
    else:
        if inputs:
            raise ValueError(f"inputs are only allowed on transforming events, not {biz_step!r}")
        event["action"] = "ADD" if biz_step == "commissioning" else "OBSERVE"
        event["quantityList"] = [own]
    if location is not None:
        event["bizLocation"] = _location_object(location, schema_version)
    if disposition is not None:
        event["disposition"] = disposition
    if certification is not None:
        event["certificationInfo"] = certification
    if ilmd is not None:
        event["ilmd"] = _plain_json(ilmd, where="ilmd")
    for key, value in (extensions or {}).items():
        if key in event:
            raise ValueError(f"extension {key!r} collides with a standard member")
        event[key] = _plain_json(value, where=str(key))
    event["prevDigest"] = prev_digest
    validate_event(event)
    return event


def _steps() -> str:
    return ", ".join(sorted(BIZ_STEPS))


def _format_offset(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    if seconds % 60 or offset.microseconds:
        raise ValueError("the UTC offset of event_time must be a whole number of minutes")
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _decimal_string(value: Decimal | int | str, *, where: str) -> str:
    if isinstance(value, bool | float):
        raise ValueError(f"{where}: {type(value).__name__} is not allowed; use a decimal string")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{where}: {value} is not a finite number")
        text = format(value.copy_abs() if value.is_zero() else value, "f")
    elif isinstance(value, str):
        text = value
    else:
        raise ValueError(f"{where}: expected Decimal, int or decimal string, got {value!r}")
    _check_decimal(text, where=where)
    return text


def _quantity_element(item: LotQuantity, *, where: str) -> dict[str, Any]:
    element: dict[str, Any] = {"epcClass": item.lot}
    if (item.quantity is None) != (item.uom is None):
        raise ValueError(f"{where}: quantity and uom go together")
    if item.quantity is not None:
        element["quantity"] = _decimal_string(item.quantity, where=f"{where}.quantity")
        element["uom"] = item.uom
    return element


def _location_object(location: Location, version: int) -> dict[str, Any]:
    obj: dict[str, Any] = {"id": location.id}
    if (location.latitude is None) != (location.longitude is None):
        raise ValueError("location: latitude and longitude go together")
    if location.latitude is not None and location.longitude is not None:
        geo = obj if version == 1 else obj.setdefault("chophien:geo", {})
        geo["latitude"] = _decimal_string(location.latitude, where="location.latitude")
        geo["longitude"] = _decimal_string(location.longitude, where="location.longitude")
    return obj


def _plain_json(value: Any, *, where: str) -> Any:
    """Copy free-form data, turning ``Decimal`` into decimal strings; refuse non-JSON values."""
    if isinstance(value, Decimal):
        return _decimal_string(value, where=where)
    if isinstance(value, Mapping):
        return {key: _plain_json(item, where=f"{where}.{key}") for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_json(item, where=f"{where}[{i}]") for i, item in enumerate(value)]
    return value


# --------------------------------------------------------------------------- validating


def validate_event(event: Any) -> None:
    """Raise ``ValueError`` unless ``event`` follows the frozen rules of its schema version."""
    if not isinstance(event, dict):
        raise ValueError("an event must be a JSON object (dict)")
    if not _plain_json_ok(event):
        _check_json(event, where="event")  # finds and names the offending value

    version = event.get("schemaVersion")
    if version not in SCHEMA_VERSIONS or isinstance(version, bool):
        raise ValueError(f"unsupported schemaVersion {version!r}; expected 1 or 2")

    step = event.get("bizStep")
    if step not in BIZ_STEPS:
        raise ValueError(f"unknown business step {step!r}; expected one of {_steps()}")
    transforming = step == "transforming"

    allowed = _COMMON_KEYS | _OPTIONAL_KEYS
    allowed |= _TRANSFORMATION_KEYS if transforming else _OBJECT_KEYS
    required = _COMMON_KEYS | (_TRANSFORMATION_KEYS if transforming else _OBJECT_KEYS)
    keys = set(event)
    missing = required - keys
    if missing:
        raise ValueError(f"missing member(s): {', '.join(sorted(missing))}")
    unknown = {k for k in keys - allowed if not _EXTENSION_KEY_RE.fullmatch(k)}
    if unknown:
        raise ValueError(f"unknown member(s): {', '.join(sorted(unknown))}")

    expected_type = TRANSFORMATION_EVENT if transforming else OBJECT_EVENT
    if event["type"] != expected_type:
        raise ValueError(f"type must be {expected_type!r} for bizStep {step!r}")
    _check_uri(event["eventID"], where="eventID")
    _check_time(event["eventTime"], event["eventTimeZoneOffset"])

    if transforming:
        inputs = event["inputQuantityList"]
        if not isinstance(inputs, list) or not inputs:
            raise ValueError("inputQuantityList must be a non-empty list")
        for i, element in enumerate(inputs):
            _check_quantity_element(element, where=f"inputQuantityList[{i}]")
        _check_single_element(event["outputQuantityList"], where="outputQuantityList")
    else:
        expected_action = "ADD" if step == "commissioning" else "OBSERVE"
        if event["action"] != expected_action:
            raise ValueError(f"action must be {expected_action!r} for bizStep {step!r}")
        _check_single_element(event["quantityList"], where="quantityList")

    prev = event["prevDigest"]
    if prev is not None and not (isinstance(prev, str) and _DIGEST_RE.fullmatch(prev)):
        raise ValueError("prevDigest must be null or 0x followed by 64 lowercase hex digits")

    if "bizLocation" in event:
        _check_location(event["bizLocation"], version)
    if version == 2:
        _check_commitments(event, "")
    if "disposition" in event and not (
        isinstance(event["disposition"], str) and _WORD_RE.fullmatch(event["disposition"])
    ):
        raise ValueError("disposition must be a CBV word such as 'in_transit'")
    if "certificationInfo" in event and not (
        isinstance(event["certificationInfo"], str) and event["certificationInfo"]
    ):
        raise ValueError("certificationInfo must be a non-empty string")
    if "ilmd" in event:
        if step not in _ILMD_STEPS:
            raise ValueError("ilmd is only allowed on commissioning and transforming events")
        if not isinstance(event["ilmd"], dict):
            raise ValueError("ilmd must be an object")


def _plain_json_ok(value: Any) -> bool:
    """Fast yes/no of ``_check_json`` (no paths built): JSON types only, safe integers."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is int:
            if -_MAX_SAFE_INT <= item <= _MAX_SAFE_INT:
                continue
            return False
        if kind is dict:
            for key in item:
                if type(key) is not str:
                    return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        else:  # floats, subclasses, anything else: let _check_json decide and explain
            return False
    return True


def _check_json(value: Any, *, where: str) -> None:
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, float):
        raise ValueError(
            f"{where}: floating-point numbers are not allowed; write {value!r} as a decimal string"
        )
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE_INT:
            raise ValueError(f"{where}: integer {value} is outside ±(2**53 - 1)")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{where}: object keys must be strings, got {key!r}")
            _check_json(item, where=f"{where}.{key}")
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_json(item, where=f"{where}[{i}]")
        return
    raise ValueError(f"{where}: {type(value).__name__} is not a JSON value")


def _check_decimal(text: Any, *, where: str) -> None:
    if not (isinstance(text, str) and _DECIMAL_RE.fullmatch(text)):
        raise ValueError(f"{where}: {text!r} is not a decimal string like '12.5'")


def _check_uri(value: Any, *, where: str) -> None:
    if not (isinstance(value, str) and _URI_RE.fullmatch(value)):
        raise ValueError(f"{where}: {value!r} is not a URI")


def _check_time(value: Any, offset: Any) -> None:
    match = _TIME_RE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(
            f"eventTime {value!r} must look like 2025-03-01T08:30:00.000+07:00 "
            "(milliseconds and an explicit offset)"
        )
    try:
        datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"eventTime {value!r} is not a valid time") from exc
    if not (isinstance(offset, str) and _OFFSET_RE.fullmatch(offset)):
        raise ValueError(f"eventTimeZoneOffset {offset!r} must look like +07:00")
    if offset != match.group(1):
        raise ValueError("eventTimeZoneOffset must equal the offset of eventTime")


def _check_quantity_element(element: Any, *, where: str) -> None:
    if not isinstance(element, dict):
        raise ValueError(f"{where} must be an object")
    unknown = set(element) - {"epcClass", "quantity", "uom"}
    if unknown:
        raise ValueError(f"{where}: unknown member(s): {', '.join(sorted(unknown))}")
    _check_uri(element.get("epcClass"), where=f"{where}.epcClass")
    if ("quantity" in element) != ("uom" in element):
        raise ValueError(f"{where}: quantity and uom go together")
    if "quantity" in element:
        quantity = element["quantity"]
        _check_decimal(quantity, where=f"{where}.quantity")
        if quantity.startswith("-"):
            raise ValueError(f"{where}.quantity must not be negative")
        uom = element["uom"]
        if not (isinstance(uom, str) and _UOM_RE.fullmatch(uom)):
            raise ValueError(f"{where}.uom {uom!r} is not a UN/CEFACT unit code like 'KGM'")


def _check_single_element(elements: Any, *, where: str) -> None:
    if not isinstance(elements, list) or len(elements) != 1:
        raise ValueError(f"{where} must hold exactly one element (the event's lot)")
    _check_quantity_element(elements[0], where=f"{where}[0]")


def _check_commitments(value: Any, path: str) -> None:
    """Schema 2: a commitment object stands only where ``COMMITTABLE_PATHS`` allows one."""
    if isinstance(value, dict):
        if COMMITMENT_KEY in value:
            digest = value[COMMITMENT_KEY]
            if path not in COMMITTABLE_PATHS:
                raise ValueError(f"{path}: a commitment is not allowed here")
            if len(value) != 1 or not (isinstance(digest, str) and _DIGEST_RE.fullmatch(digest)):
                raise ValueError(f"{path}: a commitment is {{{COMMITMENT_KEY!r}: '0x…'}}")
            return
        for key, item in value.items():
            _check_commitments(item, f"{path}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_commitments(item, f"{path}/{index}")


def _check_location(location: Any, version: int = 1) -> None:
    if not isinstance(location, dict):
        raise ValueError("bizLocation must be an object")
    unknown = set(location) - ({"id", "latitude", "longitude"} if version == 1 else {"id"})
    if unknown - {"chophien:geo"} or (version == 1 and "chophien:geo" in location):
        raise ValueError(f"bizLocation: unknown member(s): {', '.join(sorted(unknown))}")
    _check_uri(location.get("id"), where="bizLocation.id")
    if version == 2:
        geo = location.get("chophien:geo", {})
        if not isinstance(geo, dict) or set(geo) - {"latitude", "longitude", COMMITMENT_KEY}:
            raise ValueError("bizLocation.chophien:geo holds latitude and longitude")
        if COMMITMENT_KEY in geo:
            return
        location = geo
    if ("latitude" in location) != ("longitude" in location):
        raise ValueError("bizLocation: latitude and longitude go together")
    for name, limit in (("latitude", 90), ("longitude", 180)):
        if name in location:
            _check_decimal(location[name], where=f"bizLocation.{name}")
            if abs(Decimal(location[name])) > limit:
                raise ValueError(f"bizLocation.{name} must be within ±{limit}")


# --------------------------------------------------------------------------- hashing


def canonical_json(event: dict[str, Any]) -> bytes:
    """Validate ``event`` and return its RFC 8785 canonical UTF-8 bytes."""
    validate_event(event)
    return jcs_bytes(event)


_NON_BMP: Final = re.compile("[\U00010000-\U0010ffff]")


def jcs_bytes(value: Any) -> bytes:
    """RFC 8785 bytes of a JSON value holding no floats (what ``validate_event`` lets through).

    For such values the JCS output equals the standard library's compact, key-sorted
    ``json.dumps(ensure_ascii=False)`` (its C encoder): integers print the same, strings escape
    the same characters (``"``, ``\\`` and controls, with the same short forms and lowercase
    ``\\u00xx``), and sorting by code point equals JCS's UTF-16 order as long as no character
    lies outside the Basic Multilingual Plane. Anything else (a character past U+FFFF, a lone
    surrogate) takes the ``rfc8785`` package's reference path. A property test holds the two
    equal.
    """
    try:
        text = json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
        )
        if _NON_BMP.search(text) is None:
            return text.encode("utf-8")
    except (TypeError, ValueError):  # UnicodeEncodeError is a ValueError
        pass
    return rfc8785.dumps(value)


def event_digest(event: dict[str, Any]) -> str:
    """Validate ``event`` and return ``0x`` + lowercase hex of keccak256 of its canonical bytes."""
    return "0x" + keccak256(canonical_json(event)).hex()


def digest_to_bytes(digest: str | bytes) -> bytes:
    """Return the 32 bytes of a digest given as ``0x``-prefixed hex or as bytes."""
    if isinstance(digest, bytes):
        raw = digest
    elif isinstance(digest, str) and digest[:2] in ("0x", "0X"):
        try:
            raw = bytes.fromhex(digest[2:])
        except ValueError as exc:
            raise ValueError(f"{digest!r} is not a hex digest") from exc
    else:
        raise ValueError(f"{digest!r} is not a 0x-prefixed hex digest")
    if len(raw) != 32:
        raise ValueError(f"a digest has 32 bytes, got {len(raw)}")
    return raw


def find_chain_break(
    events: Sequence[dict[str, Any]], *, prev_digest: str | None = None
) -> int | None:
    """Return the index of the first event that breaks the lot's hash chain, or ``None``.

    The first event must carry ``prev_digest`` (``None``: the lot's very first event; pass the
    digest of the event before ``events[0]`` to check a later stretch of the history). Every
    next event must carry the digest of the one before it. An event that is not valid under
    the frozen rules also breaks the chain at its index.
    """
    expected = prev_digest
    for index, event in enumerate(events):
        if not isinstance(event, dict) or event.get("prevDigest", "missing") != expected:
            return index
        try:
            expected = event_digest(event)
        except ValueError:
            return index
    return None
