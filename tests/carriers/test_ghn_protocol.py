"""GHN at the HTTP seam: the adapter against its simulator on a real socket, and GHN's
callbacks posted over HTTP to a receiver that reads them with the adapter. No database."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from shop import geo
from shop.carriers import units
from shop.carriers.adapters.ghn import GHNCarrier, tracking_status
from shop.carriers.ports import (
    Carrier,
    CarrierError,
    CarrierUnavailable,
    Parcel,
    ParcelItem,
    Party,
    TrackingStatus,
    UnitNotServed,
    WaybillRequest,
    Webhook,
    WebhookRejected,
)
from shop.carriers.simulators.ghn_core import GHNSimulatorCore
from tests.carriers.conftest import json_app

TOKEN = "test-ghn-token"
SHOP = "885"
HOOK = "test-ghn-webhook-token"
PREFIX = "/shiip/public-api/"
TUYEN_QUANG = 8
HA_NOI = 1
HCM = 79


def party(province: int, ward_name: str, *, name: str = "Lò Thị Mai", phone="+84912345678"):
    ward = geo.find_ward(province_code=province, name=ward_name)
    return Party(
        name=name,
        phone=phone,
        province_code=province,
        ward_code=int(ward.code),
        street="Số 12, đường Lê Lợi",
        hamlet="Thôn Má Tìa",
    )


SENDER = party(TUYEN_QUANG, "Xã Đồng Văn", name="HTX Mật ong bạc hà Đồng Văn")
NEAR = party(TUYEN_QUANG, "Xã Mèo Vạc", name="Sùng Mí Chá", phone="+84987654321")
FAR = party(HA_NOI, "Phường Hoàn Kiếm", name="Nguyễn Văn An", phone="+84901234567")


def parcel(cod: str = "0", weight: int = 1200) -> Parcel:
    item = ParcelItem(
        name="Mật ong bạc hà 500 ml", quantity=2, price=Decimal(250000), weight_grams=600
    )
    return Parcel(
        weight_grams=weight,
        goods_value=Decimal(500000),
        cod_amount=Decimal(cod),
        items=(item,),
        note="Hàng dễ vỡ & <b>ngọt</b>",
    )


def waybill_request(reference: str = "SHP-100023-1", **kwargs) -> WaybillRequest:
    return WaybillRequest(
        reference=reference,
        sender=SENDER,
        receiver=kwargs.pop("receiver", FAR),
        parcel=parcel(**kwargs),
    )


@pytest.fixture
def ghn(http_stub):
    """The simulator core on a socket, and an adapter pointed at it."""
    core = GHNSimulatorCore(token=TOKEN, shop_id=SHOP)
    served = http_stub(json_app(core.handle, PREFIX))
    adapter = GHNCarrier(
        name="ghn",
        options={
            "token": TOKEN,
            "shop_id": SHOP,
            "api_url": served.url + PREFIX.rstrip("/"),
            "webhook_token": HOOK,
            "timeout": 2.0,
        },
    )
    return core, served, adapter


@pytest.fixture
def receiver(http_stub, ghn):
    """Our callback endpoint on a socket: it reads GHN's posts with the adapter."""
    core, _, adapter = ghn
    read: list = []

    def app(method, target, headers, body):
        token = target.rstrip("/").rsplit("/", 1)[-1]
        try:
            read.extend(
                adapter.parse_webhook(Webhook(body=body, headers=headers, path_token=token))
            )
            ack = adapter.acknowledge(accepted=True)
        except WebhookRejected:
            ack = adapter.acknowledge(accepted=False)
        return ack.status, ack.content_type, ack.body

    served = http_stub(app)
    core.callback_url = f"{served.url}/shipping/callback/ghn/{HOOK}/"
    return read


def test_the_adapter_is_a_carrier(ghn):
    assert isinstance(ghn[2], Carrier)
    assert ghn[2].capabilities.cod_in_webhook and ghn[2].capabilities.label_url


