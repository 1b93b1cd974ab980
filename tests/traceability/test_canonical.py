"""Canonical events: building, validation, digests and hash chains (schema version 1)."""

from __future__ import annotations

import copy
import json
import random
import re
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from Crypto.Hash import keccak as cryptodome_keccak
from hypothesis import assume, given
from hypothesis import strategies as st

from traceability.canonical import (
    BIZ_STEPS,
    SCHEMA_VERSION,
    Location,
    LotQuantity,
    build_event,
    canonical_json,
    digest_to_bytes,
    event_digest,
    find_chain_break,
    keccak256,
    validate_event,
)

ICT = timezone(timedelta(hours=7), "ICT")
LOT = "urn:epc:class:lgtin:8930000.00123.CP2503"
DIGEST_RE = re.compile(r"0x[0-9a-f]{64}")

# A frozen event and its canonical bytes and digest. If this test fails, the hashing rules of
# schema version 1 have changed, which must never happen once events are anchored.
GOLDEN_CANONICAL = (
    '{"action":"ADD","bizLocation":{"id":"urn:epc:id:sgln:8930000.00001.0",'
    '"latitude":"12.6667","longitude":"108.0500"},"bizStep":"commissioning",'
    '"eventID":"urn:uuid:0b6c6a3e-2f4c-4b8e-9a51-3d1f6c2e7a10",'
    '"eventTime":"2025-03-01T08:30:00.000+07:00","eventTimeZoneOffset":"+07:00",'
    '"ilmd":{"harvestYear":2025,"productName":"C\u00e0 ph\u00ea Robusta Bu\u00f4n Ma Thu\u1ed9t"},'
    '"prevDigest":null,"quantityList":[{"epcClass":"urn:epc:class:lgtin:8930000.00123.CP2503",'
    '"quantity":"125.50","uom":"KGM"}],"schemaVersion":1,"type":"ObjectEvent"}'
)
GOLDEN_DIGEST = "0x4a53da6d482d779fe6c4abf758bc0ad9d9534c72b4500bbcb11fd3ca86cb82d4"


def golden_event() -> dict[str, Any]:
    return build_event(
        biz_step="commissioning",
        event_id=uuid.UUID("0b6c6a3e-2f4c-4b8e-9a51-3d1f6c2e7a10"),
        event_time=datetime(2025, 3, 1, 8, 30, tzinfo=ICT),
        lot=LOT,
        quantity=Decimal("125.50"),
        uom="KGM",
        prev_digest=None,
        location=Location(
            id="urn:epc:id:sgln:8930000.00001.0",
            latitude=Decimal("12.6667"),
            longitude=Decimal("108.0500"),
        ),
        ilmd={
            "productName": "C\u00e0 ph\u00ea Robusta Bu\u00f4n Ma Thu\u1ed9t",
            "harvestYear": 2025,
        },
    )


def make_event(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "biz_step": "shipping",
        "event_id": "urn:uuid:7d1f3c58-0d0e-4f57-a3a5-7c0f2f8e8f01",
        "event_time": datetime(2025, 3, 2, 14, 5, 9, 250_000, tzinfo=ICT),
        "lot": LOT,
        "quantity": "120.0",
        "uom": "KGM",
        "prev_digest": "0x" + "ab" * 32,
    }
    arguments.update(overrides)
    return build_event(**arguments)


def cryptodome_keccak256(data: bytes) -> bytes:
    return cryptodome_keccak.new(digest_bits=256, data=data).digest()


# --------------------------------------------------------------------------- frozen vectors


def test_keccak256_is_ethereums_keccak() -> None:
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert keccak256(b"abc").hex() == (
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    )


@given(st.binary(max_size=300))
def test_keccak256_agrees_with_pycryptodome(data: bytes) -> None:
    assert keccak256(data) == cryptodome_keccak256(data)


