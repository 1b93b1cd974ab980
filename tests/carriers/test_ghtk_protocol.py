"""GHTK at the HTTP seam: the adapter against a local server running the simulated GHTK.

Quote, create (idempotent on our reference), cancel, track and the label travel over real
HTTP with GHTK's headers; the simulator's callbacks are posted over HTTP to a local receiver
and read back by the adapter (good, forged, malformed, unknown). No database.
"""

from __future__ import annotations

import json
import urllib.parse
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from shop.carriers.adapters.ghtk import STATUSES, GHTKCarrier
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
from shop.carriers.simulators.ghtk_core import STATUS_TEXTS, GHTKSimulatorCore

TOKEN = "test-ghtk-token"
SOURCE = "S-TEST"
HOOK = "test-ghtk-webhook"
NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam

DONG_VAN = 721  # Xã Đồng Văn, Tuyên Quang
BA_DINH = 4  # Phường Ba Đình, Hà Nội


class Server:
    """The simulated GHTK on a real socket (tests/carriers/conftest.py's ``http_stub``)."""

    def __init__(self, http_stub, core: GHTKSimulatorCore) -> None:
        self.core = core
        self.served = http_stub(ghtk_app(core))

    url = property(lambda self: self.served.url)
    seen = property(lambda self: self.served.requests)

    def misbehave(self, mode: str, delay: float = 0.0) -> None:
        self.served.mode, self.served.delay = mode, delay


def ghtk_app(core: GHTKSimulatorCore):
    """GHTK's API as an ``http_stub`` app."""

    def app(method: str, target: str, headers: dict[str, str], body: bytes):
        split = urllib.parse.urlsplit(target)
        query = dict(urllib.parse.parse_qsl(split.query))
        return core.handle(method, split.path, headers=headers, query=query, body=body)

    return app


@pytest.fixture
def shop(http_stub):
    """Our site, receiving GHTK's callbacks (it only records them)."""
    return http_stub(lambda *request: (200, "application/json", b'{"success": true}'))


@pytest.fixture
def ghtk(http_stub, shop) -> Server:
    core = GHTKSimulatorCore(
        token=TOKEN,
        client_source=SOURCE,
        callback_url=f"{shop.url}/shipping/callback/ghtk/{HOOK}/?hash={HOOK}",
        clock=lambda: NOW,
    )
    return Server(http_stub, core)


def carrier(url: str, **overrides: Any) -> GHTKCarrier:
    options = {
        "token": TOKEN,
        "client_source": SOURCE,
        "api_url": url,
        "webhook_token": HOOK,
        "timeout": 1.0,
        **overrides,
    }
    return GHTKCarrier(name="ghtk", options=options)


def party(ward: int = DONG_VAN, **changes: Any) -> Party:
    base = {
        "name": "Hợp tác xã Chè Shan Tuyết",
        "phone": "+84912345678",
        "province_code": 8,
        "ward_code": ward,
        "street": "Thôn Lũng Cẩm",
    }
    return Party(**{**base, **changes})


BUYER = party(
    BA_DINH, name="Nguyễn Thị Lan", phone="+84987654321", province_code=1, street="12 Phố Đội Cấn"
)
PARCEL = Parcel(
    weight_grams=1200,
    goods_value=Decimal(450000),
    cod_amount=Decimal(480000),
    items=(
        ParcelItem(
            name="Chè Shan Tuyết", quantity=2, price=Decimal(225000), weight_grams=600, code="T1"
        ),
    ),
    note="Hàng dễ vỡ",
)


def waybill_request(reference: str = "CP-SHP-1001", **changes: Any) -> WaybillRequest:
    base = {"reference": reference, "sender": party(), "receiver": BUYER, "parcel": PARCEL}
    return WaybillRequest(**{**base, **changes})