def test_quote_prices_by_province_and_gives_a_date(ghn):
    core, served, adapter = ghn
    near = adapter.quote(sender=SENDER, receiver=NEAR, parcel=parcel())
    far = adapter.quote(sender=SENDER, receiver=FAR, parcel=parcel())
    assert isinstance(near.fee, Decimal) and near.fee == near.fee.quantize(Decimal(1))
    assert Decimal(0) < near.fee < far.fee
    assert (
        isinstance(far.expected_delivery, date) and far.expected_delivery > near.expected_delivery
    )
    method, path, headers, body = served.requests[2]
    assert path == "/shiip/public-api/v2/shipping-order/fee"
    lowered = {key.lower(): value for key, value in headers.items()}
    assert lowered["token"] == TOKEN and lowered["shopid"] == SHOP
    sent = json.loads(body)
    drop = units.unit_for("ghn", FAR.ward_code)
    assert sent["to_ward_code"] == drop.ward and sent["to_district_id"] == int(drop.district)
    assert sent["weight"] == 1200 and sent["insurance_value"] == 500000


def test_heavier_parcels_cost_more(ghn):
    adapter = ghn[2]
    light = adapter.quote(sender=SENDER, receiver=FAR, parcel=parcel(weight=400))
    heavy = adapter.quote(sender=SENDER, receiver=FAR, parcel=parcel(weight=4000))
    assert heavy.fee > light.fee


def test_create_sends_ghn_fields_and_returns_code_and_label(ghn):
    core, served, adapter = ghn
    waybill = adapter.create(waybill_request(cod="650000"))
    assert waybill.code in core.orders
    assert waybill.fee and waybill.fee > 0 and waybill.expected_delivery
    assert "/a5/public-api/printA5?token=" in waybill.label_url and waybill.sort_code
    create = next(r for r in served.requests if r[1].endswith("/v2/shipping-order/create"))
    sent = json.loads(create[3])
    assert sent["client_order_code"] == "SHP-100023-1"
    assert sent["to_phone"] == "0901234567" and sent["from_phone"] == "0912345678"
    assert sent["cod_amount"] == 650000 and sent["payment_type_id"] == 1
    assert "Phường Hoàn Kiếm" in sent["to_address"] and "Thành phố Hà Nội" in sent["to_address"]
    assert sent["items"][0]["quantity"] == 2
    assert core.orders[waybill.code]["cod_amount"] == 650000


def test_create_is_idempotent_on_the_reference(ghn):
    core, served, adapter = ghn
    first = adapter.create(waybill_request())
    second = adapter.create(waybill_request())
    assert second.code == first.code
    assert len(core.orders) == 1
    creates = [r for r in served.requests if r[1].endswith("/v2/shipping-order/create")]
    assert len(creates) == 1


def test_the_simulator_refuses_a_used_client_order_code(ghn):
    core, _, adapter = ghn
    adapter.create(waybill_request())
    body = json.dumps(adapter._order(waybill_request())).encode()
    status, answer = core.handle("v2/shipping-order/create", body, {"Token": TOKEN, "ShopId": SHOP})
    assert status == 400 and "đã tồn tại" in answer["message"] and answer["data"] is None


def test_a_refusal_carries_ghns_message(ghn):
    core, _, adapter = ghn
    request = waybill_request()
    bad = WaybillRequest(
        reference="SHP-9",
        sender=SENDER,
        receiver=Party(**{**party_fields(FAR), "phone": "+8412"}),
        parcel=request.parcel,
    )
    with pytest.raises(CarrierError, match="Số điện thoại người nhận") as refused:
        adapter.create(bad)
    assert not isinstance(refused.value, CarrierUnavailable)
    with pytest.raises(CarrierError, match="Khối lượng"):
        adapter.quote(sender=SENDER, receiver=FAR, parcel=parcel(weight=80_000))
    assert core.orders == {}


def party_fields(p: Party) -> dict:
    return {
        name: getattr(p, name)
        for name in ("name", "phone", "province_code", "ward_code", "street", "hamlet")
    }


def test_a_wrong_token_is_refused(ghn):
    _, served, adapter = ghn
    other = GHNCarrier(options={"token": "nope", "shop_id": SHOP, "api_url": adapter.api_url})
    with pytest.raises(CarrierError, match="Token"):
        other.quote(sender=SENDER, receiver=FAR, parcel=parcel())


def test_a_ward_without_a_ghn_code_is_not_served(ghn):
    nowhere = Party(**{**party_fields(FAR), "ward_code": 99_999_999})
    with pytest.raises(UnitNotServed):
        ghn[2].quote(sender=SENDER, receiver=nowhere, parcel=parcel())


