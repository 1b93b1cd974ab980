"""Giao Hàng Tiết Kiệm (GHTK): its shipment API (``services.giaohangtietkiem.vn``, staging
``services-staging.ghtklab.com``) behind the carrier port.

Every call carries GHTK's two headers, ``Token`` (the shop's API token) and
``X-Client-Source`` (the partner code), and every answer is GHTK's envelope
``{"success": bool, "message": str, ...}``; a refusal (``success: false``, sent with HTTP 200
or a 4xx) becomes CarrierError with GHTK's own message.

============================  =====================================================
port call                     GHTK
============================  =====================================================
quote                         ``GET /services/shipment/fee`` (query string; ``fee.fee`` is the
                              total). GHTK's fee answer has no date: quotes have no expected
                              delivery, waybills have GHTK's ``estimated_deliver_time``
create                        ``POST /services/shipment/order?ver=1.5`` (``order.id`` is our
                              reference: GHTK refuses a second order with the same id,
                              answering ``error.code = "ORDER_ID_EXIST"``; the adapter then
                              reads the first one back with
                              ``GET /services/shipment/v2/partner_id:<reference>``)
cancel                        ``POST /services/shipment/cancel/<label>`` (only before the
                              pick-up: statuses 1, 2 and 12; cancelling a cancelled order
                              again is not an error here)
track                         ``GET /services/shipment/v2/<label>``: GHTK gives the current
                              status only, so the list has one update
label                         ``GET /services/label/<label>`` (a PDF, A6 by default). It needs
                              the Token header, so no browser can open it: waybills have no
                              ``label_url``; :meth:`GHTKCarrier.label_pdf` fetches the PDF)
============================  =====================================================

Addresses go by NAMES: province, district, ward and hamlet as text, looked up in
``units/ghtk.csv``. GHTK publishes no master-data endpoint; it matches the official spellings,
so that table is built from the official names (package vietnam-provinces, as shop/geo.py):
:meth:`GHTKCarrier.master_units` makes its rows without asking GHTK anything, and
``manage.py carrier_units ghtk`` rewrites the file from them. GHTK's city spellings differ
only in dropping "Thành phố" ("Hà Nội") and in "TP. Hồ Chí Minh".

The 2025 reform (two levels, no districts): GHTK's documents still list ``pick_district`` and
``district``, but GHTK takes the new communes and wards under their province. We chose to send
the new units as they are: the ``district`` column is empty and the adapter sends ``district``
empty (the fields stay, so a district can be filled in the table for any ward GHTK would want
one for, with no change to the code).

Money on the wire is whole đồng (integers); products' weights are kilograms, the fee query's
weight is grams. Phones go in national form (0912345678). ``hamlet`` is required by GHTK for
the receiver: "Khác" (other) when we have none.

Callbacks (GHTK's "webhook"): GHTK posts, form-encoded (JSON is read too), ``label_id``,
``partner_id``, ``status_id``, ``action_time`` (ISO 8601), ``reason_code``, ``reason``,
``weight`` (kg), ``fee``, ``pick_money`` and ``return_part_package`` to the one callback URL
registered with the shop. GHTK signs nothing: its documented guard is a secret ``hash`` in
that URL's query string, so we register ``/shipping/callback/ghtk/<webhook_token>/?hash=
<webhook_token>`` and check both the path token and the hash against ``webhook_token`` in
constant time. GHTK counts only HTTP 200 as delivered and retries otherwise, so a callback read
is answered 200; a refused one 400 (nothing a retry could fix). A status id this module does
not know is acknowledged and yields no update (GHTK would otherwise resend it).

Status ids (GHTK's table) onto TrackingStatus: -1 cancelled; 1 not received, 2 received,
12 picking, 7/127 could not pick, 8/128 pick delayed: ready to pick; 3 picked or in a
warehouse, 123 shipper reports picked: picked; 4 delivering, 45 shipper reports delivered (not
confirmed): delivering; 9/49 could not deliver, 10/410 delivery delayed: failed attempt;
5 delivered, 6 reconciled: delivered (cash collected = ``pick_money``); 20 returning; 21
returned, 11 return reconciled: returned; 13 compensation (lost or damaged): lost.
"""