def test_golden_event_canonical_bytes_and_digest() -> None:
    event = golden_event()
    assert canonical_json(event) == GOLDEN_CANONICAL.encode("utf-8")
    assert event_digest(event) == GOLDEN_DIGEST
    assert "0x" + cryptodome_keccak256(GOLDEN_CANONICAL.encode("utf-8")).hex() == GOLDEN_DIGEST


def test_golden_event_survives_a_json_round_trip() -> None:
    stored = json.loads(json.dumps(golden_event()))
    assert event_digest(stored) == GOLDEN_DIGEST


def test_member_order_does_not_matter() -> None:
    event = golden_event()
    items = list(event.items())
    random.Random(7).shuffle(items)
    assert event_digest(dict(items)) == GOLDEN_DIGEST


def test_schema_version_is_one() -> None:
    assert SCHEMA_VERSION == 1
    assert golden_event()["schemaVersion"] == 1


# --------------------------------------------------------------------------- building


@pytest.mark.parametrize("step", sorted(BIZ_STEPS - {"transforming"}))
def test_object_events_for_each_step(step: str) -> None:
    event = make_event(biz_step=step)
    assert event["type"] == "ObjectEvent"
    assert event["bizStep"] == step
    assert event["action"] == ("ADD" if step == "commissioning" else "OBSERVE")
    assert event["quantityList"] == [{"epcClass": LOT, "quantity": "120.0", "uom": "KGM"}]
    assert DIGEST_RE.fullmatch(event_digest(event))


def test_transforming_event() -> None:
    event = make_event(
        biz_step="transforming",
        lot="urn:epc:class:lgtin:8930000.00456.RANG01",
        quantity=Decimal("80"),
        uom="KGM",
        inputs=[LotQuantity(lot=LOT, quantity=Decimal("100.0"), uom="KGM")],
        ilmd={"roast": "medium"},
    )
    assert event["type"] == "TransformationEvent"
    assert "action" not in event
    assert "quantityList" not in event
    assert event["inputQuantityList"] == [{"epcClass": LOT, "quantity": "100.0", "uom": "KGM"}]
    assert event["outputQuantityList"] == [
        {"epcClass": "urn:epc:class:lgtin:8930000.00456.RANG01", "quantity": "80", "uom": "KGM"}
    ]
    validate_event(event)


def test_times_keep_their_offset_and_milliseconds() -> None:
    event = make_event(event_time=datetime(2025, 3, 2, 14, 5, 9, 250_999, tzinfo=ICT))
    assert event["eventTime"] == "2025-03-02T14:05:09.250+07:00"
    assert event["eventTimeZoneOffset"] == "+07:00"
    utc = make_event(event_time=datetime(2025, 3, 2, 7, 5, 9, tzinfo=UTC))
    assert utc["eventTime"] == "2025-03-02T07:05:09.000+00:00"
    west = make_event(event_time=datetime(2025, 3, 2, 7, 5, tzinfo=timezone(-timedelta(hours=3.5))))
    assert west["eventTimeZoneOffset"] == "-03:30"


def test_the_same_instant_in_another_zone_is_another_event() -> None:
    here = make_event(event_time=datetime(2025, 3, 2, 14, 0, tzinfo=ICT))
    there = make_event(event_time=datetime(2025, 3, 2, 7, 0, tzinfo=UTC))
    assert event_digest(here) != event_digest(there)


def test_uuid_event_ids_become_urns() -> None:
    event_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert make_event(event_id=event_id)["eventID"] == f"urn:uuid:{event_id}"


def test_optional_members_are_omitted_not_null() -> None:
    event = make_event()
    for name in ("bizLocation", "disposition", "certificationInfo", "ilmd"):
        assert name not in event
    assert event["prevDigest"] == "0x" + "ab" * 32
    assert make_event(prev_digest=None)["prevDigest"] is None