def callback_of(shop) -> Webhook:
    """The last callback the shop received, as the callback view hands it to the adapter."""
    _method, path, headers, body = shop.requests[-1]
    split = urllib.parse.urlsplit(path)
    token = split.path.rstrip("/").rsplit("/", 1)[-1]
    query = dict(urllib.parse.parse_qsl(split.query))
    return Webhook(body=body, headers=headers, query=query, path_token=token)


# --------------------------------------------------------------------------- the port


def test_the_adapter_implements_the_port(ghtk):
    assert isinstance(carrier(ghtk.url), Carrier)


def test_every_status_ghtk_publishes_has_a_meaning():
    assert {ours for ours, _words in STATUSES.values()} <= set(TrackingStatus.ALL)
    assert all(words for _ours, words in STATUSES.values())
    assert set(STATUS_TEXTS) == set(STATUSES)


# --------------------------------------------------------------------------- quote


def test_quote_asks_ghtk_by_names_with_its_headers(ghtk):
    quote = carrier(ghtk.url).quote(sender=party(), receiver=BUYER, parcel=PARCEL)
    method, path, headers, _body = ghtk.seen[-1]
    split = urllib.parse.urlsplit(path)
    query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
    assert method == "GET" and split.path == "/services/shipment/fee"
    assert headers["Token"] == TOKEN and headers["X-Client-Source"] == SOURCE
    assert query["pick_province"] == "Tuyên Quang" and query["pick_ward"] == "Xã Đồng Văn"
    assert query["province"] == "Hà Nội" and query["ward"] == "Phường Ba Đình"
    assert query["pick_district"] == query["district"] == ""  # the 2025 two-level units
    assert query["weight"] == "1200" and query["value"] == "450000"
    assert query["deliver_option"] == "none"
    # Same region (North), 1.2 kg: 30,000 + two started half-kilos of 2,500.
    assert quote.fee == Decimal(35000) and quote.expected_delivery is None


def test_quote_within_the_province_is_cheaper(ghtk):
    neighbour = party(ward=769)  # Xã Mèo Vạc, the same province
    quote = carrier(ghtk.url).quote(sender=party(), receiver=neighbour, parcel=PARCEL)
    assert quote.fee == Decimal(22000)


def test_a_ward_ghtk_has_no_name_for_is_not_served(ghtk):
    with pytest.raises(UnitNotServed):
        carrier(ghtk.url).quote(sender=party(), receiver=party(ward=999_999), parcel=PARCEL)
    assert ghtk.seen == []


def test_a_wrong_token_is_refused_with_ghtk_s_message(ghtk):
    with pytest.raises(CarrierError, match="token hợp lệ") as refused:
        carrier(ghtk.url, token="wrong").quote(sender=party(), receiver=BUYER, parcel=PARCEL)
    assert not isinstance(refused.value, CarrierUnavailable)


def test_a_wrong_partner_code_is_refused(ghtk):
    with pytest.raises(CarrierError, match="X-Client-Source"):
        carrier(ghtk.url, client_source="S-OTHER").quote(
            sender=party(), receiver=BUYER, parcel=PARCEL
        )


# --------------------------------------------------------------------------- create


def test_create_sends_ghtk_s_order_and_returns_the_label(ghtk):
    waybill = carrier(ghtk.url).create(waybill_request())
    method, path, headers, body = ghtk.seen[-1]
    assert method == "POST" and path == "/services/shipment/order?ver=1.5"

    sent = json.loads(body)
    order = sent["order"]
    assert order["id"] == "CP-SHP-1001"
    assert order["pick_tel"] == "0912345678" and order["tel"] == "0987654321"
    assert order["pick_money"] == 480000 and order["value"] == 450000
    assert order["province"] == "Hà Nội" and order["ward"] == "Phường Ba Đình"
    assert order["hamlet"] == "Khác" and order["is_freeship"] == "1"
    assert sent["products"] == [
        {
            "name": "Chè Shan Tuyết",
            "weight": 0.6,
            "quantity": 2,
            "price": 225000,
            "product_code": "T1",
        }
    ]
    placed = ghtk.core.find(waybill.code)
    assert placed is not None and placed.partner_id == "CP-SHP-1001"
    assert waybill.fee == Decimal(35000)
    assert waybill.expected_delivery == date(2026, 12, 9)  # picked the 7th, two days
    assert waybill.label_url == ""  # GHTK's label needs the token: fetched with label_pdf
    assert waybill.sort_code