from __future__ import annotations

import hmac
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final
from zoneinfo import ZoneInfo

from shop.carriers.ports import (
    Acknowledgement,
    CarrierCapabilities,
    CarrierError,
    CarrierUnavailable,
    Parcel,
    Party,
    Quote,
    TrackingStatus,
    TrackingUpdate,
    Waybill,
    WaybillRequest,
    Webhook,
    WebhookRejected,
)
from shop.carriers.units import unit_for
from shop.httpjson import parse_json, request_json

__all__ = ["STATUSES", "GHTKCarrier", "status_for", "status_text"]

SERVICE: Final = "GHTK API"
VIETNAM: Final = ZoneInfo("Asia/Ho_Chi_Minh")
FEE_PATH: Final = "/services/shipment/fee"
ORDER_PATH: Final = "/services/shipment/order"
STATUS_PATH: Final = "/services/shipment/v2/"
CANCEL_PATH: Final = "/services/shipment/cancel/"
LABEL_PATH: Final = "/services/label/"
DUPLICATE_ORDER: Final = "ORDER_ID_EXIST"
NO_HAMLET: Final = "Khác"
MAX_WEBHOOK_BYTES: Final = 16_384

# GHTK's status ids: what each means for us (module docstring) and GHTK's words for it.
STATUSES: Final[dict[int, tuple[str, str]]] = {
    -1: (TrackingStatus.CANCELLED, "Hủy đơn hàng"),
    1: (TrackingStatus.READY_TO_PICK, "Chưa tiếp nhận"),
    2: (TrackingStatus.READY_TO_PICK, "Đã tiếp nhận"),
    3: (TrackingStatus.PICKED, "Đã lấy hàng/Đã nhập kho"),
    4: (TrackingStatus.DELIVERING, "Đã điều phối giao hàng/Đang giao hàng"),
    5: (TrackingStatus.DELIVERED, "Đã giao hàng/Chưa đối soát"),
    6: (TrackingStatus.DELIVERED, "Đã đối soát"),
    7: (TrackingStatus.READY_TO_PICK, "Không lấy được hàng"),
    8: (TrackingStatus.READY_TO_PICK, "Hoãn lấy hàng"),
    9: (TrackingStatus.FAILED_ATTEMPT, "Không giao được hàng"),
    10: (TrackingStatus.FAILED_ATTEMPT, "Delay giao hàng"),
    11: (TrackingStatus.RETURNED, "Đã đối soát công nợ trả hàng"),
    12: (TrackingStatus.READY_TO_PICK, "Đã điều phối lấy hàng/Đang lấy hàng"),
    13: (TrackingStatus.LOST, "Đơn hàng bồi hoàn"),
    20: (TrackingStatus.RETURNING, "Đang trả hàng (COD cầm hàng đi trả)"),
    21: (TrackingStatus.RETURNED, "Đã trả hàng (COD đã trả xong hàng)"),
    45: (TrackingStatus.DELIVERING, "Shipper báo đã giao hàng"),
    49: (TrackingStatus.FAILED_ATTEMPT, "Shipper báo không giao được giao hàng"),
    123: (TrackingStatus.PICKED, "Shipper báo đã lấy hàng"),
    127: (TrackingStatus.READY_TO_PICK, "Shipper báo không lấy được hàng"),
    128: (TrackingStatus.READY_TO_PICK, "Shipper báo delay lấy hàng"),
    410: (TrackingStatus.FAILED_ATTEMPT, "Shipper báo delay giao hàng"),
}
# The statuses after which GHTK has the receiver's cash (pick_money).
CASH_COLLECTED: Final = frozenset({5, 6})
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_CODE = re.compile(r"[A-Za-z0-9._:-]{1,250}")