def test_extensions_and_optional_members() -> None:
    event = make_event(
        biz_step="inspecting",
        disposition="conformant",
        certification="urn:cp:cert:VN-2025-0042",
        extensions={"cp:inspector": "0x" + "12" * 20, "cp:moisture": Decimal("12.5")},
    )
    assert event["cp:inspector"] == "0x" + "12" * 20
    assert event["cp:moisture"] == "12.5"
    assert event["certificationInfo"] == "urn:cp:cert:VN-2025-0042"


def test_quantity_is_optional_but_needs_its_unit() -> None:
    event = make_event(quantity=None, uom=None)
    assert event["quantityList"] == [{"epcClass": LOT}]
    with pytest.raises(ValueError, match="quantity and uom go together"):
        make_event(quantity="1", uom=None)
    with pytest.raises(ValueError, match="quantity and uom go together"):
        make_event(quantity=None, uom="KGM")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("12.50"), "12.50"),
        (Decimal("12.5"), "12.5"),
        (Decimal("1E+2"), "100"),
        (Decimal("0.00000001"), "0.00000001"),
        (Decimal("0"), "0"),
        (Decimal("-0.00"), "0.00"),
        (7, "7"),
        ("3.25", "3.25"),
    ],
)
def test_decimal_quantities(value: Decimal | int | str, text: str) -> None:
    assert make_event(quantity=value)["quantityList"][0]["quantity"] == text


def test_decimal_strings_are_hashed_as_written() -> None:
    assert event_digest(make_event(quantity="12.50")) != event_digest(make_event(quantity="12.5"))


@given(st.decimals(min_value=0, max_value=Decimal("1e12")))
def test_decimals_become_exact_plain_strings(value: Decimal) -> None:
    text = make_event(quantity=value)["quantityList"][0]["quantity"]
    assert re.fullmatch(r"(0|[1-9][0-9]*)(\.[0-9]+)?", text)
    assert Decimal(text) == value
    assert "e" not in text.lower()


# --------------------------------------------------------------------------- Vietnamese text


VIETNAMESE = [
    "Cà phê Robusta Buôn Ma Thuột",
    "Nước mắm Phú Quốc",
    "Chè Shan Tuyết Hà Giang",
    "Vải thiều Lục Ngạn",
    "Bưởi Năm Roi",
]


@pytest.mark.parametrize("text", VIETNAMESE)
def test_vietnamese_text_is_hashed_exactly_without_normalisation(text: str) -> None:
    nfc = unicodedata.normalize("NFC", text)
    nfd = unicodedata.normalize("NFD", text)
    assert nfc != nfd
    event_nfc = make_event(biz_step="commissioning", ilmd={"productName": nfc})
    event_nfd = make_event(biz_step="commissioning", ilmd={"productName": nfd})
    assert event_nfd["ilmd"]["productName"] == nfd  # not normalised by the builder
    assert nfc.encode("utf-8") in canonical_json(event_nfc)
    assert nfd.encode("utf-8") in canonical_json(event_nfd)
    assert event_digest(event_nfc) != event_digest(event_nfd)


