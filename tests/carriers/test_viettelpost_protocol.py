"""Viettel Post's partner API at the HTTP seam: the adapter against the simulator's core served
on a real socket. Login and tokens, quotes, waybills, cancelling, tracking, webhooks, and
every way the wire fails. No database."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import hypothesis
import pytest
from hypothesis import strategies as st

from shop import geo
from shop.carriers import units
from shop.carriers.adapters.viettelpost import VIETNAM, ViettelPostCarrier, webhook_body
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
from shop.carriers.simulators.viettelpost_core import ViettelPostSimulatorCore
from shop.carriers.units import unit_for
from tests.carriers.conftest import Served, json_app

USERNAME, PASSWORD, HOOK = "0900000001", "simulator-password", "hook-secret"


@dataclass
class Stub:
    """The simulated Viettel Post on a real socket (tests/carriers/conftest.py), what it
    received (path, headers, JSON body) and how it misbehaves (``mode``)."""

    core: ViettelPostSimulatorCore
    served: Served
    system_error: bool = False
    http_errors: bool = False  # refusals as HTTP 4xx carrying the envelope

    @property
    def url(self) -> str:
        return self.served.url

    @property
    def received(self) -> list[tuple[str, dict[str, str], Any]]:
        return [
            (urlsplit(target).path, headers, json.loads(body or b"null"))
            for _method, target, headers, body in self.served.requests
        ]

    @property
    def mode(self) -> str:
        return self.served.mode

    @mode.setter
    def mode(self, value: str) -> None:
        self.served.mode, self.served.delay = value, 3.0


@pytest.fixture
def stub(http_stub) -> Stub:
    core = ViettelPostSimulatorCore(username=USERNAME, password=PASSWORD, webhook_token=HOOK)
    holder: list[Stub] = []

    def handle(path: str, body: bytes, headers: dict[str, str], query: dict[str, str]):
        if holder[0].system_error:
            return 200, {"status": 500, "error": True, "message": "System error", "data": None}
        method = "POST" if body else "GET"
        answer = core.answer(method, path, headers=headers, body=body, query=query)
        refused = answer["status"] in (400, 401, 403, 404)
        return (answer["status"] if holder[0].http_errors and refused else 200), answer

    holder.append(Stub(core=core, served=http_stub(json_app(handle, "/v2"))))
    return holder[0]


def _carrier(stub: Stub, **overrides: Any) -> ViettelPostCarrier:
    options = {
        "username": USERNAME,
        "password": PASSWORD,
        "api_url": f"{stub.url}/v2",
        "print_url": f"{stub.url}/print",
        "webhook_token": HOOK,
        "timeout": 2.0,
        **overrides,
    }
    return ViettelPostCarrier(name="viettelpost", options=options)


@pytest.fixture
def carrier(stub: Stub) -> ViettelPostCarrier:
    return _carrier(stub)


def _party(province: int, ward_name: str, name: str, phone: str) -> Party:
    ward = geo.find_ward(province_code=province, name=ward_name)
    return Party(
        name=name,
        phone=phone,
        province_code=province,
        ward_code=int(ward.code),
        street="12 Tân Trào",
    )


SENDER = _party(8, "Phường Minh Xuân", "Hợp tác xã Chè Shan Tuyết", "+84912345678")
NEAR = _party(8, "Phường An Tường", "Trần Thị Hoa", "+84987654321")
FAR = _party(1, "Phường Ba Đình", "Nguyễn Văn An", "+84901234567")
PARCEL = Parcel(
    weight_grams=1200,
    goods_value=Decimal(350000),
    cod_amount=Decimal(385000),
    items=(ParcelItem(name="Chè Shan Tuyết", quantity=2, price=Decimal(175000), weight_grams=600),),
    note="Gọi trước khi giao",
)


def _request(reference: str = "CP-1001-1", parcel: Parcel = PARCEL) -> WaybillRequest:
    return WaybillRequest(reference=reference, sender=SENDER, receiver=FAR, parcel=parcel)


def _paths(stub: Stub) -> list[str]:
    return [path for path, _headers, _body in stub.received]


# --------------------------------------------------------------------------- tokens


def test_the_adapter_is_a_carrier(carrier):
    assert isinstance(carrier, Carrier)


def test_login_then_ownerconnect_then_the_long_token_is_kept(stub, carrier):
    carrier.quote(sender=SENDER, receiver=NEAR, parcel=PARCEL)
    carrier.quote(sender=SENDER, receiver=FAR, parcel=PARCEL)
    assert _paths(stub) == [
        "/v2/user/Login",
        "/v2/user/ownerconnect",
        "/v2/order/getPrice",
        "/v2/order/getPrice",
    ]
    short = stub.core.tokens
    sent = [headers.get("Token") for path, headers, _ in stub.received if "getPrice" in path]
    assert sent[0] == sent[1]
    assert short[sent[0]] > time.time() + 300 * 86400  # ownerconnect's, not the login's


def test_an_expired_token_logs_in_again_once(stub, carrier):
    carrier.quote(sender=SENDER, receiver=NEAR, parcel=PARCEL)
    stub.core.expire_tokens()
    quote = carrier.quote(sender=SENDER, receiver=NEAR, parcel=PARCEL)
    assert quote.fee > 0
    assert _paths(stub).count("/v2/user/Login") == 2
    assert _paths(stub)[-4:] == [
        "/v2/order/getPrice",
        "/v2/user/Login",
        "/v2/user/ownerconnect",
        "/v2/order/getPrice",
    ]


def test_an_expired_token_answered_as_http_401_logs_in_again_too(stub, carrier):
    stub.http_errors = True
    carrier.quote(sender=SENDER, receiver=NEAR, parcel=PARCEL)
    stub.core.expire_tokens()
    assert carrier.quote(sender=SENDER, receiver=NEAR, parcel=PARCEL).fee > 0
    assert _paths(stub).count("/v2/user/Login") == 2


def test_a_token_refused_twice_is_an_error_not_a_loop(stub, carrier, monkeypatch):
    carrier.quote(sender=SENDER, receiver=NEAR, parcel=PARCEL)
    monkeypatch.setattr(stub.core, "OWNER_SECONDS", 0, raising=False)
    stub.core.expire_tokens()
    monkeypatch.setattr("shop.carriers.simulators.viettelpost_core.OWNER_SECONDS", -1, raising=True)
    with pytest.raises(CarrierError, match="Token invalid or expired"):
        carrier.quote(sender=SENDER, receiver=NEAR, parcel=PARCEL)
    assert _paths(stub).count("/v2/user/Login") == 2


def test_threads_share_one_login(stub, carrier):
    with ThreadPoolExecutor(max_workers=6) as pool:
        fees = list(
            pool.map(
                lambda _: carrier.quote(sender=SENDER, receiver=NEAR, parcel=PARCEL).fee, range(6)
            )
        )
    assert len(set(fees)) == 1
    assert _paths(stub).count("/v2/user/Login") == 1
    assert _paths(stub).count("/v2/user/ownerconnect") == 1


def test_wrong_credentials_are_refused_with_viettel_posts_message(stub):
    carrier = _carrier(stub, password="wrong")
    with pytest.raises(CarrierError, match="Invalid owner account or password!"):
        carrier.quote(sender=SENDER, receiver=NEAR, parcel=PARCEL)


# --------------------------------------------------------------------------- quotes


def test_quote_within_the_province_and_beyond(stub, carrier):
    today = time.time()
    near = carrier.quote(sender=SENDER, receiver=NEAR, parcel=PARCEL)
    far = carrier.quote(sender=SENDER, receiver=FAR, parcel=PARCEL)
    # 1 200 g: two started 500 g over the first; COD fee at least 5 000.
    assert near.fee == Decimal(16500 + 10000 + 5000)
    assert far.fee == Decimal(30000 + 10000 + 5000)
    assert near.service == far.service == "VCN"
    local_today = __import__("datetime").datetime.fromtimestamp(today, VIETNAM).date()
    assert near.expected_delivery == local_today + timedelta(days=1)
    assert far.expected_delivery == local_today + timedelta(days=3)
    sent = stub.received[-1][2]
    unit = unit_for("viettelpost", FAR.ward_code)
    assert sent["RECEIVER_WARD"] == int(unit.ward)
    assert sent["RECEIVER_DISTRICT"] == int(unit.district)
    assert sent["RECEIVER_PROVINCE"] == int(unit.province)
    assert sent["PRODUCT_WEIGHT"] == 1200 and sent["MONEY_COLLECTION"] == 385000
    assert sent["NATIONAL_TYPE"] == 1 and sent["PRODUCT_TYPE"] == "HH"


def test_a_service_viettel_post_does_not_run_is_its_error(stub):
    carrier = _carrier(stub, service="XYZ")
    with pytest.raises(CarrierError, match="Price does not apply to this itinerary!"):
        carrier.quote(sender=SENDER, receiver=NEAR, parcel=PARCEL)


def test_a_ward_without_a_code_is_not_served_before_any_call(stub, carrier):
    lost = Party(name="A", phone="+84900000000", province_code=8, ward_code=999999, street="x")
    with pytest.raises(UnitNotServed):
        carrier.quote(sender=SENDER, receiver=lost, parcel=PARCEL)
    assert stub.received == []


# --------------------------------------------------------------------------- waybills


def test_create_sends_viettel_posts_fields_and_returns_its_code(stub, carrier):
    waybill = carrier.create(_request())
    sent = next(body for path, _h, body in stub.received if path.endswith("createOrder"))
    assert sent["ORDER_NUMBER"] == "CP-1001-1"
    assert sent["SENDER_PHONE"] == "0912345678" and sent["RECEIVER_PHONE"] == "0901234567"
    assert sent["ORDER_PAYMENT"] == 3 and sent["MONEY_COLLECTION"] == 385000
    assert sent["PRODUCT_PRICE"] == 350000 and sent["CHECK_UNIQUE"] is True
    assert sent["SENDER_WARD"] == int(unit_for("viettelpost", SENDER.ward_code).ward)
    assert "Phường Minh Xuân" in sent["SENDER_ADDRESS"]
    assert sent["LIST_ITEM"] == [
        {"PRODUCT_NAME": "Chè Shan Tuyết", "PRODUCT_PRICE": 175000, "PRODUCT_WEIGHT": 600,
         "PRODUCT_QUANTITY": 2}
    ]  # fmt: skip
    assert waybill.code in stub.core.orders
    assert waybill.fee == Decimal(30000 + 10000 + 5000)
    assert waybill.sort_code.startswith("VTP-")
    assert waybill.label_url.startswith(f"{stub.url}/print?type=2&bill=")
    bill = dict(parse_qsl(urlsplit(waybill.label_url).query))["bill"]
    assert stub.core.printing[bill] == [waybill.code]


def test_prepaid_parcels_collect_nothing(stub, carrier):
    carrier.create(_request(parcel=Parcel(weight_grams=500, goods_value=Decimal(90000))))
    sent = next(body for path, _h, body in stub.received if path.endswith("createOrder"))
    assert sent["ORDER_PAYMENT"] == 1 and sent["MONEY_COLLECTION"] == 0


def test_create_is_idempotent_on_our_reference(stub, carrier):
    first = carrier.create(_request())
    again = carrier.create(_request())
    assert again.code == first.code
    assert again.fee == first.fee
    assert len(stub.core.orders) == 1


def test_long_names_are_cut_to_viettel_posts_150_bytes(stub, carrier):
    long = Parcel(weight_grams=300, note="Ghi chú rất dài " * 30)
    carrier.create(_request(parcel=long))
    sent = next(body for path, _h, body in stub.received if path.endswith("createOrder"))
    assert len(sent["ORDER_NOTE"].encode()) <= 150


# --------------------------------------------------------------------------- cancel, track


def test_cancel_before_the_pick_up(stub, carrier):
    waybill = carrier.create(_request())
    carrier.cancel(waybill.code)
    assert stub.core.status_of(waybill.code) == 107
    assert [u.status for u in carrier.track(waybill.code)] == [
        TrackingStatus.READY_TO_PICK,
        TrackingStatus.CANCELLED,
    ]


def test_cancel_after_the_pick_up_is_refused(stub, carrier):
    waybill = carrier.create(_request())
    stub.core.advance(waybill.code, TrackingStatus.PICKED)
    with pytest.raises(CarrierError, match="không thể hủy"):
        carrier.cancel(waybill.code)


def test_cancel_an_unknown_waybill(carrier):
    with pytest.raises(CarrierError, match="Order does not exist"):
        carrier.cancel("19999999999")


def test_track_every_status_oldest_first_with_the_cash_on_delivery(stub, carrier):
    waybill = carrier.create(_request())
    for status in ("picked", "in_transit", "delivering", "failed_attempt", "delivering"):
        stub.core.advance(waybill.code, status)
    stub.core.advance(waybill.code, TrackingStatus.DELIVERED)
    updates = carrier.track(waybill.code)
    assert [u.carrier_status for u in updates] == ["102", "105", "300", "500", "506", "500", "501"]
    assert updates[-1].status == TrackingStatus.DELIVERED
    assert updates[-1].cod_collected == Decimal(385000)
    assert all(u.cod_collected is None for u in updates[:-1])
    assert updates[-1].reference == "CP-1001-1"
    assert updates[-1].at.tzinfo is not None


def test_tracking_skips_a_status_outside_viettel_posts_table(stub, carrier):
    waybill = carrier.create(_request())
    stub.core.advance(waybill.code, 999)
    stub.core.advance(waybill.code, "picked")
    assert [u.carrier_status for u in carrier.track(waybill.code)] == ["102", "105"]


def test_a_returned_parcel(stub, carrier):
    waybill = carrier.create(_request())
    for status in ("picked", "delivering", 505, "returning", "returned"):
        stub.core.advance(waybill.code, status)
    statuses = [u.status for u in carrier.track(waybill.code)]
    assert statuses[-3:] == [
        TrackingStatus.FAILED_ATTEMPT,
        TrackingStatus.RETURNING,
        TrackingStatus.RETURNED,
    ]


# --------------------------------------------------------------------------- the wire fails


@pytest.mark.parametrize("mode", ["error500", "slow", "system-error"])
def test_transient_failures_are_unavailable(stub, carrier, mode):
    if mode == "system-error":
        stub.system_error = True
    else:
        stub.mode = mode
    with pytest.raises(CarrierUnavailable):
        carrier.quote(sender=SENDER, receiver=NEAR, parcel=PARCEL)


def test_garbage_is_refused(stub, carrier):
    stub.mode = "garbage"
    with pytest.raises(CarrierError) as caught:
        carrier.quote(sender=SENDER, receiver=NEAR, parcel=PARCEL)
    assert not isinstance(caught.value, CarrierUnavailable)


def test_nobody_listening_is_unavailable():
    carrier = ViettelPostCarrier(
        options={
            "username": "u",
            "password": "p",
            "api_url": "http://127.0.0.1:9/v2",
            "timeout": 0.5,
        }  # fmt: skip
    )
    with pytest.raises(CarrierUnavailable):
        carrier.quote(sender=SENDER, receiver=NEAR, parcel=PARCEL)


def test_options_are_checked():
    with pytest.raises(ValueError, match="http"):
        ViettelPostCarrier(options={"username": "u", "password": "p", "api_url": "file:///x"})
    with pytest.raises(ValueError, match="password"):
        ViettelPostCarrier(options={"username": "u"})


# --------------------------------------------------------------------------- webhooks


def _hook(stub: Stub, carrier: ViettelPostCarrier, *statuses: str | int) -> str:
    code = carrier.create(_request()).code
    for status in statuses:
        stub.core.advance(code, status)
    return code


def test_a_delivery_webhook_is_read_with_the_cash(stub, carrier):
    code = _hook(stub, carrier, "picked", "delivered")
    [update] = carrier.parse_webhook(Webhook(body=stub.core.webhook_body(code), path_token=HOOK))
    assert update.code == code and update.reference == "CP-1001-1"
    assert update.status == TrackingStatus.DELIVERED and update.carrier_status == "501"
    assert update.cod_collected == Decimal(385000)
    assert update.description.startswith("Phát thành công")
    assert carrier.acknowledge(accepted=True).status == 200


def test_a_forged_token_is_rejected(stub, carrier):
    code = _hook(stub, carrier, "delivered")
    body = json.loads(stub.core.webhook_body(code))
    body["TOKEN"] = "guess"
    with pytest.raises(WebhookRejected, match="TOKEN"):
        carrier.parse_webhook(Webhook(body=json.dumps(body).encode(), path_token=HOOK))
    del body["TOKEN"]
    with pytest.raises(WebhookRejected):
        carrier.parse_webhook(Webhook(body=json.dumps(body).encode(), path_token=HOOK))
    assert carrier.acknowledge(accepted=False).status != 200


def test_a_wrong_callback_url_token_is_rejected(stub, carrier):
    code = _hook(stub, carrier, "delivered")
    with pytest.raises(WebhookRejected, match="URL"):
        carrier.parse_webhook(Webhook(body=stub.core.webhook_body(code), path_token="other"))


def test_without_a_configured_token_every_webhook_is_rejected(stub):
    carrier = _carrier(stub, webhook_token="")
    body = webhook_body({"ORDER_NUMBER": "1", "ORDER_STATUS": 501}, "")
    with pytest.raises(WebhookRejected):
        carrier.parse_webhook(Webhook(body=body, path_token=""))


GOOD = {
    "ORDER_NUMBER": "15000000001",
    "ORDER_REFERENCE": "CP-1",
    "ORDER_STATUSDATE": "10/11/2026 11:07:16",
    "ORDER_STATUS": 500,
    "STATUS_NAME": "Giao bưu tá đi phát",
    "MONEY_COLLECTION": 0,
}


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"TOKEN": "hook-secret"}',
        b'{"DATA": "x", "TOKEN": "hook-secret"}',
        webhook_body({**GOOD, "ORDER_STATUSDATE": "2026-11-10"}, HOOK),
        webhook_body({**GOOD, "ORDER_NUMBER": ""}, HOOK),
        webhook_body({**GOOD, "ORDER_NUMBER": True}, HOOK),
        webhook_body({**GOOD, "ORDER_STATUS": "phát"}, HOOK),
        webhook_body({**GOOD, "ORDER_STATUS": None}, HOOK),
        webhook_body({**GOOD, "ORDER_STATUS": 501, "MONEY_COLLECTION": "much"}, HOOK),
        b"[" * 5000,
    ],
)
def test_malformed_webhooks_are_rejected(carrier, body):
    with pytest.raises(WebhookRejected):
        carrier.parse_webhook(Webhook(body=body, path_token=HOOK))


def test_an_unknown_status_is_rejected(carrier):
    body = webhook_body({**GOOD, "ORDER_STATUS": 999}, HOOK)
    with pytest.raises(WebhookRejected, match="ORDER_STATUS"):
        carrier.parse_webhook(Webhook(body=body, path_token=HOOK))


def test_an_edit_moves_nothing_and_a_way_back_is_returning(carrier):
    edit = webhook_body({**GOOD, "ORDER_STATUS": 202}, HOOK)
    assert carrier.parse_webhook(Webhook(body=edit, path_token=HOOK)) == []
    back = webhook_body({**GOOD, "IS_RETURNING": True}, HOOK)
    [update] = carrier.parse_webhook(Webhook(body=back, path_token=HOOK))
    assert update.status == TrackingStatus.RETURNING
    assert update.at.utcoffset() == timedelta(hours=7)


def test_advance_posts_viettel_posts_webhook_to_the_callback(stub, carrier, http_stub):
    callback = http_stub(lambda method, target, headers, body: (200, "application/json", b"{}"))
    stub.core.callback_url = f"{callback.url}/shipping/callback/viettelpost/{HOOK}/"
    code = carrier.create(_request()).code
    assert stub.core.advance(code, "picked")[0] == 200
    [(method, target, headers, body)] = callback.requests
    assert (method, target) == ("POST", f"/shipping/callback/viettelpost/{HOOK}/")
    [update] = carrier.parse_webhook(Webhook(body=body, headers=headers, path_token=HOOK))
    assert (update.code, update.status) == (code, TrackingStatus.PICKED)
    assert json.loads(body)["TOKEN"] == HOOK


def test_a_final_parcel_takes_no_more_statuses(stub, carrier):
    code = _hook(stub, carrier, "delivered")
    with pytest.raises(ValueError):
        stub.core.advance(code, "returned")
    with pytest.raises(ValueError):
        stub.core.advance(code, "lost")


# --------------------------------------------------------------------------- master data


def test_master_units_read_the_new_catalogue(stub, carrier):
    rows = carrier.master_units()
    assert len(rows) == len(geo.wards())
    tuyen_quang = unit_for("viettelpost", SENDER.ward_code)
    row = next(r for r in rows if r["ward"] == tuyen_quang.ward)
    assert row["province"] == tuyen_quang.province
    assert row["district"] == tuyen_quang.district
    assert row["ward_name"] == tuyen_quang.name == "PHƯỜNG MINH XUÂN"
    assert row["province_name"] == "Tuyên Quang"


def test_the_master_data_rebuilds_the_same_table(stub, carrier):
    """What ``manage.py carrier_units viettelpost`` writes: every ward matched by name, to
    the ids it has now."""
    rows, unmatched = units.match(carrier.master_units())
    assert unmatched == []
    assert {
        row["ward_code"]: (str(row["province"]), str(row["district"]), str(row["ward"]))
        for row in rows
    } == {code: (u.province, u.district, u.ward) for code, u in units.table("viettelpost").items()}


# --------------------------------------------------------------------------- any body at all

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "ORDER_NUMBER": _JSON,
        "ORDER_REFERENCE": _JSON,
        "ORDER_STATUSDATE": _JSON | st.just("10/11/2026 11:07:16"),
        "ORDER_STATUS": _JSON | st.sampled_from([-100, 105, 202, 501, 504, "501", " 506 "]),
        "STATUS_NAME": _JSON,
        "NOTE": _JSON,
        "MONEY_COLLECTION": _JSON,
        "IS_RETURNING": _JSON,
    },
)


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(data=_FIELDS, token=st.sampled_from([HOOK, "forged", None]))
def test_any_callback_is_read_or_rejected_never_anything_else(data, token):
    carrier = ViettelPostCarrier(options={"username": "u", "password": "p", "webhook_token": HOOK})
    body = json.dumps({"DATA": data, "TOKEN": token}).encode()
    try:
        updates = carrier.parse_webhook(Webhook(body=body, path_token=HOOK))
    except WebhookRejected:
        return
    assert token == HOOK
    for update in updates:
        assert update.status in TrackingStatus.ALL
        assert update.at.tzinfo is not None
        assert update.cod_collected is None or update.cod_collected >= 0