def status_for(status_id: int) -> str | None:
    """Our TrackingStatus for GHTK's ``status_id``; None for an id GHTK has not published."""
    entry = STATUSES.get(status_id)
    return entry[0] if entry else None


def status_text(status_id: int) -> str:
    """GHTK's own words for ``status_id`` (Vietnamese), "" for an unpublished id."""
    entry = STATUSES.get(status_id)
    return entry[1] if entry else ""


def _ghtk_province(name: str) -> str:
    if name == "Thành phố Hồ Chí Minh":
        return "TP. Hồ Chí Minh"
    return name.removeprefix("Thành phố ").removeprefix("Tỉnh ")


def official_units() -> list[dict[str, object]]:
    """Every official ward in GHTK's names: the rows of ``units/ghtk.csv``."""
    from vietnam_provinces import Province, Ward

    provinces = {int(p.code): _ghtk_province(p.name) for p in Province.iter_all()}
    return [
        {
            "ward_code": int(ward.code),
            "province_code": int(ward.province_code),
            "province": provinces[int(ward.province_code)],
            "district": "",  # the 2025 two-level units
            "ward": ward.name,
            "name": ward.name,
        }
        for ward in Ward.iter_all()
    ]


def _whole(value: object, *, field: str) -> Decimal:
    """GHTK's money (an integer, sometimes sent as text) as whole đồng."""
    if isinstance(value, bool) or value is None or value == "":
        raise ValueError(f"{field} is missing")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"{field} is not a number") from exc
    if not amount.is_finite() or not 0 <= amount < 10**12:
        raise ValueError(f"{field} is out of range")
    if amount != amount.to_integral_value():
        raise ValueError(f"{field} is not whole đồng")
    return amount.quantize(Decimal(1))


