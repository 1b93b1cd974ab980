"""Viettel Post's partner API (``https://partner.viettelpost.vn/v2``) behind the carrier port.

The protocol, as Viettel Post publishes it for partners:

- Authentication: ``POST /user/Login {USERNAME, PASSWORD}`` gives a short-lived token;
  ``POST /user/ownerconnect`` with that token in the ``Token`` header and the same credentials
  gives the long-lived one every other call sends as ``Token``. The adapter logs in on its
  first call, keeps the token in the instance (behind a lock) and logs in again once when an
  answer says the token is invalid or expired (``status`` 401/403 or the message "Token
  invalid ..."), then repeats the call. Viettel Post's document does not say whether such a
  refusal comes as HTTP 200 or as an HTTP 4xx carrying the envelope: both are read.
- Every answer is the envelope ``{status, error, message, data}``: ``status`` 200 and
  ``error`` false is success; anything else is refused with Viettel Post's ``message``
  (CarrierError), except a ``status`` of 500 and above ("System error"), which is transient
  (CarrierUnavailable) like the network, timeouts and HTTP 5xx.
- Units: ``province``, ``district``, ``ward`` of ``units/viettelpost.csv`` are Viettel Post's
  PROVINCE_ID, DISTRICT_ID and WARDS_ID. Since the 2025 reform Viettel Post keeps two
  catalogues: the old three-level one and the new two-level one (34 provinces, wards directly
  under them). A new-catalogue address is sent with the province's pseudo-district
  ``DISTRICT_VALUE "NEW"`` ("Bỏ qua - Sử dụng địa chỉ 2 cấp", DISTRICT_ID 100000000 + the
  province id) and a new WARDS_ID: that is what our table holds (:meth:`master_units` reads it
  from ``/categories/listProvinceById?provinceId=-1``, ``/categories/listDistrict`` and
  ``/categories/listWards``).
- Quote: ``POST /order/getPrice`` (``PRODUCT_WEIGHT`` grams, ``PRODUCT_PRICE``,
  ``MONEY_COLLECTION``, ``ORDER_SERVICE``, sender and receiver ids, ``PRODUCT_TYPE`` "HH",
  ``NATIONAL_TYPE`` 1) answers ``MONEY_TOTAL`` (đồng, VAT included) and ``KPI_HT`` (hours).
  The expected delivery date is today in Vietnam plus KPI_HT rounded up to whole days.
- Waybill: ``POST /order/createOrder`` with ``ORDER_NUMBER`` = our reference and
  ``CHECK_UNIQUE`` true; ``data.ORDER_NUMBER`` is Viettel Post's code. ``ORDER_PAYMENT`` is 3
  (collect the goods' price, the shipping fee is the sender's) when there is cash to collect,
  1 (collect nothing) otherwise. Viettel Post limits strings to 150 bytes: names, the address
  and the note are cut to fit. A retried creation whose reference Viettel Post already has is
  refused (the wording is not published; the adapter takes "already exists", "đã tồn tại",
  "trùng" or "duplicate" for it): the adapter then looks the order up by our reference and
  returns the first waybill.
- Cancel: ``POST /order/UpdateOrder {TYPE: 4, ORDER_NUMBER, NOTE}``, which Viettel Post
  accepts only before the pick-up (status < 200, not 105 or 107).
- Label: ``POST /order/printing-code {EXPIRY_TIME, ORDER_ARRAY}`` answers a printing code in
  ``message``; the A6 label is ``{print_url}?type=2&bill={code}&showPostage=0``
  (``print_url`` option, Viettel Post's DigitalizePrint by default). The link expires
  (``label_days`` option, 30 days): the shop prints its own label from the waybill anyway,
  and a failure to get the link never fails a creation.
- Tracking: Viettel Post's partner document has no journey query; the adapter uses
  ``POST /order/getOrderStatusByOrderNumber {ORDER_NUMBER}`` (either its code or our
  reference), answering ``data`` as the list of journey entries in the webhook's ``DATA``
  shape, oldest first. To be checked against Viettel Post before launch; the webhooks carry
  every status in any case.
- Webhook: Viettel Post POSTs ``{"DATA": {ORDER_NUMBER, ORDER_REFERENCE, ORDER_STATUSDATE
  ("dd/MM/yyyy HH:mm:ss", Vietnam time), ORDER_STATUS, STATUS_NAME, LOCALION_CURRENTLY (sic),
  NOTE, MONEY_COLLECTION, MONEY_FEECOD, MONEY_TOTAL, EXPECTED_DELIVERY, PRODUCT_WEIGHT,
  ORDER_SERVICE, IS_RETURNING, ...}, "TOKEN": "<the secret configured at Viettel Post>"}``.
  The callback is accepted when TOKEN and the secret part of our callback URL both equal the
  ``webhook_token`` option (constant-time comparisons). Viettel Post retries five times unless
  answered HTTP 200; a refused callback is answered 400.
- Statuses: see :data:`STATUSES`. 202 ("Sửa phiếu gửi", an edit) moves nothing: the callback
  is accepted and yields no update. A code outside Viettel Post's table is refused. A
  delivery (501) reports MONEY_COLLECTION as the cash collected.
"""