def test_timeouts_and_server_errors_are_unavailable(ghn):
    _, served, adapter = ghn
    served.mode, served.delay = "slow", 0.5
    slow = GHNCarrier(
        options={"token": TOKEN, "shop_id": SHOP, "api_url": adapter.api_url, "timeout": 0.1}
    )
    with pytest.raises(CarrierUnavailable):
        slow.quote(sender=SENDER, receiver=FAR, parcel=parcel())
    served.mode = "error500"
    with pytest.raises(CarrierUnavailable):
        adapter.create(waybill_request())
    served.mode = "garbage"
    with pytest.raises(CarrierError) as garbled:
        adapter.track("GABCDEFG")
    assert not isinstance(garbled.value, CarrierUnavailable)


def test_unreachable_ghn_is_unavailable():
    adapter = GHNCarrier(
        options={"token": TOKEN, "shop_id": SHOP, "api_url": "http://127.0.0.1:9/x", "timeout": 0.5}
    )
    with pytest.raises(CarrierUnavailable):
        adapter.quote(sender=SENDER, receiver=FAR, parcel=parcel())


def test_cancel_before_the_pick_up_only(ghn):
    core, _, adapter = ghn
    waybill = adapter.create(waybill_request("SHP-1"))
    adapter.cancel(waybill.code)
    assert core.orders[waybill.code]["status"] == "cancel"
    picked = adapter.create(waybill_request("SHP-2"))
    core.advance(picked.code, TrackingStatus.PICKED)
    with pytest.raises(CarrierError, match="không thể hủy"):
        adapter.cancel(picked.code)
    assert core.orders[picked.code]["status"] == "picked"


def test_track_lists_the_log_oldest_first_with_cash_on_delivery(ghn):
    core, _, adapter = ghn
    code = adapter.create(waybill_request(cod="650000")).code
    for status in (
        TrackingStatus.PICKED,
        "sorting",
        TrackingStatus.DELIVERING,
        TrackingStatus.DELIVERED,
    ):
        core.advance(code, status)
    updates = adapter.track(code)
    assert [u.status for u in updates] == [
        TrackingStatus.READY_TO_PICK,
        TrackingStatus.PICKED,
        TrackingStatus.IN_TRANSIT,
        TrackingStatus.DELIVERING,
        TrackingStatus.DELIVERED,
    ]
    assert [u.carrier_status for u in updates][2] == "sorting"
    assert all(u.at.tzinfo for u in updates) and updates[0].reference == "SHP-100023-1"
    assert updates[-1].cod_collected == Decimal(650000)
    assert all(u.cod_collected is None for u in updates[:-1])
    with pytest.raises(CarrierError, match="Không tìm thấy"):
        adapter.track("GNOSUCH1")


def test_callbacks_travel_over_http_and_are_read(ghn, receiver):
    core, _, adapter = ghn
    code = adapter.create(waybill_request(cod="650000")).code
    pushed = core.advance(code, TrackingStatus.PICKED)
    assert pushed.status == 200 and pushed.body["Status"] == "picked"
    pushed = core.advance(code, TrackingStatus.DELIVERED)
    assert pushed.status == 200 and pushed.body["CODAmount"] == 650000
    assert [(u.code, u.status) for u in receiver] == [
        (code, TrackingStatus.PICKED),
        (code, TrackingStatus.DELIVERED),
    ]
    assert receiver[0].cod_collected is None and receiver[1].cod_collected == Decimal(650000)
    assert receiver[1].reference == "SHP-100023-1" and receiver[1].at.tzinfo


def _body(core: GHNSimulatorCore, code: str, **changes) -> bytes:
    body = core.callback_body(core.orders[code])
    body.update(changes)
    return json.dumps(body).encode()