def _date_in(text: object) -> date | None:
    """The date in GHTK's estimate texts ("Chiều 2026-12-08", "2026-12-08 17:00:00")."""
    if not isinstance(text, str):
        return None
    match = _DATE.search(text)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _moment(text: object) -> datetime | None:
    """An aware time from GHTK's ISO 8601 or "YYYY-MM-DD hh:mm:ss" (Vietnam's clock)."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=VIETNAM)
        moment.astimezone(UTC)  # a time no clock can hold (year 9999 west of UTC) is no time
    except (ValueError, OverflowError):
        return None
    return moment if 2000 <= moment.year <= 2100 else None


def _status_id(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("status_id is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,4}", value.strip()):
        return int(value)
    raise ValueError("status_id is not a number")


class GHTKCarrier:
    """The adapter (shop/carriers/ports.Carrier). Options: ``token``, ``client_source``,
    ``api_url`` (``https://services.giaohangtietkiem.vn``), ``webhook_token``, ``timeout``
    (seconds), ``transport`` ("road", GHTK's default, or "fly")."""

    # GHTK's label needs the Token header: no browser can open it, so waybills carry no
    # label_url; :meth:`label_pdf` fetches the PDF for the server.
    capabilities = CarrierCapabilities(cancel=True, label_url=False, cod_in_webhook=True)

    def __init__(self, *, name: str = "ghtk", options: dict[str, Any]) -> None:
        self.name = name
        self._token = str(options.get("token", ""))
        self._client_source = str(options.get("client_source", ""))
        self._webhook_token = str(options.get("webhook_token", ""))
        self._timeout = float(options.get("timeout", 10.0))
        self._transport = str(options.get("transport", "road"))
        api_url = str(options.get("api_url", "https://services.giaohangtietkiem.vn")).rstrip("/")
        if urllib.parse.urlsplit(api_url).scheme not in ("http", "https") or not self._token:
            raise ValueError("GHTK needs a token and an http(s) api_url")
        self._api_url = api_url

    # --------------------------------------------------------------- the wire

    def _headers(self) -> dict[str, str]:
        headers = {"Token": self._token}
        if self._client_source:
            headers["X-Client-Source"] = self._client_source
        return headers

    def _call(
        self,
        method: str,
        path: str,
        *,
        payload: dict | None = None,
        query: dict | None = None,
    ) -> dict[str, Any]:
        """GHTK's envelope for one call; CarrierError with GHTK's message when it refuses."""
        answer = request_json(
            self._api_url + path,
            method=method,
            payload=payload,
            query=query,
            headers=self._headers(),
            timeout=self._timeout,
            service=SERVICE,
            unavailable=CarrierUnavailable,
            refused=CarrierError,
            error_answers=True,
        )
        if answer.get("success") is not True:
            raise _Refused(answer)
        return answer

    @staticmethod
    def _quoted(code: str) -> str:
        if not _CODE.fullmatch(code or ""):
            raise CarrierError(f"not a GHTK order code: {code!r}")
        return urllib.parse.quote(code, safe=":")

    # --------------------------------------------------------------- addresses

    def master_units(self) -> list[dict[str, object]]:
        """The rows of ``units/ghtk.csv``, from the official names (GHTK has no endpoint)."""
        return official_units()

    def _place(self, party: Party) -> dict[str, str]:
        unit = unit_for("ghtk", party.ward_code)
        return {"province": unit.province, "district": unit.district, "ward": unit.ward}

    # --------------------------------------------------------------- the port

    def quote(self, *, sender: Party, receiver: Party, parcel: Parcel) -> Quote:
        pick, deliver = self._place(sender), self._place(receiver)
        query = {
            "pick_province": pick["province"],
            "pick_district": pick["district"],
            "pick_ward": pick["ward"],
            "pick_address": sender.street,
            "province": deliver["province"],
            "district": deliver["district"],
            "ward": deliver["ward"],
            "address": receiver.street,
            "weight": max(int(parcel.weight_grams), 1),
            "value": int(parcel.goods_value),
            "transport": self._transport,
            "deliver_option": "none",
        }
        answer = self._call("GET", FEE_PATH, query=query)
        fee = answer.get("fee")
        if not isinstance(fee, dict):
            raise CarrierError("GHTK's fee answer has no fee")
        if fee.get("delivery") is False:
            raise CarrierError("GHTK does not deliver to this address")
        try:
            amount = _whole(fee.get("fee"), field="fee")
        except ValueError as exc:
            raise CarrierError(f"GHTK's fee answer: {exc}") from None
        return Quote(
            fee=amount,
            expected_delivery=None,  # GHTK's fee API gives no date; its order answer does
            service=self._transport,
        )

    def create(self, request: WaybillRequest) -> Waybill:
        pick, deliver = self._place(request.sender), self._place(request.receiver)
        parcel = request.parcel
        products = [
            {
                "name": item.name[:200],
                "weight": round(max(item.weight_grams, 1) / 1000, 3),
                "quantity": item.quantity,
                "price": int(item.price),
                "product_code": item.code,
            }
            for item in parcel.items
        ] or [
            {"name": parcel.note or "Hàng hóa", "weight": parcel.weight_grams / 1000, "quantity": 1}
        ]
        order = {
            "id": request.reference,
            "pick_name": request.sender.name,
            "pick_address": request.sender.street,
            "pick_province": pick["province"],
            "pick_district": pick["district"],
            "pick_ward": pick["ward"],
            "pick_tel": request.sender.national_phone,
            "name": request.receiver.name,
            "tel": request.receiver.national_phone,
            "address": request.receiver.street,
            "province": deliver["province"],
            "district": deliver["district"],
            "ward": deliver["ward"],
            "hamlet": request.receiver.hamlet or NO_HAMLET,
            "pick_money": int(parcel.cod_amount),
            "value": int(parcel.goods_value),
            "is_freeship": "1",  # the receiver pays only pick_money: the fee is on the producer
            "note": parcel.note[:120],
            "transport": request.service or self._transport,
            "pick_option": "cod",  # a shipper picks up at the producer's
            "total_weight": round(parcel.weight_grams / 1000, 3),
        }
        try:
            answer = self._call(
                "POST", ORDER_PATH + "?ver=1.5", payload={"products": products, "order": order}
            )
        except _Refused as refusal:
            if refusal.code != DUPLICATE_ORDER:
                raise CarrierError(refusal.message) from None
            return self._existing(request.reference)
        placed = answer.get("order")
        if not isinstance(placed, dict) or not isinstance(placed.get("label"), str):
            raise CarrierError("GHTK's order answer has no label")
        return self._waybill(
            code=placed["label"],
            fee=placed.get("fee"),
            expected=placed.get("estimated_deliver_time"),
            sort_code=placed.get("sorting_code"),
        )

    def _existing(self, reference: str) -> Waybill:
        """The order GHTK already has under our ``reference`` (a retried creation)."""
        order = self._order("partner_id:" + reference)
        if str(order.get("status")) == "-1":
            raise CarrierError(
                f"GHTK has {reference} on a cancelled order: a new one needs a new id"
            )
        return self._waybill(
            code=order["label_id"], fee=order.get("ship_money"), expected=order.get("deliver_date")
        )

    def _waybill(
        self, *, code: str, fee: object, expected: object, sort_code: object = ""
    ) -> Waybill:
        try:
            amount = _whole(fee, field="fee")
        except ValueError:
            amount = None
        return Waybill(
            code=code,
            fee=amount,
            expected_delivery=_date_in(expected),
            sort_code=sort_code if isinstance(sort_code, str) else "",
        )

    def label_pdf(self, code: str) -> bytes:
        """GHTK's printable label of the order (A6, portrait) as PDF bytes."""
        url = f"{self._api_url}{LABEL_PATH}{self._quoted(code)}?original=portrait&paper_size=A6"
        request = urllib.request.Request(  # noqa: S310 - api_url is checked to be http(s)
            url, headers=self._headers()
        )
        try:
            with urllib.request.urlopen(  # noqa: S310 - api_url is checked to be http(s)
                request, timeout=self._timeout
            ) as response:
                body = response.read(4 << 20)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code >= 500 or exc.code in (408, 429):
                raise CarrierUnavailable(f"{SERVICE} answered HTTP {exc.code}") from exc
            raise CarrierError(f"{SERVICE} has no label for {code}") from exc
        except OSError as exc:
            raise CarrierUnavailable(f"{SERVICE} unreachable: {exc}") from exc
        if not body.startswith(b"%PDF"):
            raise CarrierError(f"{SERVICE} has no label for {code}")
        return body

    def cancel(self, code: str) -> None:
        path = CANCEL_PATH + self._quoted(code)
        try:
            self._call("POST", path, payload={})
        except _Refused as refusal:
            # Cancelling twice: GHTK says so; the order is cancelled, which is what was asked.
            if str(self._order(code).get("status")) == "-1":
                return
            raise CarrierError(refusal.message) from None

    def track(self, code: str) -> list[TrackingUpdate]:
        order = self._order(code)
        try:
            status_id = _status_id(order.get("status"))
        except ValueError:
            raise CarrierError("GHTK's status answer has no status") from None
        status = status_for(status_id)
        if status is None:
            return []
        at = _moment(order.get("modified")) or _moment(order.get("created"))
        if at is None:
            raise CarrierError("GHTK's status answer has no time")
        cash = None
        if status_id in CASH_COLLECTED:
            try:
                cash = _whole(order.get("pick_money", 0), field="pick_money")
            except ValueError:
                cash = None
        return [
            TrackingUpdate(
                code=str(order.get("label_id") or code),
                reference=str(order.get("partner_id") or ""),
                status=status,
                carrier_status=str(status_id),
                at=at,
                description=str(order.get("status_text") or status_text(status_id)),
                cod_collected=cash,
            )
        ]

    def _order(self, code: str) -> dict[str, Any]:
        answer = self._call("GET", STATUS_PATH + self._quoted(code))
        order = answer.get("order")
        if not isinstance(order, dict) or not isinstance(order.get("label_id"), str):
            raise CarrierError("GHTK's status answer has no order")
        return order

    # --------------------------------------------------------------- callbacks

    def parse_webhook(self, webhook: Webhook) -> list[TrackingUpdate]:
        secret = self._webhook_token.encode()
        if not secret:
            raise WebhookRejected("no webhook token is configured for GHTK")
        if not hmac.compare_digest(webhook.path_token.encode(), secret):
            raise WebhookRejected("the callback URL's token is wrong")
        given = str(_header(webhook.query, "hash") or "")
        if not hmac.compare_digest(given.encode(), secret):
            raise WebhookRejected("the callback's hash is wrong")
        fields = _webhook_fields(webhook)
        label = fields.get("label_id")
        if not isinstance(label, str) or not _CODE.fullmatch(label):
            raise WebhookRejected("the callback has no label_id")
        try:
            status_id = _status_id(fields.get("status_id"))
        except ValueError as exc:
            raise WebhookRejected(str(exc)) from None
        at = _moment(fields.get("action_time"))
        if at is None:
            raise WebhookRejected("the callback has no action_time")
        status = status_for(status_id)
        if status is None:
            return []
        cash = None
        if status_id in CASH_COLLECTED and fields.get("pick_money") not in (None, ""):
            try:
                cash = _whole(fields["pick_money"], field="pick_money")
            except ValueError as exc:
                raise WebhookRejected(str(exc)) from None
        reason = fields.get("reason")
        return [
            TrackingUpdate(
                code=label,
                reference=_text(fields.get("partner_id"))[:250],
                status=status,
                carrier_status=str(status_id),
                at=at,
                description=(reason if isinstance(reason, str) and reason else "")[:500]
                or status_text(status_id),
                cod_collected=cash,
            )
        ]

    def acknowledge(self, *, accepted: bool) -> Acknowledgement:
        body = json.dumps({"success": accepted}).encode()
        return Acknowledgement(status=200 if accepted else 400, body=body)


class _Refused(CarrierError):
    """GHTK answered ``success: false``: its message (the CarrierError's) and error code."""

    def __init__(self, answer: dict[str, Any]) -> None:
        message = answer.get("message")
        self.message = message if isinstance(message, str) and message else "GHTK refused"
        error = answer.get("error")
        code = error.get("code") if isinstance(error, dict) else answer.get("error_code")
        self.code = str(code or "")
        super().__init__(self.message)


def _text(value: object) -> str:
    """A field GHTK sends as text or a number (``partner_id``), as text; "" otherwise."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return str(value)


def _header(values, name: str) -> str | None:
    for key, value in values.items():
        if key.lower() == name:
            return value if isinstance(value, str) else None
    return None


def _webhook_fields(webhook: Webhook) -> dict[str, Any]:
    """The callback's fields: form-encoded as GHTK posts them, or JSON."""
    body = webhook.body
    if len(body) > MAX_WEBHOOK_BYTES:
        raise WebhookRejected("the callback is too large")
    content_type = (_header(webhook.headers, "content-type") or "").lower()
    try:
        if "json" in content_type or body.lstrip()[:1] == b"{":
            fields = parse_json(body)
        else:
            text = body.decode("utf-8")
            pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
            fields = dict(pairs)
    except ValueError:
        raise WebhookRejected("the callback is neither a form nor JSON") from None
    if not isinstance(fields, dict):
        raise WebhookRejected("the callback is not an object")
    return fields
