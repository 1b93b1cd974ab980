"""Property tests: anything thrown at any carrier's callback URL (arbitrary bytes, headers and
query; the carrier's own fields filled with anything; right or wrong tokens) is answered
without a 500, changes no shipment, and is logged as exactly one CarrierCallback row."""

import json
import urllib.parse

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop.carriers import registry
from shop.fulfilment.models import CarrierCallback, CarrierEvent, Shipment
from tests.fulfilment.carrier_drivers import CARRIERS
from tests.fulfilment.tracking_helpers import packed_shipment

pytestmark = pytest.mark.django_db
OURS = ("GHNTEST01", "CPFUZZ1")  # the shipment's code and reference: never generated below
EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.text(max_size=40).filter(lambda value: value not in OURS)
scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), text, st.just("")
)
value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3), max_leaves=5)
header_names = st.sampled_from(
    ["Token", "Authorization", "X-Signature", "X-Ghn-Token", "User-Agent", "Accept", "Cookie"]
)
headers = st.dictionaries(
    header_names,
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
    max_size=3,
)
query = st.dictionaries(st.sampled_from(["hash", "token", "signature", "x"]), text, max_size=2)
content_types = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "",
        "multipart/form-data; boundary=x",
    ]
)

codes = st.from_regex(r"\A[A-Z0-9]{6,14}\Z").filter(lambda code: code not in OURS)
# Each carrier's callback fields (GHN's JSON, GHTK's form, Viettel Post's DATA + TOKEN): the
# ones it identifies a parcel by are the carrier's kind of value (one of them at times anything
# at all); the others are anything, or absent.
REQUIRED = {
    "ghn": {
        "ShopID": st.sampled_from(["885", 885]),
        "OrderCode": codes,
        "Status": st.sampled_from(
            ["picking", "picked", "delivering", "delivered", "return", "returned", "cancel"]
        ),
        "Time": st.sampled_from(["2026-12-01T08:00:00.000Z", 1764576000]),
    },
    "ghtk": {
        "label_id": codes,
        "status_id": st.sampled_from(["3", "4", "5", "9", "20", "21", "-1", "45"]),
        "action_time": st.just("2026-12-01T15:00:00+07:00"),
    },
    "viettelpost": {
        "ORDER_NUMBER": codes,
        "ORDER_STATUS": st.sampled_from([105, 200, 300, 500, 501, 502, 504, 506, "501"]),
        "ORDER_STATUSDATE": st.just("01/12/2026 15:00:00"),
    },
}
CODE_FIELD = {"ghn": "OrderCode", "ghtk": "label_id", "viettelpost": "ORDER_NUMBER"}
OPTIONAL = {
    "ghn": ["ClientOrderCode", "CODAmount", "Type", "Description", "Reason"],
    "ghtk": ["partner_id", "reason", "pick_money", "weight", "fee"],
    "viettelpost": ["STATUS_NAME", "NOTE", "MONEY_COLLECTION", "ORDER_REFERENCE", "IS_RETURNING"],
}


def shaped_body(name: str, fields: dict) -> tuple[bytes, str]:
    if name == "ghtk":
        flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()}
        return urllib.parse.urlencode(flat).encode(), "application/x-www-form-urlencoded"
    if name == "viettelpost":
        token = django_settings.CARRIERS[name]["OPTIONS"]["webhook_token"]
        return json.dumps({"DATA": fields, "TOKEN": token}).encode(), "application/json"
    return json.dumps(fields).encode(), "application/json"


@st.composite
def carrier_fields(draw, name: str) -> dict:
    """The carrier's fields, its own kind of values; at times one of them anything at all."""
    fields = draw(
        st.fixed_dictionaries(REQUIRED[name], optional={key: value for key in OPTIONAL[name]})
    )
    broken = draw(st.one_of(st.none(), st.sampled_from(sorted(REQUIRED[name]))))
    if broken is not None:
        fields[broken] = draw(value)
    return fields


@pytest.fixture
def world(client, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "refused-callback": {"rate": "100000/m"},
    }
    shipment = packed_shipment(client)
    Shipment.objects.filter(pk=shipment.pk).update(waybill_reference=OURS[1])
    return shipment


def snapshot():
    return (
        list(Shipment.objects.order_by("pk").values()),
        CarrierEvent.objects.count(),
    )


def post(client, name, path_token, body, content_type, headers, query):
    url = f"/shipping/callback/{name}/{urllib.parse.quote(path_token, safe='') or 'x'}/"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    return client.generic("POST", url, body, content_type=content_type, headers=headers)


def check(client, name, path_token, body, content_type, headers, query):
    before, logged = snapshot(), CarrierCallback.objects.count()
    response = post(client, name, path_token, body, content_type, headers, query)
    assert response.status_code < 500
    assert response.status_code in (200, 400)
    assert snapshot() == before
    assert CarrierCallback.objects.count() == logged + 1
    assert CarrierCallback.objects.latest("pk").carrier == name


@pytest.mark.parametrize("name", CARRIERS)
def test_arbitrary_bodies_headers_and_queries(world, client, name):
    token = registry.webhook_token(name)

    @EXAMPLES
    @given(
        body=st.binary(max_size=2048),
        content_type=content_types,
        headers=headers,
        query=query,
        right_token=st.booleans(),
        wrong_token=st.text(min_size=1, max_size=30),
    )
    def run(body, content_type, headers, query, right_token, wrong_token):
        path_token = token if right_token else wrong_token
        if name == "ghtk" and right_token:
            query = {**query, "hash": token}
        check(client, name, path_token, body, content_type, headers, query)

    run()


@pytest.mark.parametrize("name", CARRIERS)
def test_the_carriers_own_fields_filled_with_anything(world, client, name):
    token = registry.webhook_token(name)

    @EXAMPLES
    @given(fields=carrier_fields(name), headers=headers, right_token=st.booleans())
    def run(fields, headers, right_token):
        if not right_token:  # a forger who knows our parcel's code
            fields = {**fields, CODE_FIELD[name]: OURS[0]}
        body, content_type = shaped_body(name, fields)
        query = {"hash": token} if name == "ghtk" else {}
        path_token = token if right_token else "not-the-token"
        check(client, name, path_token, body, content_type, headers, query)

    run()


@pytest.mark.parametrize("name", CARRIERS)
def test_too_large_a_body_or_another_method_is_refused_before_anything_is_read(world, client, name):
    url = f"/shipping/callback/{name}/{registry.webhook_token(name)}/"
    before = snapshot()
    big = client.generic("POST", url, b"{" + b" " * 70_000 + b"}", content_type="application/json")
    assert big.status_code == 413
    assert client.get(url).status_code == 405
    assert client.put(url, b"{}", content_type="application/json").status_code == 405
    assert snapshot() == before and not CarrierCallback.objects.exists()


def test_an_unknown_carrier_is_a_404_and_logs_nothing(world, client):
    assert client.post("/shipping/callback/dhl/x/", b"{}", "application/json").status_code == 404
    assert client.post("/shipping/callback/ghn/", b"{}", "application/json").status_code == 404
    assert not CarrierCallback.objects.exists()


def test_refused_callbacks_past_the_limit_get_a_429_and_no_row(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "refused-callback": {"rate": "3/m"}}
    answers = [
        client.post("/shipping/callback/ghn/wrong/", b"{}", "application/json").status_code
        for _ in range(5)
    ]
    assert answers == [400, 400, 400, 429, 429]
    assert CarrierCallback.objects.count() == 3
