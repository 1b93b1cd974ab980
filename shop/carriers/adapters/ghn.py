"""Giao Hàng Nhanh (GHN), through its public API v2 ("shiip public-api").

GHN's API lives at ``https://online-gateway.ghn.vn/shiip/public-api`` (its staging copy at
``dev-online-gateway.ghn.vn``); every call is a JSON POST with the headers ``Token`` and
``ShopId`` and is answered with GHN's envelope ``{"code": 200, "message": "Success", "data":
...}``. A refusal comes as HTTP 400 (sometimes 401/403/404) carrying the same envelope with
GHN's reason in ``message`` (and a ``code_message`` such as ``USER_ERR_COMMON``): it becomes a
CarrierError with that message. Network failures, timeouts and HTTP 5xx/408/429 become
CarrierUnavailable.

The calls:

``quote``
    ``v2/shipping-order/fee`` (``data.total``) and ``v2/shipping-order/leadtime``
    (``data.leadtime``, a Unix time, read as a date in Asia/Ho_Chi_Minh). The lead time is a
    nicety: when GHN cannot give it the quote still stands with no expected date.
``create``
    ``v2/shipping-order/detail-by-client-code`` first (our ``reference`` is GHN's
    ``client_order_code``): an order GHN already has for the reference is the answer, so a
    retried creation never makes a second order. Otherwise ``v2/shipping-order/create``; if
    that is refused because the client order code exists (a concurrent retry), the lookup
    is made again. The label is GHN's A5 print page: ``v2/a5/gen-token`` gives a token for
    ``/a5/public-api/printA5?token=`` on the same host; when that call fails the waybill is
    returned without a label rather than lost.
``cancel``
    ``v2/switch-status/cancel`` with ``order_codes``; GHN answers per order with ``result``
    and ``message``: a ``false`` result (already picked up) is a CarrierError.
``track``
    ``v2/shipping-order/detail``: every entry of ``data.log`` (``status``, ``updated_date``),
    oldest first; the current ``status`` alone when the log is empty.
``parse_webhook``
    GHN signs nothing. It posts JSON (``OrderCode``, ``ClientOrderCode``, ``Status``,
    ``Type``: create, switch_status, update_weight, update_cod, update_fee; ``Time``,
    ``CODAmount``, ``Fee``, ``TotalFee``, ``Reason``, ``ShopID``, ...) to the URL we gave it,
    so the callback is GHN's when the secret part of that URL (``Webhook.path_token``)
    equals our ``webhook_token`` (compared in constant time) and ``ShopID`` is our shop.
    GHN retries up to 10 times, 5 seconds apart, until it gets HTTP 200.

Choices where GHN's documents are silent or ambiguous:

- Units: GHN addresses a ward by its ``WardCode`` (a string) and district ``DistrictID``;
  ``shop/carriers/units/ghn.csv`` holds both for each of our post-2025 wards.
- ``service_type_id`` 2 (e-commerce, light goods) unless the request names a service;
  ``payment_type_id`` 1 (the sender, our producer, pays the fee: the buyer paid us);
  ``required_note`` ``CHOXEMHANGKHONGTHU`` (the receiver may look, not try);
  ``insurance_value`` is the goods' value capped at GHN's 5,000,000 đồng.
- The sender is sent by codes and names (``from_*``); GHN otherwise takes the shop's
  registered address. The return address is the sender's.
- ``CODAmount`` is the cash to collect on every callback; it is read as cash *collected*
  only on a ``delivered`` status.
- A GHN status with no counterpart in TrackingStatus (``exception``, or one GHN adds later)
  is not an error: it is kept as an update whose ``status`` is empty and whose
  ``carrier_status`` says what GHN sent, for the log; it moves nothing.
"""

from __future__ import annotations

import hmac
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final
from zoneinfo import ZoneInfo

from shop import geo
from shop.carriers import units
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
from shop.httpjson import parse_json, request_json
from shop.text import fold