def test_create_again_with_the_same_reference_returns_the_first_waybill(ghtk):
    adapter = carrier(ghtk.url)
    first = adapter.create(waybill_request())
    again = adapter.create(waybill_request())
    assert again.code == first.code and again.fee == first.fee
    assert len(ghtk.core.orders) == 1
    assert ghtk.seen[-1][1] == "/services/shipment/v2/partner_id:CP-SHP-1001"


def test_a_reference_used_by_a_cancelled_order_is_not_its_waybill(ghtk):
    adapter = carrier(ghtk.url)
    adapter.cancel(adapter.create(waybill_request()).code)
    with pytest.raises(CarrierError, match="cancelled order"):
        adapter.create(waybill_request())
    assert len(ghtk.core.orders) == 1


def test_ghtk_s_refusal_reaches_the_caller_with_its_message(ghtk):
    request = waybill_request(receiver=party(BA_DINH, phone="+8412"))
    with pytest.raises(CarrierError, match="Số điện thoại tel không hợp lệ"):
        carrier(ghtk.url).create(request)
    assert ghtk.core.orders == {}


def test_cash_above_ghtk_s_ceiling_is_refused(ghtk):
    parcel = Parcel(weight_grams=500, cod_amount=Decimal(25_000_000))
    with pytest.raises(CarrierError, match="Tiền thu hộ"):
        carrier(ghtk.url).create(waybill_request(parcel=parcel))


# --------------------------------------------------------------------------- cancel, track


def test_cancel_before_the_pick_up(ghtk):
    adapter = carrier(ghtk.url)
    code = adapter.create(waybill_request()).code
    adapter.cancel(code)
    assert ghtk.core.find(code).status_id == -1
    adapter.cancel(code)  # twice: still cancelled, no error
    [update] = adapter.track(code)
    assert update.status == TrackingStatus.CANCELLED


def test_cancel_after_the_pick_up_is_refused(ghtk):
    adapter = carrier(ghtk.url)
    code = adapter.create(waybill_request()).code
    ghtk.core.advance(code, TrackingStatus.PICKED, callback_url="")
    with pytest.raises(CarrierError, match="Đơn đã lấy hàng"):
        adapter.cancel(code)
    assert ghtk.core.find(code).status_id == 3


def test_track_reads_ghtk_s_current_status(ghtk):
    adapter = carrier(ghtk.url)
    code = adapter.create(waybill_request()).code
    [update] = adapter.track(code)
    assert update.status == TrackingStatus.READY_TO_PICK and update.reference == "CP-SHP-1001"
    ghtk.core.advance(code, TrackingStatus.DELIVERED, callback_url="")
    [update] = adapter.track(code)
    assert update.status == TrackingStatus.DELIVERED and update.carrier_status == "5"
    assert update.cod_collected == Decimal(480000)
    assert update.at == NOW and update.description == "Đã giao hàng/Chưa đối soát"


def test_tracking_an_unknown_label_is_ghtk_s_refusal(ghtk):
    with pytest.raises(CarrierError, match="không tìm thấy vận đơn"):
        carrier(ghtk.url).track("S1.A1.404")


def test_the_label_is_a_pdf(ghtk):
    adapter = carrier(ghtk.url)
    code = adapter.create(waybill_request()).code
    pdf = adapter.label_pdf(code)
    _method, path, headers, _body = ghtk.seen[-1]
    assert path == f"/services/label/{code}?original=portrait&paper_size=A6"
    assert headers["Token"] == TOKEN
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert code.encode() in pdf