@given(st.text(max_size=60))
def test_any_text_is_carried_verbatim(text: str) -> None:
    assume(not any(0xD800 <= ord(c) <= 0xDFFF for c in text))
    event = make_event(biz_step="commissioning", ilmd={"note": text})
    assert json.loads(canonical_json(event))["ilmd"]["note"] == text
    for form in ("NFC", "NFD"):
        other = unicodedata.normalize(form, text)
        if other != text:
            changed = make_event(biz_step="commissioning", ilmd={"note": other})
            assert event_digest(changed) != event_digest(event)


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"quantity": 1.5}, "float is not allowed"),
        ({"biz_step": "harvesting"}, "unknown business step"),
        ({"biz_step": "Shipping"}, "unknown business step"),
        ({"event_time": datetime(2025, 3, 2, 14, 5)}, "timezone-aware"),
        ({"event_time": "2025-03-02T14:05:00+07:00"}, "must be a datetime"),
        (
            {"event_time": datetime(2025, 3, 2, tzinfo=timezone(timedelta(seconds=25_200 + 40)))},
            "whole number of minutes",
        ),
        ({"quantity": Decimal("NaN")}, "not a finite number"),
        ({"quantity": Decimal("Infinity")}, "not a finite number"),
        ({"quantity": "1e5"}, "not a decimal string"),
        ({"quantity": "01.5"}, "not a decimal string"),
        ({"quantity": "1."}, "not a decimal string"),
        ({"quantity": " 1"}, "not a decimal string"),
        ({"quantity": "-1"}, "must not be negative"),
        ({"quantity": "-0.0"}, "not a decimal string"),
        ({"quantity": True}, "bool is not allowed"),
        ({"uom": "kg"}, "UN/CEFACT"),
        ({"lot": "CP2503"}, "not a URI"),
        ({"event_id": "1234"}, "not a URI"),
        ({"prev_digest": "0x" + "AB" * 32}, "prevDigest"),
        ({"prev_digest": "ab" * 32}, "prevDigest"),
        ({"prev_digest": "0x1234"}, "prevDigest"),
        ({"inputs": [LotQuantity(lot=LOT)]}, "only allowed on transforming"),
        ({"biz_step": "transforming"}, "at least one input"),
        ({"ilmd": {"note": "x"}}, "ilmd is only allowed"),
        ({"biz_step": "commissioning", "ilmd": {"moisture": 12.5}}, "floating-point"),
        ({"biz_step": "commissioning", "ilmd": {"n": 2**53}}, "outside"),
        ({"biz_step": "commissioning", "ilmd": {"when": datetime(2025, 1, 1)}}, "not a JSON"),
        ({"biz_step": "commissioning", "ilmd": {1: "x"}}, "keys must be strings"),
        ({"location": Location(id="urn:x:y", latitude=21.0285, longitude="105.8542")}, "float"),
        ({"location": Location(id="urn:x:y", latitude="91", longitude="0")}, "within ±90"),
        ({"location": Location(id="urn:x:y", longitude="181", latitude="0")}, "within ±180"),
        ({"location": Location(id="urn:x:y", latitude="1")}, "go together"),
        ({"disposition": "In Transit"}, "disposition"),
        ({"extensions": {"moisture": "1"}}, "unknown member"),
        ({"extensions": {"cp:moisture": 0.5}}, "floating-point"),
    ],
)
def test_builder_refusals(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_event(**overrides)


def _tampered(change: Any) -> dict[str, Any]:
    event = copy.deepcopy(make_event())
    change(event)
    return event


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.update(schemaVersion=3), "unsupported schemaVersion"),
        (lambda e: e.update(schemaVersion=True), "unsupported schemaVersion"),
        (lambda e: e.pop("prevDigest"), "missing member"),
        (lambda e: e.pop("eventTimeZoneOffset"), "missing member"),
        (lambda e: e.update(lot=LOT), "unknown member"),
        (lambda e: e.update(type="TransformationEvent"), "type must be"),
        (lambda e: e.update(action="ADD"), "action must be"),
        (lambda e: e.update(bizStep="loading"), "unknown business step"),
        (lambda e: e.update(eventTime="2025-03-02T07:05:09.250Z"), "explicit offset"),
        (lambda e: e.update(eventTime="2025-03-02T14:05:09+07:00"), "milliseconds"),
        (lambda e: e.update(eventTime="2025-02-30T14:05:09.250+07:00"), "not a valid time"),
        (lambda e: e.update(eventTimeZoneOffset="+08:00"), "must equal the offset"),
        (lambda e: e.update(eventTimeZoneOffset="GMT+7"), "must look like"),
        (lambda e: e["quantityList"][0].update(quantity=120.0), "floating-point"),
        (lambda e: e["quantityList"][0].update(quantity=120), "not a decimal string"),
        (lambda e: e["quantityList"][0].update(weight="1"), "unknown member"),
        (lambda e: e["quantityList"][0].pop("uom"), "go together"),
        (lambda e: e["quantityList"].append({"epcClass": LOT}), "exactly one"),
        (lambda e: e.update(quantityList=[]), "exactly one"),
        (lambda e: e.update(bizLocation={"id": "urn:x:y", "lat": "1"}), "unknown member"),
        (lambda e: e.update(bizLocation="urn:x:y"), "must be an object"),
        (lambda e: e.update(certificationInfo=""), "certificationInfo"),
    ],
)
def test_validation_refusals(change: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_event(_tampered(change))
    with pytest.raises(ValueError):
        event_digest(_tampered(change))


def test_non_objects_are_refused() -> None:
    with pytest.raises(ValueError, match="JSON object"):
        validate_event([])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- digests


def test_digest_to_bytes() -> None:
    assert digest_to_bytes("0x" + "0f" * 32) == b"\x0f" * 32
    assert digest_to_bytes(b"\x01" * 32) == b"\x01" * 32
    for bad in ("0f" * 32, "0x" + "0f" * 31, "0x" + "g" * 64, b"\x00" * 20):
        with pytest.raises(ValueError):
            digest_to_bytes(bad)


# --------------------------------------------------------------------------- hash chains


def make_chain(length: int) -> list[dict[str, Any]]:
    steps = ["commissioning", "inspecting", "packing", "shipping", "receiving"]
    events: list[dict[str, Any]] = []
    prev: str | None = None
    start = datetime(2025, 3, 1, 6, 0, tzinfo=ICT)
    for i in range(length):
        event = make_event(
            biz_step=steps[i % len(steps)],
            event_id=f"urn:uuid:{uuid.UUID(int=i + 1)}",
            event_time=start + timedelta(hours=i),
            prev_digest=prev,
        )
        events.append(event)
        prev = event_digest(event)
    return events


def test_an_intact_chain_has_no_break() -> None:
    assert find_chain_break(make_chain(6)) is None
    assert find_chain_break([]) is None


def test_a_later_stretch_checks_against_the_digest_before_it() -> None:
    events = make_chain(6)
    assert find_chain_break(events[2:], prev_digest=event_digest(events[1])) is None
    assert find_chain_break(events[2:]) == 0


def test_first_event_must_start_the_chain() -> None:
    events = make_chain(3)
    events[0] = make_event(biz_step="commissioning", prev_digest="0x" + "00" * 32)
    assert find_chain_break(events) == 0


def test_tampering_breaks_the_chain_after_the_tampered_event() -> None:
    events = make_chain(5)
    events[2]["quantityList"][0]["quantity"] = "119.0"
    assert find_chain_break(events) == 3


def test_tampering_the_last_event_is_caught_by_its_digest_not_the_chain() -> None:
    events = make_chain(4)
    anchored = event_digest(events[-1])
    events[-1]["quantityList"][0]["quantity"] = "1.0"
    assert find_chain_break(events) is None
    assert event_digest(events[-1]) != anchored


def test_a_rewritten_link_breaks_at_that_event() -> None:
    events = make_chain(5)
    events[3]["prevDigest"] = event_digest(events[1])
    assert find_chain_break(events) == 3


def test_missing_and_reordered_events_break_the_chain() -> None:
    events = make_chain(5)
    assert find_chain_break(events[:2] + events[3:]) == 2
    assert find_chain_break([events[0], events[2], events[1], events[3]]) == 1


def test_an_invalid_event_breaks_the_chain_at_its_index() -> None:
    events = make_chain(4)
    events[1]["quantityList"][0]["quantity"] = 119.5
    assert find_chain_break(events) == 1
    events = make_chain(4)
    events[2] = "not an event"  # type: ignore[call-overload]
    assert find_chain_break(events) == 2
