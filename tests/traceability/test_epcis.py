"""EPCIS 2.0: the lot export (``?format=epcis``) and the query interface (``/epcis/events``).

Every document is validated against GS1's published EPCIS 2.0 JSON schema
(``schemas/epcis-json-schema.json``, see ``schemas/README.md``); every ``eventID`` is checked
against the CBV 2.0 event hash that GS1's reference implementation computes from the document
as served, read back from a file the way another EPCIS system would.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from django.utils import timezone
from epcis_event_hash_generator.__main__ import epcis_hash_from_file

from shop.partner.models import ProducerKind
from tests import factories
from traceability import epcis, epcis_query, services
from traceability.models import EventDisclosure

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "epcis-json-schema.json").read_text())
VALIDATOR = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
HASH_ID = re.compile(r"^ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0$")
NAME = "Phạm Thị Mai"


def valid(document: dict) -> dict:
    errors = sorted(VALIDATOR.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    return document


def reference_hashes(document: dict, tmp_path: Path) -> list[str]:
    """The CBV 2.0 hashes GS1's reference implementation computes from the served document."""
    path = tmp_path / "document.jsonld"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    hashes, _prehashes = epcis_hash_from_file(str(path))
    return hashes


def person(maker, name=NAME):
    user = factories.producer_user(maker)
    user.first_name, user.last_name = name.split(" ", 1)[1], name.split(" ", 1)[0]
    user.save()
    return user


@pytest.fixture
def household(make_lot):
    """A household's lot (schema 2): its name, a person's name and the home's coordinates are
    committed; then packing, processing, shipping and a correction of the shipping."""
    maker = factories.producer("Hộ Nguyễn Văn Sáu")
    maker.kind = ProducerKind.HOUSEHOLD
    maker.save()
    user = person(maker)
    start = timezone.now() - timedelta(days=2)
    lot = make_lot(
        factories.product("Chè Shan Tuyết 200g", maker=maker),
        actor=user,
        latitude=Decimal("22.812345"),
        longitude=Decimal("105.234567"),
        event_time=start,
    )
    for hours, step in enumerate(("packing", "transforming", "shipping"), start=1):
        services.event_record(
            lot=lot,
            biz_step=step,
            actor=user,
            quantity=Decimal("12.5"),
            event_time=start + timedelta(hours=hours),
        )
    wrong = lot.events.get(biz_step="shipping")
    services.event_record(
        lot=lot,
        biz_step="shipping",
        actor=user,
        details="Sai số lượng",
        corrects=wrong,
        event_time=start + timedelta(hours=4),
    )
    return lot


@pytest.fixture
def older(make_lot):
    """A schema-1 lot of a cooperative, recorded before commitments, with coordinates."""
    maker = factories.producer("HTX Mật ong Đồng Văn")
    user = person(maker, "Lò Văn Páo")
    lot = make_lot(
        factories.product("Mật ong bạc hà 500ml", maker=maker),
        actor=user,
        latitude=Decimal("23.2781"),
        longitude=Decimal("105.3632"),
        schema_version=1,
    )
    services.event_record(lot=lot, biz_step="shipping", actor=user, schema_version=1)
    return lot


def _export(client, lot) -> dict:
    response = client.get(f"/01/{lot.gtin14}/10/{lot.code}", {"format": "epcis"})
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    return json.loads(response.content)


# --------------------------------------------------------------------------- the lot export