from __future__ import annotations

import hmac
import json
import math
import re
import threading
import time
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from shop import geo
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

__all__ = [
    "STATUSES",
    "VIETNAM",
    "ViettelPostCarrier",
    "parse_status_date",
    "status_for",
    "webhook_body",
]

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_API_URL = "https://partner.viettelpost.vn/v2"
DEFAULT_PRINT_URL = "https://digitalize.viettelpost.vn/DigitalizePrint/report.do"
DEFAULT_SERVICE = "VCN"  # Chuyển phát nhanh (express), served nationwide
MAX_BYTES = 150  # Viettel Post's limit on string fields
DATE_FORMAT = "%d/%m/%Y %H:%M:%S"

# Viettel Post's ORDER_STATUS codes -> our TrackingStatus (None: known, moves nothing).
STATUSES: Mapping[int, str | None] = {
    -100: TrackingStatus.READY_TO_PICK,  # new order, not yet approved
    -108: TrackingStatus.READY_TO_PICK,  # to be dropped off at a post office
    -109: TrackingStatus.READY_TO_PICK,  # dropped off at a post office
    -110: TrackingStatus.READY_TO_PICK,  # handed to a postman by the sender
    100: TrackingStatus.READY_TO_PICK,  # received by Viettel Post, awaiting processing
    102: TrackingStatus.READY_TO_PICK,  # awaiting processing
    103: TrackingStatus.READY_TO_PICK,  # assigned to a post office
    104: TrackingStatus.READY_TO_PICK,  # a postman is on the way to pick it up
    101: TrackingStatus.CANCELLED,  # Viettel Post refused the order
    107: TrackingStatus.CANCELLED,  # cancelled by the partner through the API
    201: TrackingStatus.CANCELLED,  # waybill entry cancelled
    503: TrackingStatus.CANCELLED,  # cancelled at the customer's request
    105: TrackingStatus.PICKED,  # the postman has the parcel
    200: TrackingStatus.PICKED,  # received at the origin post office
    202: None,  # waybill edited
    300: TrackingStatus.IN_TRANSIT,  # dispatched
    400: TrackingStatus.IN_TRANSIT,  # arrived at a hub
    509: TrackingStatus.IN_TRANSIT,  # forwarded to another post office
    500: TrackingStatus.DELIVERING,  # out for delivery
    508: TrackingStatus.DELIVERING,  # delivery resumed at the sender's request
    550: TrackingStatus.DELIVERING,  # delivery resumed at the receiver's request
    501: TrackingStatus.DELIVERED,
    505: TrackingStatus.FAILED_ATTEMPT,  # failed, return proposed (awaits the sender)
    506: TrackingStatus.FAILED_ATTEMPT,  # failed: receiver away, not answering, postponed
    507: TrackingStatus.FAILED_ATTEMPT,  # receiver will collect it at the post office
    502: TrackingStatus.RETURNING,  # returning to the origin post office
    515: TrackingStatus.RETURNING,  # return approved
    504: TrackingStatus.RETURNED,  # returned to the sender
}
_ON_THE_WAY = {TrackingStatus.IN_TRANSIT, TrackingStatus.DELIVERING}
_EXPIRED_TOKEN = re.compile(r"token (is )?(invalid|expired)|token.*required", re.IGNORECASE)
_DUPLICATE = re.compile(r"already exist|đã tồn tại|trùng|duplicate", re.IGNORECASE)