def test_forged_or_foreign_callbacks_are_rejected(ghn):
    core, _, adapter = ghn
    code = adapter.create(waybill_request()).code
    good = _body(core, code, Status="delivered")
    assert adapter.parse_webhook(Webhook(body=good, path_token=HOOK))[0].status == "delivered"
    with pytest.raises(WebhookRejected, match="token"):
        adapter.parse_webhook(Webhook(body=good, path_token="guess"))
    with pytest.raises(WebhookRejected, match="token"):
        adapter.parse_webhook(Webhook(body=good, path_token=""))
    with pytest.raises(WebhookRejected, match="ShopID"):
        adapter.parse_webhook(Webhook(body=_body(core, code, ShopID=999), path_token=HOOK))
    unconfigured = GHNCarrier(options={"api_url": adapter.api_url, "webhook_token": HOOK})
    with pytest.raises(WebhookRejected, match="ShopID"):
        unconfigured.parse_webhook(Webhook(body=_body(core, code, ShopID=""), path_token=HOOK))
    assert adapter.acknowledge(accepted=False).status != 200
    assert adapter.acknowledge(accepted=True).status == 200


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b"[" * 100,
        b'{"ShopID": 885}',
        b'{"ShopID": 885, "OrderCode": "G1", "Status": 5, "Time": "x"}',
    ],
)
def test_malformed_callbacks_are_rejected(ghn, body):
    with pytest.raises(WebhookRejected):
        ghn[2].parse_webhook(Webhook(body=body, path_token=HOOK))


def test_an_unknown_status_is_kept_without_a_meaning(ghn):
    core, _, adapter = ghn
    code = adapter.create(waybill_request()).code
    for status in ("exception", "some_new_status"):
        update = adapter.parse_webhook(
            Webhook(body=_body(core, code, Status=status), path_token=HOOK)
        )
        assert update[0].status == "" and update[0].carrier_status == status
    assert tracking_status("waiting_to_return") == TrackingStatus.FAILED_ATTEMPT
    assert tracking_status("damage") == TrackingStatus.LOST


def test_a_callback_before_delivery_reports_no_cash(ghn):
    core, _, adapter = ghn
    code = adapter.create(waybill_request(cod="650000")).code
    update = adapter.parse_webhook(
        Webhook(body=_body(core, code, Status="delivering"), path_token=HOOK)
    )[0]
    assert update.cod_collected is None


def test_the_simulator_keeps_its_parcels_in_a_file(tmp_path, ghn):
    _, _, adapter = ghn
    state = tmp_path / "simulators" / "ghn.json"
    core = GHNSimulatorCore(token=TOKEN, shop_id=SHOP, state_path=state)
    body = json.dumps(adapter._order(waybill_request())).encode()
    status, answer = core.handle("v2/shipping-order/create", body, {"Token": TOKEN, "ShopId": SHOP})
    assert status == 200
    again = GHNSimulatorCore(token=TOKEN, shop_id=SHOP, state_path=state)
    assert answer["data"]["order_code"] in again.orders
    assert again.by_client["SHP-100023-1"] == answer["data"]["order_code"]


JUNK = [
    b"{}",
    b"null",
    b'{"to_ward_code": ["x"], "to_district_id": {"a": 1}, "weight": "heavy"}',
    b'{"order_codes": "G1", "order_code": [], "client_order_code": {}}',
    b'{"order_codes": [null, 5, {"a": 1}], "district_id": [], "province_id": true}',
    b'{"weight": 1e400, "length": -1, "cod_amount": 1e30, "insurance_value": NaN}',
    b"[" * 40 + b"]" * 40,
    '{"to_name": "\u0000\ud800"}'.encode("utf-8", "surrogatepass"),
]
_FAR_UNIT = units.unit_for("ghn", FAR.ward_code)
_ROUTE = f'"to_ward_code": "{_FAR_UNIT.ward}", "to_district_id": {_FAR_UNIT.district}'
JUNK += [
    ("{" + _ROUTE + ', "weight": 1e400, "length": 1e300, "cod_amount": -1}').encode(),
    (
        "{" + _ROUTE + ', "weight": 500, "to_name": "A", "to_address": "B", "to_phone": 912}'
    ).encode(),
    ("{" + _ROUTE + ', "weight": 500, "insurance_value": NaN, "cod_amount": Infinity}').encode(),
    (
        "{" + _ROUTE + ', "weight": 500, "to_name": "A", "to_address": "B", "to_phone": '
        '"0912345678", "required_note": ["CHOTHUHANG"], "service_type_id": 2.5}'
    ).encode(),
]


@pytest.mark.parametrize("body", JUNK)
def test_the_simulator_answers_junk_with_ghns_envelope(body):
    core = GHNSimulatorCore(token=TOKEN, shop_id=SHOP)
    for path in core._routes():
        status, answer = core.handle(path, body, {"Token": TOKEN, "ShopId": SHOP})
        assert status in (200, 400) and answer["code"] == status, (path, answer)
        assert isinstance(answer["message"], str)
    assert core.orders == {}