# --------------------------------------------------------------------------- failures


def test_ghtk_answering_5xx_is_unavailable(ghtk):
    ghtk.misbehave("error500")
    with pytest.raises(CarrierUnavailable):
        carrier(ghtk.url).quote(sender=party(), receiver=BUYER, parcel=PARCEL)


def test_ghtk_too_slow_is_unavailable(ghtk):
    ghtk.misbehave("slow", delay=1.0)
    with pytest.raises(CarrierUnavailable):
        carrier(ghtk.url, timeout=0.2).create(waybill_request())


def test_ghtk_unreachable_is_unavailable():
    with pytest.raises(CarrierUnavailable):
        carrier("http://127.0.0.1:9").track("S1.A1.1")


def test_an_answer_that_is_not_json_is_refused(ghtk):
    ghtk.misbehave("garbage")
    with pytest.raises(CarrierError) as refused:
        carrier(ghtk.url).track("S1.A1.1")
    assert not isinstance(refused.value, CarrierUnavailable)


# --------------------------------------------------------------------------- callbacks


def delivered(ghtk: Server, shop) -> tuple[str, Webhook]:
    code = carrier(ghtk.url).create(waybill_request()).code
    fields, answered = ghtk.core.advance(code, TrackingStatus.DELIVERED)
    assert answered == 200 and fields["status_id"] == "5"
    return code, callback_of(shop)


def test_ghtk_s_callback_is_read(ghtk, shop):
    code, webhook = delivered(ghtk, shop)
    assert webhook.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert webhook.query == {"hash": HOOK}
    [update] = carrier(ghtk.url).parse_webhook(webhook)
    assert update.code == code and update.reference == "CP-SHP-1001"
    assert update.status == TrackingStatus.DELIVERED and update.carrier_status == "5"
    assert update.cod_collected == Decimal(480000)
    assert update.at == NOW
    assert carrier(ghtk.url).acknowledge(accepted=True).status == 200


@pytest.mark.parametrize(
    ("status", "expected", "cash"),
    [
        (TrackingStatus.PICKED, TrackingStatus.PICKED, None),
        (TrackingStatus.FAILED_ATTEMPT, TrackingStatus.FAILED_ATTEMPT, None),
        (TrackingStatus.RETURNED, TrackingStatus.RETURNED, None),
        (45, TrackingStatus.DELIVERING, None),
        (6, TrackingStatus.DELIVERED, Decimal(480000)),
        (13, TrackingStatus.LOST, None),
    ],
)
def test_each_status_pushed_is_read_as_ours(ghtk, shop, status, expected, cash):
    code = carrier(ghtk.url).create(waybill_request()).code
    ghtk.core.advance(code, status)
    [update] = carrier(ghtk.url).parse_webhook(callback_of(shop))
    assert update.status == expected and update.cod_collected == cash


def test_a_callback_in_json_is_read_too(ghtk, shop):
    _code, webhook = delivered(ghtk, shop)

    fields = dict(urllib.parse.parse_qsl(webhook.body.decode()))
    body = json.dumps({**fields, "status_id": 4, "pick_money": 480000}).encode()
    forwarded = Webhook(
        body=body,
        headers={"Content-Type": "application/json"},
        query=webhook.query,
        path_token=HOOK,
    )
    [update] = carrier(ghtk.url).parse_webhook(forwarded)
    assert update.status == TrackingStatus.DELIVERING and update.cod_collected is None


@pytest.mark.parametrize(
    ("path_token", "query"),
    [
        ("guessed", {"hash": HOOK}),
        (HOOK, {"hash": "guessed"}),
        (HOOK, {}),
        ("", {"hash": ""}),
    ],
)
def test_a_forged_callback_is_rejected(ghtk, shop, path_token, query):
    _code, webhook = delivered(ghtk, shop)
    forged = Webhook(body=webhook.body, headers=webhook.headers, query=query, path_token=path_token)
    with pytest.raises(WebhookRejected):
        carrier(ghtk.url).parse_webhook(forged)
    assert carrier(ghtk.url).acknowledge(accepted=False).status != 200