def test_the_schema_is_the_published_one_and_can_fail():
    raw = (Path(__file__).parent / "schemas" / "epcis-json-schema.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == (
        "70b7ecb60eb605c6edd230761557763e4d470333510d28619291476de635bf20"
    )
    event = {"type": "ObjectEvent", "eventTime": "2025-11-20T08:00:00.000+07:00"}
    event |= {"eventTimeZoneOffset": "+07:00", "action": "ADD", "bizStep": "commissioning"}
    event |= {"quantityList": [{"epcClass": "https://id.gs1.org/01/08930000000012/10/A1"}]}
    document = {"@context": epcis.CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0"}
    document |= {"creationDate": "2025-11-20T08:00:00.000+07:00"}
    valid({**document, "epcisBody": {"eventList": [event]}})
    for broken in (
        {"bizStep": "transforming"},  # our word, not CBV's: the export maps it
        {"eventID": "not a uri"},
        {"eventTime": "20/11/2025"},
        {"quantityList": [{"epcClass": "x:y", "quantity": "12.5"}]},  # a number, not a string
    ):
        body = {"eventList": [{**event, **broken}]}
        assert list(VALIDATOR.iter_errors({**document, "epcisBody": body})), broken


def test_lot_export_validates_and_its_event_ids_are_the_cbv_hash(client, household, tmp_path):
    document = valid(_export(client, household))
    events = document["epcisBody"]["eventList"]
    assert [e["type"] for e in events] == [
        "ObjectEvent",
        "ObjectEvent",
        "TransformationEvent",
        "ObjectEvent",
        "ObjectEvent",
    ]
    ids = [e["eventID"] for e in events]
    assert all(HASH_ID.match(i) for i in ids) and len(set(ids)) == 5
    assert ids == reference_hashes(document, tmp_path)
    stored = list(household.events.order_by("seq"))
    assert [e["chophien:eventID"] for e in events] == [e.event_id for e in stored]
    assert [e["chophien:digest"] for e in events] == [e.digest for e in stored]
    # The corrected shipping names its correction by the correction's standard ID.
    assert events[3]["errorDeclaration"] == {
        "declarationTime": events[4]["eventTime"],
        "reason": "incorrect_data",
        "correctiveEventIDs": [events[4]["eventID"]],
    }


def test_export_carries_commitments_never_a_disclosed_value(client, household):
    body = json.dumps(_export(client, household), ensure_ascii=False)
    for secret in (NAME, "Mai", "Hộ Nguyễn Văn Sáu", "22.812345", "105.234567", "@example.com"):
        assert secret not in body
    first = json.loads(body)["epcisBody"]["eventList"][0]
    commitment = {"chophien:commitment": re.compile(r"^0x[0-9a-f]{64}$")}
    assert commitment["chophien:commitment"].match(
        first["chophien:actor"]["name"]["chophien:commitment"]
    )
    assert "chophien:commitment" in first["ilmd"]["chophien:producer"]["name"]
    assert "chophien:commitment" in first["bizLocation"]["chophien:geo"]
    assert first["chophien:actor"]["role"] == "producer"


def test_schema_1_events_leave_out_names_and_coordinates(client, older, tmp_path):
    document = valid(_export(client, older))
    body = json.dumps(document, ensure_ascii=False)
    for secret in ("Lò Văn Páo", "Páo", "23.2781", "105.3632", "HTX Mật ong Đồng Văn"):
        assert secret not in body
    first, second = document["epcisBody"]["eventList"]
    assert first["chophien:schemaVersion"] == 1 and first["chophien:actor"] == {"role": "producer"}
    assert first["ilmd"]["chophien:producer"] == {"code": older.producer.code}
    assert first["bizLocation"] == {"id": f"urn:chophien:ward:{older.origin_ward_code}"}
    assert second["chophien:prevDigest"] == first["chophien:digest"]
    assert [e["eventID"] for e in (first, second)] == reference_hashes(document, tmp_path)
    # The bundle, which the proofs need, still holds the name as hashed.
    bundle = client.get(f"/01/{older.gtin14}/10/{older.code}", {"format": "json"}).json()
    assert bundle["events"][0]["event"]["chophien:actor"]["name"] == "Lò Văn Páo"


def test_event_ids_survive_erasure_and_later_corrections(client, household):
    before = _export(client, household)["epcisBody"]["eventList"]
    EventDisclosure.objects.filter(event__lot=household).update(
        salt="", value=None, erased_at=timezone.now()
    )
    first = household.events.get(seq=1)
    services.event_record(
        lot=household, biz_step="packing", actor=None, details="Sai ngày", corrects=first
    )
    after = _export(client, household)["epcisBody"]["eventList"]
    assert [e["eventID"] for e in after[:5]] == [e["eventID"] for e in before]
    assert {k: v for k, v in after[0].items() if k != "errorDeclaration"} == before[0]
    assert after[0]["errorDeclaration"]["correctiveEventIDs"] == [after[5]["eventID"]]


def test_the_hash_loads_no_context_from_the_network():
    exported = {"type": "ObjectEvent", "eventTime": "2025-01-01T00:00:00.000+07:00"}
    exported |= {"eventTimeZoneOffset": "+07:00", "action": "OBSERVE"}
    assert HASH_ID.match(epcis.event_hashes([exported])[0])
    from pyld import jsonld

    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand({"@context": "https://example.com/ctx.jsonld", "a": 1})


# --------------------------------------------------------------------------- /epcis/events


def _query(client, **params):
    response = client.get("/epcis/events", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/ld+json"
    assert response["GS1-EPCIS-Version"] == "2.0.0" and response["GS1-CBV-Version"] == "2.0.0"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = valid(json.loads(response.content))
    assert document["type"] == "EPCISQueryDocument"
    return response, document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def _ids(events):
    return [e["chophien:eventID"] for e in events]


def test_query_by_business_step_lot_and_time(client, household, older, settings):
    settings.SITE_URL = "https://chophien.example.vn"
    mine = list(household.events.order_by("pk"))
    _response, shipped = _query(client, EQ_bizStep="shipping")
    assert _ids(shipped) == [e.event_id for e in mine if e.biz_step == "shipping"] + [
        older.events.get(seq=2).event_id
    ]
    _r, same = _query(client, EQ_bizStep="https://ref.gs1.org/cbv/BizStep-shipping|packing")
    assert len(same) == len(shipped) + 1
    # A lot by its Digital Link, on any domain and with a GTIN-13: MATCH_epc reads it as the
    # lot an ObjectEvent is about; MATCH_anyEPC also finds the processing (inputs, output).
    link = f"https://chophien.example.vn/01/{household.gtin14[1:]}/10/{household.code}"
    _r, objects = _query(client, MATCH_epc=link)
    assert _ids(objects) == [e.event_id for e in mine if e.biz_step != "transforming"]
    _r, every = _query(
        client, MATCH_anyEPC=f"https://id.gs1.org/01/{household.gtin14}/10/{household.code}"
    )
    assert _ids(every) == [e.event_id for e in mine]
    _r, by_class = _query(client, MATCH_epcClass=link, eventType="ObjectEvent", EQ_action="ADD")
    assert _ids(by_class) == [mine[0].event_id]
    _r, product = _query(client, MATCH_anyEPC=f"https://id.gs1.org/01/{older.gtin14}")
    assert _ids(product) == _ids(_query(client, MATCH_anyEPC=older.epc_class)[1])
    assert len(product) == 2
    _r, nothing = _query(client, MATCH_epc="urn:epc:id:sgtin:0614141.107346.2017")
    assert nothing == []
    _r, in_transit = _query(client, EQ_disposition="https://ref.gs1.org/cbv/Disp-in_transit")
    assert {e["bizStep"] for e in in_transit} == {"shipping"}
    # Times: GE includes, LT excludes.
    third = household.events.get(seq=3)
    at = third.event_time.isoformat()
    _r, later = _query(client, GE_eventTime=at, MATCH_anyEPC=household.epc_class)
    assert third.event_id == _ids(later)[0]
    unencoded = client.get(f"/epcis/events?MATCH_anyEPC={household.epc_class}&GE_eventTime={at}")
    assert _ids(
        json.loads(unencoded.content)["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    ) == _ids(later)  # "+07:00" sent unencoded reads as " 07:00"
    _r, earlier = _query(client, LT_eventTime=at, MATCH_anyEPC=household.epc_class)
    assert third.event_id not in _ids(earlier)
    assert set(_ids(earlier)) | set(_ids(later)) == {e.event_id for e in mine}


def test_query_answers_carry_the_same_ids_as_the_lot_export(client, household, tmp_path):
    exported = _export(client, household)["epcisBody"]["eventList"]
    response = client.get("/epcis/events", {"MATCH_anyEPC": household.epc_class})
    document = valid(json.loads(response.content))
    events = document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert events == exported
    path = tmp_path / "query.jsonld"
    path.write_text(
        json.dumps(
            {**document, "type": "EPCISDocument", "epcisBody": {"eventList": events}},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    assert epcis_hash_from_file(str(path))[0] == [e["eventID"] for e in events]


def test_paging_follows_link_headers_to_the_end(client, household, older, settings):
    settings.SITE_URL = "https://chophien.example.vn"
    _r, everything = _query(client, perPage="100")
    seen, url, pages = [], "/epcis/events?perPage=2", 0
    while url:
        response = client.get(url)
        document = valid(json.loads(response.content))
        seen += document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        pages += 1
        link = response.get("Link")
        if link is None:
            assert "GS1-Next-Page-Token-Expires" not in response
            break
        found = re.fullmatch(
            r'<(https://chophien\.example\.vn/epcis/events\?[^>]+)>; rel="next"', link
        )
        assert found, link
        assert parse_qs(urlsplit(found[1]).query)["perPage"] == ["2"]
        assert response["GS1-Next-Page-Token-Expires"] > timezone.now().isoformat()
        parts = urlsplit(found[1])
        url = f"{parts.path}?{parts.query}"
    assert len(everything) == 7 and pages == 4
    assert _ids(seen) == _ids(everything)


def test_a_page_token_works_only_for_its_own_query(client, household, monkeypatch):
    first = client.get("/epcis/events", {"perPage": "1", "EQ_bizStep": "shipping"})
    token = parse_qs(urlsplit(first["Link"][1:].split(">")[0]).query)["nextPageToken"][0]
    second = client.get(
        "/epcis/events", {"perPage": "5", "EQ_bizStep": "shipping", "nextPageToken": token}
    )
    assert second.status_code == 200  # the page size may change, the filters may not
    for params in (
        {"EQ_bizStep": "packing", "nextPageToken": token},
        {"EQ_bizStep": "shipping", "nextPageToken": token[:-2] + "xx"},
    ):
        _problem(client.get("/epcis/events", params), 400)
    monkeypatch.setattr(epcis_query, "TOKEN_SECONDS", -1)
    problem = _problem(
        client.get("/epcis/events", {"EQ_bizStep": "shipping", "nextPageToken": token}), 400
    )
    assert "expired" in problem["detail"]


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert problem["type"].startswith("epcisException:")
    return problem


@pytest.mark.parametrize(
    "params",
    [
        {"EQ_readPoint": "urn:epc:id:sgln:0614141.00777.0"},
        {"format": "epcis"},
        {"GE_eventTime": "hôm qua"},
        {"GE_eventTime": "2025-11-20T08:00:00"},  # no time zone
        {"LT_eventTime": ""},
        {"perPage": "0"},
        {"perPage": "-3"},
        {"perPage": "nhiều"},
        {"EQ_bizStep": "shipping|"},
        {"MATCH_epc": "https://id.gs1.org/01/08930000000013/10/X1"},  # wrong check digit
        {"nextPageToken": "not-a-token"},
    ],
)
def test_bad_queries_are_query_parameter_exceptions(client, params):
    problem = _problem(client.get("/epcis/events", params), 400)
    assert problem["type"] == "epcisException:QueryParameterException"


def test_a_repeated_parameter_is_refused(client):
    response = client.get("/epcis/events?EQ_bizStep=shipping&EQ_bizStep=packing")
    assert "more than once" in _problem(response, 400)["detail"]


def test_read_only_methods_formats_and_discovery(client):
    for method in ("post", "put", "delete", "patch"):
        response = getattr(client, method)("/epcis/events")
        problem = _problem(response, 405)
        assert problem["type"] == "epcisException:MethodNotAllowedException"
        assert response["Allow"] == "GET, HEAD, OPTIONS"
    _problem(client.get("/epcis/events", HTTP_ACCEPT="application/xml"), 406)
    assert client.get("/epcis/events", HTTP_ACCEPT="").status_code == 200
    assert client.get("/epcis/events", HTTP_ACCEPT="application/json")["Content-Type"] == (
        "application/json"
    )
    head = client.head("/epcis/events")
    assert head.status_code == 200 and head["GS1-EPCIS-Version"] == "2.0.0"
    options = client.options("/epcis/events", HTTP_ORIGIN="https://other.example")
    assert options.status_code == 204
    assert options["Allow"] == "GET, HEAD, OPTIONS"
    assert options["Access-Control-Allow-Origin"] == "*"
    assert "Link" in options["Access-Control-Expose-Headers"]


def test_hash_ids_are_cached_per_digest(client, household, django_assert_max_num_queries):
    _query(client, MATCH_anyEPC=household.epc_class)
    from django.core.cache import cache

    first = household.events.get(seq=1)
    assert cache.get(epcis_query._hash_key(first.digest)).startswith("ni:///sha-256;")
    with django_assert_max_num_queries(3):
        client.get("/epcis/events", {"MATCH_anyEPC": household.epc_class})


def test_queries_are_rate_limited_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "epcis": {**settings.RATE_LIMITS["epcis"]}}
    settings.RATE_LIMITS["epcis"]["rate"] = "3/m"
    assert [client.get("/epcis/events").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/epcis/events")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_a_lot_code_with_a_slash_is_found_by_any_spelling_of_its_link(client, make_lot, settings):
    settings.SITE_URL = "https://chophien.example.vn"
    lot = make_lot(code="MO/2025.11")
    services.event_record(lot=lot, biz_step="shipping", actor=None)
    make_lot(code="MO")  # a lot whose code is the first part of the other's
    ids = [e.event_id for e in lot.events.order_by("pk")]
    for link in (
        lot.epc_class,  # https://id.gs1.org/01/…/10/MO%2F2025.11
        f"https://chophien.example.vn{lot.get_absolute_url()}",  # the lot page: a raw "/"
        f"https://chophien.example.vn/en/01/{lot.gtin14}/10/MO%2F2025.11?linkType=all",
    ):
        assert _ids(_query(client, MATCH_anyEPC=link)[1]) == ids, link


# --------------------------------------------------------------------------- pure: every step


def _built(step: str, version: int) -> dict:
    from datetime import datetime
    from uuid import UUID
    from zoneinfo import ZoneInfo

    from traceability.canonical import BIZ_STEPS, Location, LotQuantity, build_event
    from traceability.commitments import commit_paths

    assert step in BIZ_STEPS
    lot = "https://id.gs1.org/01/08930000000012/10/MO%2F1"
    extensions = {"chophien:actor": {"name": "Lò Văn Páo", "role": "inspector"}}
    if step == "inspecting":
        extensions["chophien:inspection"] = {"result": "fail"}
        extensions["chophien:attachments"] = [
            {"name": "ket-qua.pdf", "mediaType": "application/pdf", "sha256": "ab" * 32}
        ]
    event = build_event(
        biz_step=step,
        event_id=UUID(int=7),
        event_time=datetime(2025, 11, 20, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        lot=lot,
        prev_digest=None if step == "commissioning" else "0x" + "11" * 32,
        quantity=Decimal("12.50"),
        uom="KGM",
        inputs=[LotQuantity(lot=lot)] if step == "transforming" else (),
        location=Location(
            id="urn:chophien:ward:1234", latitude="22.812345", longitude="105.234567"
        ),
        disposition={"inspecting": "non_conformant", "shipping": "in_transit"}.get(step),
        ilmd={"cbvmda:lotNumber": "MO/1", "chophien:producer": {"code": "p", "name": "Hộ Sáu"}}
        if step == "commissioning"
        else None,
        extensions=extensions,
        schema_version=version,
    )
    if version == 2:
        paths = [
            "/chophien:actor/name",
            "/ilmd/chophien:producer/name",
            "/bizLocation/chophien:geo",
        ]
        event, _disclosures = commit_paths(event, paths)
    return event


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize(
    "step", ["commissioning", "inspecting", "transforming", "packing", "shipping", "receiving"]
)
def test_every_step_of_either_schema_exports_valid_epcis(step, version, tmp_path):
    from traceability.canonical import event_digest

    event = _built(step, version)
    document = valid(epcis.epcis_document([(event, event_digest(event))], now=timezone.now()))
    exported = document["epcisBody"]["eventList"][0]
    assert [exported["eventID"]] == reference_hashes(document, tmp_path)
    body = json.dumps(document, ensure_ascii=False)
    for secret in ("Lò Văn Páo", "Hộ Sáu", "22.812345", "105.234567"):
        assert secret not in body
    assert (
        exported["quantityList" if step != "transforming" else "outputQuantityList"][0]["quantity"]
        == 12.5
    )
    if step == "transforming":
        assert exported["bizStep"] == "creating_class_instance"
        assert exported["chophien:bizStep"] == "transforming"
    else:
        assert exported["bizStep"] == step


# --------------------------------------------------------------------------- property: paging


def _oracle(events: list[dict], params: dict) -> list[dict]:
    """What the query must answer, computed from the exported events alone."""
    from datetime import datetime

    def lots(event, names):
        return {q["epcClass"] for name in names for q in event.get(name, [])}

    found = []
    for event in events:
        when = datetime.fromisoformat(event["eventTime"])
        if "EQ_bizStep" in params and event["bizStep"] not in params["EQ_bizStep"].split("|"):
            continue
        if "eventType" in params and event["type"] != params["eventType"]:
            continue
        if "MATCH_epc" in params and params["MATCH_epc"] not in lots(event, ["quantityList"]):
            continue
        every = ["quantityList", "inputQuantityList", "outputQuantityList"]
        if "MATCH_anyEPC" in params and params["MATCH_anyEPC"] not in lots(event, every):
            continue
        if "GE_eventTime" in params and when < datetime.fromisoformat(params["GE_eventTime"]):
            continue
        if "LT_eventTime" in params and when >= datetime.fromisoformat(params["LT_eventTime"]):
            continue
        found.append(event)
    return found


def test_any_query_paged_any_way_answers_what_the_export_says(client, household, older, settings):
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "epcis": {**settings.RATE_LIMITS["epcis"]}}
    settings.RATE_LIMITS["epcis"]["rate"] = "100000/m"
    everything = [
        event
        for lot in (household, older)
        for event in _export(client, lot)["epcisBody"]["eventList"]
    ]
    times = sorted({e["eventTime"] for e in everything})
    choices = {
        "EQ_bizStep": st.sampled_from(
            ["shipping", "packing|commissioning", "creating_class_instance", "inspecting"]
        ),
        "eventType": st.sampled_from(["ObjectEvent", "TransformationEvent"]),
        "MATCH_epc": st.sampled_from([household.epc_class, older.epc_class]),
        "MATCH_anyEPC": st.sampled_from([household.epc_class, older.epc_class]),
        "GE_eventTime": st.sampled_from(times),
        "LT_eventTime": st.sampled_from(times),
    }

    @hypothesis_settings(
        max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        params=st.fixed_dictionaries({}, optional=choices),
        per_page=st.integers(min_value=1, max_value=8),
    )
    def check(params, per_page):
        expected = _oracle(everything, params)
        seen, url = [], "/epcis/events"
        query = {**params, "perPage": str(per_page)}
        for _page in range(len(everything) + 2):
            response = client.get(url, query)
            assert response.status_code == 200, response.content
            page = json.loads(response.content)["epcisBody"]["queryResults"]["resultsBody"]
            assert len(page["eventList"]) <= per_page
            seen += page["eventList"]
            if "Link" not in response:
                break
            following = urlsplit(response["Link"][1:].split(">")[0])
            url, query = following.path, parse_qs(following.query)
        assert seen == sorted(expected, key=lambda e: _order[e["chophien:eventID"]])

    _order = {event.event_id: event.pk for lot in (household, older) for event in lot.events.all()}
    check()