__all__ = ["GHNCarrier", "STATUS_MAP", "tracking_status"]

CARRIER: Final = "ghn"
SERVICE: Final = "GHN API"
VIETNAM: Final = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_SERVICE_TYPE: Final = 2  # e-commerce delivery (light goods)
SENDER_PAYS: Final = 1
REQUIRED_NOTE: Final = "CHOXEMHANGKHONGTHU"
MAX_INSURANCE: Final = Decimal(5_000_000)
MAX_WEBHOOK_BYTES: Final = 64 * 1024

# GHN's status vocabulary onto ours.
STATUS_MAP: Final[dict[str, str]] = {
    "ready_to_pick": TrackingStatus.READY_TO_PICK,
    "picking": TrackingStatus.READY_TO_PICK,
    "money_collect_picking": TrackingStatus.READY_TO_PICK,
    "picked": TrackingStatus.PICKED,
    "storing": TrackingStatus.IN_TRANSIT,
    "transporting": TrackingStatus.IN_TRANSIT,
    "sorting": TrackingStatus.IN_TRANSIT,
    "delivering": TrackingStatus.DELIVERING,
    "money_collect_delivering": TrackingStatus.DELIVERING,
    "delivered": TrackingStatus.DELIVERED,
    "delivery_fail": TrackingStatus.FAILED_ATTEMPT,
    "waiting_to_return": TrackingStatus.FAILED_ATTEMPT,
    "return": TrackingStatus.RETURNING,
    "return_transporting": TrackingStatus.RETURNING,
    "return_sorting": TrackingStatus.RETURNING,
    "returning": TrackingStatus.RETURNING,
    "return_fail": TrackingStatus.RETURNING,
    "returned": TrackingStatus.RETURNED,
    "cancel": TrackingStatus.CANCELLED,
    "lost": TrackingStatus.LOST,
    "damage": TrackingStatus.LOST,
}

# What GHN says, in its words, when a client order code is taken (matched on folded text).
_DUPLICATE_HINTS: Final = ("client_order_code", "ma don hang cua khach", "da ton tai", "duplicate")


def tracking_status(ghn_status: str) -> str:
    """Our TrackingStatus for GHN's status; "" when there is none."""
    return STATUS_MAP.get(str(ghn_status).strip().lower(), "")


def _money(value: Any) -> Decimal | None:
    """A GHN amount as whole đồng; None when absent or not a number."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    if not amount.is_finite():
        return None
    return amount.quantize(Decimal(1))


def _when(value: Any) -> datetime | None:
    """GHN's times: ISO 8601 ("2021-11-11T03:52:50.158Z") or a Unix time in seconds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


def _day(value: Any) -> date | None:
    moment = _when(value)
    return moment.astimezone(VIETNAM).date() if moment else None