def test_without_a_webhook_token_nothing_is_accepted(ghtk, shop):
    _code, webhook = delivered(ghtk, shop)
    with pytest.raises(WebhookRejected):
        carrier(ghtk.url, webhook_token="").parse_webhook(
            Webhook(body=webhook.body, headers=webhook.headers, query={"hash": ""}, path_token="")
        )


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"label_id=S1.A1.1",
        b"label_id=S1.A1.1&status_id=five&action_time=2026-12-06T10:00:00%2B07:00",
        b"label_id=S1.A1.1&status_id=5&action_time=yesterday",
        b"label_id=S1.A1.1&status_id=5&action_time=2026-12-06T10:00:00&pick_money=-5",
        b"label_id=S1.A1.1&status_id=5&action_time=2026-12-06T10:00:00&pick_money=1.5",
        b"label_id=%3Cscript%3E&status_id=5&action_time=2026-12-06T10:00:00",
        b"label_id=S1.A1.1&status_id=5&action_time=9999-12-31T23:59:59-23:59",
        b"label_id=S1.A1.1&status_id=5&action_time=2026-12-06T10:00:00&pick_money=1e9999",
        b"\xff\xfe",
        b"[1, 2]",
        b"{" * 40,
        b"a=" + b"x" * 20_000,
    ],
)
def test_a_malformed_callback_is_rejected(ghtk, body):
    webhook = Webhook(body=body, query={"hash": HOOK}, path_token=HOOK)
    with pytest.raises(WebhookRejected):
        carrier(ghtk.url).parse_webhook(webhook)


def test_a_status_ghtk_has_not_published_gives_no_update(ghtk):
    body = b"label_id=S1.A1.1&partner_id=X&status_id=777&action_time=2026-12-06T10:00:00%2B07:00"
    webhook = Webhook(body=body, query={"hash": HOOK}, path_token=HOOK)
    assert carrier(ghtk.url).parse_webhook(webhook) == []


def test_a_time_without_offset_is_vietnam_s(ghtk):
    body = b"label_id=S1.A1.1&status_id=3&action_time=2026-12-06 10:00:00"
    webhook = Webhook(body=body, query={"hash": HOOK}, path_token=HOOK)
    [update] = carrier(ghtk.url).parse_webhook(webhook)
    assert update.at == NOW and update.status == TrackingStatus.PICKED


def test_a_callback_without_a_reason_carries_ghtk_s_words(ghtk):
    body = b"label_id=S1.A1.1&status_id=4&reason=&action_time=2026-12-06T10:00:00%2B07:00"
    webhook = Webhook(body=body, query={"hash": HOOK}, path_token=HOOK)
    [update] = carrier(ghtk.url).parse_webhook(webhook)
    assert update.description == "Đã điều phối giao hàng/Đang giao hàng"


# --------------------------------------------------------------------------- the simulator's state


def test_the_simulator_s_parcels_survive_a_restart(tmp_path, http_stub):
    state = tmp_path / "simulators" / "ghtk.json"
    first = GHTKSimulatorCore(
        token=TOKEN, client_source=SOURCE, clock=lambda: NOW, state_path=state
    )
    code = carrier(Server(http_stub, first).url).create(waybill_request()).code
    first.advance(code, TrackingStatus.PICKED)
    again = GHTKSimulatorCore(
        token=TOKEN, client_source=SOURCE, clock=lambda: NOW, state_path=state
    )
    restored = again.find("partner_id:CP-SHP-1001")
    assert restored is not None and restored.label == code and restored.status_id == 3
    url = Server(http_stub, again).url
    assert carrier(url).create(waybill_request()).code == code
    assert carrier(url).create(waybill_request("CP-SHP-1002")).code != code