def status_for(code: int, *, returning: bool = False) -> str | None:
    """Our TrackingStatus for Viettel Post's ORDER_STATUS ``code`` (KeyError when unknown); a
    parcel moving while IS_RETURNING is on its way back."""
    status = STATUSES[code]
    if returning and status in _ON_THE_WAY:
        return TrackingStatus.RETURNING
    return status


def parse_status_date(value: object) -> datetime:
    """ORDER_STATUSDATE ("dd/MM/yyyy HH:mm:ss", Vietnam time) as an aware datetime."""
    if not isinstance(value, str):
        raise ValueError("ORDER_STATUSDATE is missing")
    return datetime.strptime(value.strip(), DATE_FORMAT).replace(tzinfo=VIETNAM)


def _cut(text: str, limit: int = MAX_BYTES) -> str:
    """``text`` cut to ``limit`` UTF-8 bytes without splitting a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore").strip()


def _money(value: object, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        raise CarrierError(f"Viettel Post sent a {field} that is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise CarrierError(f"Viettel Post sent a {field} that is not an amount")
    return amount.quantize(Decimal(1))


def _whole(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1)))


class ViettelPostCarrier:
    """The Carrier port over Viettel Post's partner API (see the module's docstring)."""

    capabilities = CarrierCapabilities(cancel=True, label_url=True, cod_in_webhook=True)

    def __init__(self, *, name: str = "viettelpost", options: Mapping[str, Any]) -> None:
        self.name = name
        self.username = str(options.get("username", ""))
        self.password = str(options.get("password", ""))
        self.api_url = str(options.get("api_url") or DEFAULT_API_URL).rstrip("/")
        self.print_url = str(options.get("print_url") or DEFAULT_PRINT_URL)
        self.webhook_token = str(options.get("webhook_token", ""))
        self.service = str(options.get("service") or DEFAULT_SERVICE)
        self.timeout = float(options.get("timeout", 10.0))
        self.label_days = int(options.get("label_days", 30))
        for label, url in (("api_url", self.api_url), ("print_url", self.print_url)):
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
                raise ValueError(f"Viettel Post {label} must be an absolute http(s) URL")
        if not self.username or not self.password:
            raise ValueError("Viettel Post needs a username and a password")
        self._token = ""
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ the wire

    def _send(self, path: str, *, payload=None, query=None, token: str = "") -> dict:
        return request_json(
            f"{self.api_url}{path}",
            method="GET" if payload is None else "POST",
            payload=payload,
            query=query,
            headers={"Token": token} if token else None,
            timeout=self.timeout,
            service="Viettel Post API",
            unavailable=CarrierUnavailable,
            refused=CarrierError,
            error_answers=True,  # a 4xx carrying the envelope is read like Viettel Post's 200s
        )

    def _login(self) -> str:
        credentials = {"USERNAME": self.username, "PASSWORD": self.password}
        short = _data(self._send("/user/Login", payload=credentials))
        first = short.get("token") if isinstance(short, dict) else None
        if not isinstance(first, str) or not first:
            raise CarrierError("Viettel Post's login answer has no token")
        owner = _data(self._send("/user/ownerconnect", payload=credentials, token=first))
        token = owner.get("token") if isinstance(owner, dict) else None
        if not isinstance(token, str) or not token:
            raise CarrierError("Viettel Post's ownerconnect answer has no token")
        return token

    def token(self) -> str:
        """The long-lived token, logging in when the adapter has none."""
        with self._lock:
            if not self._token:
                self._token = self._login()
            return self._token

    def _forget(self, token: str) -> None:
        with self._lock:
            if self._token == token:
                self._token = ""

    def call(self, path: str, *, payload=None, query=None) -> Any:
        """``data`` of an authenticated call, logging in again once on an expired token."""
        for attempt in range(2):
            token = self.token()
            answer = self._send(path, payload=payload, query=query, token=token)
            if attempt == 0 and _token_refused(answer):
                self._forget(token)
                continue
            return _data(answer)
        raise CarrierError("Viettel Post refused a fresh token")  # pragma: no cover

    # ------------------------------------------------------------------ master data

    def master_units(self) -> list[dict]:
        """Viettel Post's new (two-level) catalogue: one dict per ward with ``province``,
        ``province_name``, ``district`` (the province's "NEW" pseudo-district), ``ward`` and
        ``ward_name``, for ``manage.py carrier_units viettelpost`` (units.match)."""
        provinces = self.call("/categories/listProvinceById", query={"provinceId": -1})
        rows: list[dict] = []
        for province in _records(provinces):
            province_id = province.get("PROVINCE_ID")
            districts = self.call("/categories/listDistrict", query={"provinceId": province_id})
            new = [d for d in _records(districts) if d.get("DISTRICT_VALUE") == "NEW"]
            for district in new:
                wards = self.call(
                    "/categories/listWards", query={"districtId": district.get("DISTRICT_ID")}
                )
                rows.extend(
                    {
                        "province": str(province_id),
                        "province_name": str(province.get("PROVINCE_NAME", "")),
                        "district": str(district.get("DISTRICT_ID")),
                        "ward": str(ward.get("WARDS_ID")),
                        "ward_name": str(ward.get("WARDS_NAME", "")),
                    }
                    for ward in _records(wards)
                )
        return rows

    # ------------------------------------------------------------------ the port

    def _route(self, sender: Party, receiver: Party) -> dict:
        route = {}
        for side, party in (("SENDER", sender), ("RECEIVER", receiver)):
            unit = unit_for(self.name, party.ward_code)
            route[f"{side}_PROVINCE"] = int(unit.province)
            route[f"{side}_DISTRICT"] = int(unit.district)
            route[f"{side}_WARD"] = int(unit.ward)
        return route

    def quote(self, *, sender: Party, receiver: Party, parcel: Parcel) -> Quote:
        payload = {
            **self._route(sender, receiver),
            "PRODUCT_WEIGHT": parcel.weight_grams,
            "PRODUCT_PRICE": _whole(parcel.goods_value),
            "MONEY_COLLECTION": _whole(parcel.cod_amount),
            "PRODUCT_LENGTH": parcel.length_cm,
            "PRODUCT_WIDTH": parcel.width_cm,
            "PRODUCT_HEIGHT": parcel.height_cm,
            "ORDER_SERVICE": self.service,
            "ORDER_SERVICE_ADD": "",
            "PRODUCT_TYPE": "HH",
            "NATIONAL_TYPE": 1,
        }
        data = _object(self.call("/order/getPrice", payload=payload))
        return Quote(
            fee=_money(data.get("MONEY_TOTAL"), "MONEY_TOTAL"),
            expected_delivery=_delivery_date(data.get("KPI_HT")),
            service=self.service,
        )

    def create(self, request: WaybillRequest) -> Waybill:
        parcel = request.parcel
        payload = {
            "ORDER_NUMBER": request.reference,
            "GROUPADDRESS_ID": 0,
            **_party("SENDER", request.sender),
            **_party("RECEIVER", request.receiver),
            **self._route(request.sender, request.receiver),
            "PRODUCT_NAME": _cut(", ".join(i.name for i in parcel.items) or "Đặc sản"),
            "PRODUCT_DESCRIPTION": "",
            "PRODUCT_QUANTITY": sum(i.quantity for i in parcel.items) or 1,
            "PRODUCT_PRICE": _whole(parcel.goods_value),
            "PRODUCT_WEIGHT": parcel.weight_grams,
            "PRODUCT_LENGTH": parcel.length_cm,
            "PRODUCT_WIDTH": parcel.width_cm,
            "PRODUCT_HEIGHT": parcel.height_cm,
            "PRODUCT_TYPE": "HH",
            "ORDER_PAYMENT": 3 if parcel.cod_amount > 0 else 1,
            "ORDER_SERVICE": request.service or self.service,
            "ORDER_SERVICE_ADD": "",
            "ORDER_NOTE": _cut(parcel.note),
            "MONEY_COLLECTION": _whole(parcel.cod_amount),
            "EXTRA_MONEY": 0,
            "CHECK_UNIQUE": True,
            "ENABLE_SORT_CODE": True,
            "LIST_ITEM": [
                {
                    "PRODUCT_NAME": _cut(item.name),
                    "PRODUCT_PRICE": _whole(item.price),
                    "PRODUCT_WEIGHT": item.weight_grams,
                    "PRODUCT_QUANTITY": item.quantity,
                }
                for item in parcel.items
            ],
        }
        try:
            data = _object(self.call("/order/createOrder", payload=payload))
        except CarrierUnavailable:
            raise
        except CarrierError as exc:
            if not _DUPLICATE.search(str(exc)):
                raise
            return self._existing(request.reference)
        code = data.get("ORDER_NUMBER")
        if not isinstance(code, str | int) or not str(code):
            raise CarrierError("Viettel Post's answer has no ORDER_NUMBER")
        return Waybill(
            code=str(code),
            fee=_money(data.get("MONEY_TOTAL"), "MONEY_TOTAL"),
            expected_delivery=_delivery_date(data.get("KPI_HT")),
            label_url=self.label_url(str(code)),
            sort_code=str(data.get("SORT_CODE") or data.get("sort_code") or ""),
        )

    def _existing(self, reference: str) -> Waybill:
        """The waybill Viettel Post already made for our ``reference``."""
        journey = _records(
            self.call("/order/getOrderStatusByOrderNumber", payload={"ORDER_NUMBER": reference})
        )
        if not journey:
            raise CarrierError(f"Viettel Post has {reference} but does not show it")
        last = journey[-1]
        code = str(last.get("ORDER_NUMBER") or "")
        if not code:
            raise CarrierError(f"Viettel Post has {reference} but gives no code")
        total = last.get("MONEY_TOTAL")
        return Waybill(
            code=code,
            fee=_money(total, "MONEY_TOTAL") if total is not None else None,
            label_url=self.label_url(code),
        )

    def label_url(self, code: str) -> str:
        """A link to Viettel Post's A6 label of waybill ``code``; "" when it gives none."""
        expiry = int((time.time() + self.label_days * 86400) * 1000)
        try:
            answer = self._send(
                "/order/printing-code",
                payload={"EXPIRY_TIME": expiry, "ORDER_ARRAY": [code]},
                token=self.token(),
            )
        except CarrierError:
            return ""
        printing = answer.get("message")
        if answer.get("error") or answer.get("status") != 200 or not isinstance(printing, str):
            return ""
        query = urlencode({"type": 2, "bill": printing, "showPostage": 0})
        return f"{self.print_url}?{query}"

    def cancel(self, code: str) -> None:
        self.call(
            "/order/UpdateOrder",
            payload={"TYPE": 4, "ORDER_NUMBER": code, "NOTE": "Người bán hủy đơn"},
        )

    def track(self, code: str) -> list[TrackingUpdate]:
        """The journey, oldest first; a status outside Viettel Post's table is skipped (a
        webhook with it is refused and logged)."""
        journey = self.call("/order/getOrderStatusByOrderNumber", payload={"ORDER_NUMBER": code})
        updates = []
        for entry in _records(journey):
            try:
                update = _update(entry)
            except KeyError:
                continue
            except (TypeError, ValueError) as exc:
                raise CarrierError(f"Viettel Post sent an unreadable status: {exc}") from None
            if update is not None:
                updates.append(update)
        return sorted(updates, key=lambda u: u.at)

    def parse_webhook(self, webhook: Webhook) -> list[TrackingUpdate]:
        if not self.webhook_token:
            raise WebhookRejected("no webhook token is configured for Viettel Post")
        if not _same(webhook.path_token, self.webhook_token):
            raise WebhookRejected("the callback URL's token is wrong")
        try:
            body = parse_json(webhook.body)
        except ValueError:
            raise WebhookRejected("the body is not JSON") from None
        if not isinstance(body, dict) or not isinstance(body.get("DATA"), dict):
            raise WebhookRejected("the body has no DATA object")
        if not _same(body.get("TOKEN"), self.webhook_token):
            raise WebhookRejected("TOKEN is not ours")
        try:
            update = _update(body["DATA"])
        except KeyError:
            raise WebhookRejected("ORDER_STATUS is not one of Viettel Post's") from None
        except (TypeError, ValueError) as exc:
            raise WebhookRejected(f"DATA cannot be read: {exc}") from None
        return [update] if update is not None else []

    def acknowledge(self, *, accepted: bool) -> Acknowledgement:
        """HTTP 200 stops Viettel Post's retries; anything else asks for one (of five)."""
        if accepted:
            return Acknowledgement(status=200, body=b'{"status":200,"error":false}')
        return Acknowledgement(status=400, body=b'{"status":400,"error":true}')


# --------------------------------------------------------------------------- helpers


def _same(given: object, expected: str) -> bool:
    if not isinstance(given, str) or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _token_refused(answer: dict) -> bool:
    if not answer.get("error") and answer.get("status") in (200, None):
        return False
    message = str(answer.get("message") or "")
    return answer.get("status") in (401, 403) or bool(_EXPIRED_TOKEN.search(message))


def _data(answer: dict) -> Any:
    """``data`` of a successful envelope; CarrierError (CarrierUnavailable for Viettel Post's
    own failures) with its message otherwise."""
    status = answer.get("status")
    if answer.get("error") is False and status == 200:
        return answer.get("data")
    message = str(answer.get("message") or "no reason given")[:300]
    if isinstance(status, int) and status >= 500:
        raise CarrierUnavailable(f"Viettel Post: {message}")
    raise CarrierError(f"Viettel Post: {message}")


def _object(data: Any) -> dict:
    if not isinstance(data, dict):
        raise CarrierError("Viettel Post's answer has no data")
    return data


def _records(data: Any) -> list[dict]:
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise CarrierError("Viettel Post's answer is not a list")
    return data


def _party(side: str, party: Party) -> dict:
    ward = geo.ward(party.ward_code)
    province = geo.province(party.province_code)
    parts = [
        party.street,
        party.hamlet,
        ward.name if ward else "",
        province.name if province else "",
    ]
    return {
        f"{side}_FULLNAME": _cut(party.name),
        f"{side}_ADDRESS": _cut(", ".join(p for p in parts if p)),
        f"{side}_PHONE": party.national_phone,
        f"{side}_EMAIL": "",
    }


def _delivery_date(kpi_hours: object) -> date | None:
    try:
        hours = float(kpi_hours)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not math.isfinite(hours) or hours <= 0:
        return None
    return datetime.now(VIETNAM).date() + timedelta(days=math.ceil(hours / 24))


def _update(data: Mapping[str, Any]) -> TrackingUpdate | None:
    """A journey entry (webhook DATA) as our update; None for a status that moves nothing."""
    code = data.get("ORDER_NUMBER")
    if isinstance(code, bool) or not isinstance(code, str | int) or not str(code).strip():
        raise ValueError("ORDER_NUMBER is missing")
    raw_status = data.get("ORDER_STATUS")
    if isinstance(raw_status, bool) or not isinstance(raw_status, int | str):
        raise TypeError("ORDER_STATUS is not a number")
    carrier_status = int(str(raw_status).strip())
    status = status_for(carrier_status, returning=data.get("IS_RETURNING") is True)
    if status is None:
        return None
    at = parse_status_date(data.get("ORDER_STATUSDATE"))
    name, note = str(data.get("STATUS_NAME") or ""), str(data.get("NOTE") or "")
    description = " – ".join([name, note] if note and note != name else [name])
    cod = None
    if status == TrackingStatus.DELIVERED:
        try:
            cod = _money(data.get("MONEY_COLLECTION"), "MONEY_COLLECTION")
        except CarrierError as exc:
            raise ValueError(str(exc)) from None
    return TrackingUpdate(
        code=str(code).strip(),
        reference=str(data.get("ORDER_REFERENCE") or ""),
        status=status,
        carrier_status=str(carrier_status),
        at=at,
        description=description[:500],
        cod_collected=cod,
    )


def webhook_body(data: Mapping[str, Any], token: str) -> bytes:
    """Viettel Post's callback body (used by the simulator and tests)."""
    return json.dumps({"DATA": dict(data), "TOKEN": token}, ensure_ascii=False).encode()