class GHNCarrier:
    """GHN's API v2 behind the carrier port (``GHNCarrier(name=, options=)``).

    Options: ``token``, ``shop_id``, ``api_url`` (up to ``/shiip/public-api``),
    ``webhook_token`` (the secret part of our callback URL) and ``timeout`` (seconds).
    """

    capabilities = CarrierCapabilities(cancel=True, label_url=True, cod_in_webhook=True)

    def __init__(self, *, name: str = CARRIER, options: dict) -> None:
        self.name = name
        self.token = str(options.get("token", ""))
        self.shop_id = str(options.get("shop_id", ""))
        self.api_url = str(options.get("api_url", "")).rstrip("/")
        self.webhook_token = str(options.get("webhook_token", ""))
        self.timeout = float(options.get("timeout", 10.0))
        if not self.api_url.startswith(("https://", "http://")):
            raise CarrierError("GHN api_url must be an http(s) URL")

    # ------------------------------------------------------------------ the wire

    def _call(self, path: str, payload: dict | None = None, *, method: str = "POST") -> Any:
        """GHN's ``data`` for a call; CarrierError with GHN's message when it refuses."""
        answer = request_json(
            f"{self.api_url}/{path}",
            method=method,
            payload=payload,
            headers={"Token": self.token, "ShopId": self.shop_id},
            timeout=self.timeout,
            service=SERVICE,
            unavailable=CarrierUnavailable,
            refused=CarrierError,
            error_answers=True,
        )
        code = answer.get("code")
        if code != 200:
            message = str(answer.get("message") or answer.get("code_message") or "refused")
            if isinstance(code, int) and code >= 500:
                raise CarrierUnavailable(f"GHN: {message}")
            raise CarrierError(f"GHN: {message}"[:500])
        return answer.get("data")

    def _unit(self, party: Party) -> units.CarrierUnit:
        return units.unit_for(CARRIER, party.ward_code)

    @staticmethod
    def _district(unit: units.CarrierUnit) -> int:
        try:
            return int(unit.district)
        except ValueError:
            raise CarrierError(f"GHN district id {unit.district!r} is not a number") from None

    @staticmethod
    def _address(party: Party) -> str:
        ward = geo.ward(party.ward_code)
        province = geo.province(party.province_code)
        parts = [
            party.street,
            party.hamlet,
            ward.name if ward else "",
            province.name if province else "",
        ]
        return ", ".join(part.strip() for part in parts if part and part.strip())

    def _route(self, sender: Party, receiver: Party) -> dict[str, Any]:
        pick, drop = self._unit(sender), self._unit(receiver)
        return {
            "from_district_id": self._district(pick),
            "from_ward_code": pick.ward,
            "to_district_id": self._district(drop),
            "to_ward_code": drop.ward,
        }

    @staticmethod
    def _size(parcel: Parcel) -> dict[str, int]:
        return {
            "weight": int(parcel.weight_grams),
            "length": int(parcel.length_cm),
            "width": int(parcel.width_cm),
            "height": int(parcel.height_cm),
        }

    @staticmethod
    def _insurance(parcel: Parcel) -> int:
        return int(min(max(parcel.goods_value, Decimal(0)), MAX_INSURANCE))

    # ------------------------------------------------------------------ the port

    def quote(self, *, sender: Party, receiver: Party, parcel: Parcel) -> Quote:
        route = self._route(sender, receiver)
        fee_data = self._call(
            "v2/shipping-order/fee",
            {
                "service_type_id": DEFAULT_SERVICE_TYPE,
                **route,
                **self._size(parcel),
                "insurance_value": self._insurance(parcel),
                "cod_value": int(parcel.cod_amount),
                "coupon": None,
            },
        )
        fee = _money(fee_data.get("total")) if isinstance(fee_data, dict) else None
        if fee is None:
            raise CarrierError("GHN: the fee answer has no total")
        try:
            lead = self._call(
                "v2/shipping-order/leadtime",
                {**route, "service_type_id": DEFAULT_SERVICE_TYPE},
            )
        except CarrierError:
            lead = None
        expected = _day(lead.get("leadtime")) if isinstance(lead, dict) else None
        return Quote(fee=fee, expected_delivery=expected, service=str(DEFAULT_SERVICE_TYPE))

    def create(self, request: WaybillRequest) -> Waybill:
        existing = self._existing(request.reference)
        if existing is not None:
            return existing
        try:
            data = self._call("v2/shipping-order/create", self._order(request))
        except CarrierError as exc:
            if isinstance(exc, CarrierUnavailable) or not self._is_duplicate(str(exc)):
                raise
            existing = self._existing(request.reference)
            if existing is None:
                raise
            return existing
        if not isinstance(data, dict) or not data.get("order_code"):
            raise CarrierError("GHN: the create answer has no order code")
        return self._waybill(data, data.get("expected_delivery_time"))

    def _waybill(self, data: dict, expected: Any) -> Waybill:
        code = str(data["order_code"])
        return Waybill(
            code=code,
            fee=_money(data.get("total_fee")),
            expected_delivery=_day(expected),
            label_url=self._label_url(code),
            sort_code=str(data.get("sort_code") or ""),
        )

    def _existing(self, reference: str) -> Waybill | None:
        """The order GHN already has under our reference, if any."""
        try:
            data = self._call(
                "v2/shipping-order/detail-by-client-code", {"client_order_code": reference}
            )
        except CarrierUnavailable:
            raise
        except CarrierError:
            return None  # GHN answers "not found" as a refusal
        if not isinstance(data, dict) or not data.get("order_code"):
            return None
        return self._waybill(data, data.get("leadtime"))

    @staticmethod
    def _is_duplicate(message: str) -> bool:
        folded = fold(message)
        return any(hint in folded for hint in _DUPLICATE_HINTS)

    def _order(self, request: WaybillRequest) -> dict[str, Any]:
        sender, receiver, parcel = request.sender, request.receiver, request.parcel
        pick, drop = self._unit(sender), self._unit(receiver)
        items = [
            {
                "name": item.name[:200],
                "code": item.code,
                "quantity": int(item.quantity),
                "price": int(item.price),
                "weight": int(item.weight_grams),
            }
            for item in parcel.items
        ]
        content = "; ".join(f"{item.name} x{item.quantity}" for item in parcel.items)
        service = int(request.service) if request.service.isdigit() else DEFAULT_SERVICE_TYPE
        sender_province = geo.province(sender.province_code)
        return {
            "client_order_code": request.reference,
            "payment_type_id": SENDER_PAYS,
            "service_type_id": service,
            "required_note": REQUIRED_NOTE,
            "note": parcel.note[:500],
            "content": content[:2000],
            "from_name": sender.name,
            "from_phone": sender.national_phone,
            "from_address": self._address(sender),
            "from_ward_name": pick.name,
            "from_province_name": sender_province.name if sender_province else "",
            "from_district_id": self._district(pick),
            "from_ward_code": pick.ward,
            "return_phone": sender.national_phone,
            "return_address": self._address(sender),
            "return_district_id": self._district(pick),
            "return_ward_code": pick.ward,
            "to_name": receiver.name,
            "to_phone": receiver.national_phone,
            "to_address": self._address(receiver),
            "to_ward_code": drop.ward,
            "to_district_id": self._district(drop),
            "cod_amount": int(parcel.cod_amount),
            "insurance_value": self._insurance(parcel),
            **self._size(parcel),
            "items": items,
        }

    def _label_url(self, code: str) -> str:
        """GHN's A5 label page for the order ("" when GHN cannot give a print token now)."""
        try:
            data = self._call("v2/a5/gen-token", {"order_codes": [code]})
        except CarrierError:
            return ""
        token = data.get("token") if isinstance(data, dict) else None
        if not token:
            return ""
        host = self.api_url.removesuffix("/shiip/public-api")
        return f"{host}/a5/public-api/printA5?token={token}"

    def cancel(self, code: str) -> None:
        data = self._call("v2/switch-status/cancel", {"order_codes": [code]})
        results = data if isinstance(data, list) else []
        for result in results:
            if isinstance(result, dict) and str(result.get("order_code")) == code:
                if result.get("result") is True:
                    return
                raise CarrierError(f"GHN: {result.get('message') or 'cannot cancel'}")
        raise CarrierError(f"GHN: no answer for order {code}")

    def track(self, code: str) -> list[TrackingUpdate]:
        data = self._call("v2/shipping-order/detail", {"order_code": code})
        if not isinstance(data, dict):
            raise CarrierError("GHN: the detail answer has no order")
        reference = str(data.get("client_order_code") or "")
        cod = _money(data.get("cod_amount"))
        entries = [e for e in data.get("log") or [] if isinstance(e, dict)]
        if not entries:
            entries = [{"status": data.get("status"), "updated_date": data.get("updated_date")}]
        updates = []
        for entry in entries:
            at = _when(entry.get("updated_date"))
            ghn_status = str(entry.get("status") or "")
            if at is None or not ghn_status:
                continue
            updates.append(self._update(code, reference, ghn_status, at, "", cod))
        updates.sort(key=lambda update: update.at)
        return updates

    @staticmethod
    def _update(
        code: str, reference: str, ghn_status: str, at: datetime, description: str, cod: Any
    ) -> TrackingUpdate:
        status = tracking_status(ghn_status)
        collected = cod if status == TrackingStatus.DELIVERED and cod is not None else None
        return TrackingUpdate(
            code=code,
            reference=reference,
            status=status,
            carrier_status=ghn_status,
            at=at,
            description=description[:500],
            cod_collected=collected,
        )

    def parse_webhook(self, webhook: Webhook) -> list[TrackingUpdate]:
        if not self.webhook_token or not hmac.compare_digest(
            webhook.path_token.encode("utf-8"), self.webhook_token.encode("utf-8")
        ):
            raise WebhookRejected("GHN callback: wrong token in the callback URL")
        if len(webhook.body) > MAX_WEBHOOK_BYTES:
            raise WebhookRejected("GHN callback: body too large")
        try:
            body = parse_json(webhook.body)
        except ValueError:
            raise WebhookRejected("GHN callback: body is not JSON") from None
        if not isinstance(body, dict):
            raise WebhookRejected("GHN callback: body is not a JSON object")
        if not self.shop_id or str(body.get("ShopID", "")) != self.shop_id:
            raise WebhookRejected("GHN callback: ShopID is not ours")
        code, ghn_status = body.get("OrderCode"), body.get("Status")
        if (
            not isinstance(code, str)
            or not code
            or not isinstance(ghn_status, str)
            or not ghn_status
        ):
            raise WebhookRejected("GHN callback: no OrderCode or Status")
        at = _when(body.get("Time"))
        if at is None:
            raise WebhookRejected("GHN callback: no readable Time")
        reference = body.get("ClientOrderCode")
        words = [str(body.get(key) or "") for key in ("Description", "Reason")]
        description = " - ".join(word for word in words if word)
        update = self._update(
            code,
            reference if isinstance(reference, str) else "",
            ghn_status,
            at,
            description,
            _money(body.get("CODAmount")),
        )
        return [update]

    def master_units(self) -> list[dict]:
        """GHN's master data, one dict per ward: ``province``, ``province_name``,
        ``district``, ``district_name``, ``ward``, ``ward_name``, ``ward_aliases`` (GHN's ids,
        names and its ``NameExtension`` spellings), for
        ``manage.py carrier_units ghn``."""
        found = []
        for province in self._call("master-data/province", method="GET") or []:
            province_id = province.get("ProvinceID")
            districts = self._call("master-data/district", {"province_id": province_id}) or []
            for district in districts:
                district_id = district.get("DistrictID")
                wards = self._call("master-data/ward", {"district_id": district_id}) or []
                found.extend(
                    {
                        "province": str(province_id),
                        "province_name": str(province.get("ProvinceName") or ""),
                        "district": str(district_id),
                        "district_name": str(district.get("DistrictName") or ""),
                        "ward": str(ward.get("WardCode") or ""),
                        "ward_name": str(ward.get("WardName") or ""),
                        "ward_aliases": [
                            str(name) for name in ward.get("NameExtension") or [] if name
                        ],
                    }
                    for ward in wards
                    if isinstance(ward, dict)
                )
        return found

    def acknowledge(self, *, accepted: bool) -> Acknowledgement:
        """GHN wants HTTP 200 and retries anything else (10 times, 5 s apart): a refused
        callback is answered 400 so a forged one is not taken as read, but a genuine one we
        could not read is retried."""
        if accepted:
            return Acknowledgement(status=200, body=b'{"code":200,"message":"Success"}')
        return Acknowledgement(status=400, body=b'{"code":400,"message":"Rejected"}')
