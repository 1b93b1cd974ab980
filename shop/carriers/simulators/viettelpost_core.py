"""Viettel Post's side of its partner API, for development and tests (no Django, no network
except the callbacks it pushes).

:class:`ViettelPostSimulatorCore` answers what ``/v2`` answers (``answer(method, path, ...)``)
in Viettel Post's envelope ``{status, error, message, data}``: HTTP 200 always, ``status``
200 on success, 401 for a missing, unknown or expired ``Token`` ("Token invalid or expired"),
204 for refused data with Viettel Post's messages ("Incorrect data: RECEIVER_WARD", "Price
does not apply to this itinerary!", ...). Login tokens last an hour, ownerconnect's a year;
:meth:`~ViettelPostSimulatorCore.expire_tokens` ends them all (to test the re-login). Units
are the ones of ``shop/carriers/units/viettelpost.csv`` (its provinces, their "NEW"
pseudo-districts and wards). Fees are made up but stable: 16 500 đ within a province,
30 000 đ beyond, plus 5 000 đ per started 500 g over the first 500 g.

:meth:`~ViettelPostSimulatorCore.advance` moves a parcel (our TrackingStatus or a Viettel
Post code) and POSTs Viettel Post's webhook ``{"DATA": {...}, "TOKEN": ...}`` to the callback
URL. The parcels live in memory; with ``state_path`` they are also written to that JSON file
after each change and read back at start (tokens are not: a restarted simulator makes the
adapter log in again, as an expired token would).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from shop import geo
from shop.carriers.adapters.viettelpost import DATE_FORMAT, VIETNAM, webhook_body
from shop.carriers.ports import TrackingStatus
from shop.carriers.simulators._shared import post_callback, read_state, write_state
from shop.carriers.units import table

__all__ = ["PUSHED_STATUS", "STATUS_NAMES", "ViettelPostSimulatorCore"]

LOGIN_SECONDS = 3600
OWNER_SECONDS = 365 * 86400
SERVICES = ("VCN", "VTK", "PHS", "VHT", "LCOD", "NCOD", "VCBO")
NEW_DISTRICT = 100_000_000

STATUS_NAMES = {
    102: "Đơn hàng chờ xử lý",
    103: "Giao cho bưu cục",
    104: "Giao cho Bưu tá đi nhận",
    105: "Bưu Tá đã nhận hàng",
    107: "Đối tác yêu cầu hủy qua API",
    200: "Nhận từ bưu tá - Bưu cục gốc",
    300: "Khai thác đi",
    400: "Khai thác đến",
    500: "Giao bưu tá đi phát",
    501: "Phát thành công",
    502: "Chuyển hoàn bưu cục gốc",
    503: "Hủy - Theo yêu cầu khách hàng",
    504: "Hoàn thành công - Chuyển trả người gửi",
    505: "Phát thất bại - Yêu cầu chuyển hoàn",
    506: "Phát thất bại",
    507: "Khách hàng đến bưu cục nhận",
    508: "Phát tiếp",
    515: "Duyệt hoàn",
}
# Our TrackingStatus -> the code the simulator pushes for it.
PUSHED_STATUS = {
    TrackingStatus.READY_TO_PICK: 104,
    TrackingStatus.PICKED: 105,
    TrackingStatus.IN_TRANSIT: 300,
    TrackingStatus.DELIVERING: 500,
    TrackingStatus.FAILED_ATTEMPT: 506,
    TrackingStatus.DELIVERED: 501,
    TrackingStatus.RETURNING: 502,
    TrackingStatus.RETURNED: 504,
    TrackingStatus.CANCELLED: 503,
}
_RETURNING = {502, 504, 515}
_FINAL = {101, 107, 201, 501, 503, 504}


class Refused(Exception):
    def __init__(self, message: str, status: int = 204) -> None:
        super().__init__(message)
        self.status = status


def _ok(data: Any = None, message: str = "OK") -> dict:
    return {"status": 200, "error": False, "message": message, "data": data}


@cache
def _units() -> dict[str, Any]:
    """Provinces, their pseudo-districts and wards, from the units table."""
    provinces: dict[int, dict] = {}
    wards: dict[int, dict] = {}
    for ward_code, unit in table("viettelpost").items():
        province_id, district_id, ward_id = int(unit.province), int(unit.district), int(unit.ward)
        if province_id not in provinces:
            ours = geo.province(int(geo.ward(ward_code).province_code))
            provinces[province_id] = {"PROVINCE_ID": province_id,
                                      "PROVINCE_CODE": f"P{province_id:02d}",
                                      "PROVINCE_NAME": ours.name}  # fmt: skip
        wards[ward_id] = {"WARDS_ID": ward_id, "WARDS_NAME": unit.name, "DISTRICT_ID": district_id}
    return {"provinces": provinces, "wards": wards}


def _int(payload: Mapping, field: str, *, minimum: int = 0) -> int:
    value = payload.get(field)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise Refused(f"Incorrect data: {field}")
    return value


class ViettelPostSimulatorCore:
    """Viettel Post's partner API and its webhooks, for one partner account."""

    def __init__(
        self,
        *,
        username: str,
        password: str,
        webhook_token: str,
        callback_url: str = "",
        state_path: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.username, self.password = username, password
        self.webhook_token = webhook_token
        self.callback_url = callback_url
        self.state_path = state_path
        self.clock = clock
        self.tokens: dict[str, float] = {}
        self.orders: dict[str, dict] = {}
        self.printing: dict[str, list[str]] = {}
        self.sequence = 0
        self.lock = threading.RLock()
        self.calls: list[str] = []
        self._load()

    # ------------------------------------------------------------------ state

    def _load(self) -> None:
        state = read_state(self.state_path)
        try:
            self.orders = dict(state.get("orders", {}))
            self.sequence = int(state.get("sequence", 0))
        except (TypeError, ValueError):
            self.orders, self.sequence = {}, 0

    def _save(self) -> None:
        write_state(self.state_path, {"orders": self.orders, "sequence": self.sequence})

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)

    def _issue(self, seconds: int) -> str:
        token = "eyJ" + secrets.token_urlsafe(32)
        self.tokens[token] = self.clock() + seconds
        return token

    def _check_token(self, headers: Mapping[str, str]) -> None:
        token = next((v for k, v in headers.items() if k.lower() == "token"), "")
        if not token:
            raise Refused("Header Token is required", 401)
        if self.tokens.get(token, 0.0) <= self.clock():
            raise Refused("Token invalid or expired", 401)

    # ------------------------------------------------------------------ the API

    def answer(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        query: Mapping[str, str] | None = None,
    ) -> dict:
        """The envelope Viettel Post answers to ``method path`` (``path`` after ``/v2``)."""
        headers, query = headers or {}, query or {}
        with self.lock:
            self.calls.append(path)
            try:
                payload = json.loads(body or b"{}") if method == "POST" else {}
                if not isinstance(payload, dict):
                    raise Refused("Invalid request body", 400)
                return self._route(method, path, headers, payload, query)
            except Refused as exc:
                return {"status": exc.status, "error": True, "message": str(exc), "data": None}
            except (ValueError, UnicodeDecodeError):
                return {"status": 400, "error": True, "message": "Invalid JSON", "data": None}

    def _route(self, method, path, headers, payload, query) -> dict:
        if method == "POST" and path == "/user/Login":
            self._credentials(payload)
            return _ok(self._account(self._issue(LOGIN_SECONDS)))
        if path.startswith("/categories/"):
            return _ok(self._categories(path, query))
        self._check_token(headers)
        handlers = {
            "/user/ownerconnect": self._ownerconnect,
            "/order/getPrice": self._get_price,
            "/order/createOrder": self._create,
            "/order/UpdateOrder": self._update,
            "/order/printing-code": self._printing_code,
            "/order/getOrderStatusByOrderNumber": self._journey,
        }
        handler = handlers.get(path) if method == "POST" else None
        if handler is None:
            raise Refused("Not found", 404)
        return handler(payload)

    def _credentials(self, payload: Mapping) -> None:
        if payload.get("USERNAME") != self.username or payload.get("PASSWORD") != self.password:
            raise Refused("Invalid owner account or password!", 204)

    def _account(self, token: str) -> dict:
        return {"userId": 7_000_001, "token": token, "partner": 7_000_001, "phone": self.username,
                "postcode": None, "expired": 0, "encrypted": None, "source": 5}  # fmt: skip

    def _ownerconnect(self, payload: Mapping) -> dict:
        self._credentials(payload)
        return _ok(self._account(self._issue(OWNER_SECONDS)))

    def _categories(self, path: str, query: Mapping[str, str]) -> list[dict]:
        units = _units()
        try:
            if path == "/categories/listProvinceById":
                wanted = int(query.get("provinceId", "-1"))
                return [p for i, p in sorted(units["provinces"].items()) if wanted in (-1, i)]
            if path == "/categories/listDistrict":
                province_id = int(query.get("provinceId", ""))
                if province_id not in units["provinces"]:
                    return []
                return [{"DISTRICT_ID": NEW_DISTRICT + province_id, "DISTRICT_VALUE": "NEW",
                         "DISTRICT_NAME": "Bỏ qua - Sử dụng địa chỉ 2 cấp",
                         "PROVINCE_ID": province_id}]  # fmt: skip
            if path == "/categories/listWards":
                district_id = int(query.get("districtId", ""))
                return [w for _, w in sorted(units["wards"].items())
                        if district_id in (-1, w["DISTRICT_ID"])]  # fmt: skip
        except ValueError:
            raise Refused("Invalid parameter", 400) from None
        raise Refused("Not found", 404)

    def _route_of(self, payload: Mapping) -> tuple[int, int]:
        """The sender's and the receiver's province ids, checked like Viettel Post does."""
        wards = _units()["wards"]
        provinces = []
        for side in ("SENDER", "RECEIVER"):
            province = _int(payload, f"{side}_PROVINCE", minimum=1)
            if province not in _units()["provinces"]:
                raise Refused(f"Incorrect data: {side}_PROVINCE")
            district = _int(payload, f"{side}_DISTRICT", minimum=1)
            if district != NEW_DISTRICT + province:
                raise Refused(f"Incorrect data: {side}_DISTRICT")
            ward = wards.get(_int(payload, f"{side}_WARD", minimum=1))
            if ward is None or ward["DISTRICT_ID"] != district:
                raise Refused(f"Invalid [{side}_WARD]")
            provinces.append(province)
        return provinces[0], provinces[1]

    def _price(self, payload: Mapping) -> dict:
        sender, receiver = self._route_of(payload)
        weight = _int(payload, "PRODUCT_WEIGHT", minimum=1)
        _int(payload, "PRODUCT_PRICE")
        cod = _int(payload, "MONEY_COLLECTION")
        if payload.get("ORDER_SERVICE") not in SERVICES:
            raise Refused("Price does not apply to this itinerary!")
        if weight > 50_000:
            raise Refused("Price does not apply to this itinerary!")
        base = 16_500 if sender == receiver else 30_000
        total = base + 5_000 * max(0, -(-(weight - 500) // 500))
        cod_fee = 0 if cod == 0 else max(5_000, cod // 100)
        return {"MONEY_TOTAL_OLD": total + cod_fee, "MONEY_TOTAL": total + cod_fee,
                "MONEY_TOTAL_FEE": total, "MONEY_FEE": 0, "MONEY_COLLECTION_FEE": cod_fee,
                "MONEY_OTHER_FEE": 0, "MONEY_VAS": 0, "MONEY_VAT": 0,
                "KPI_HT": 24.0 if sender == receiver else 72.0}  # fmt: skip

    def _get_price(self, payload: Mapping) -> dict:
        if _int(payload, "NATIONAL_TYPE") != 1:
            raise Refused("Incorrect data: NATIONAL_TYPE")
        return _ok(self._price(payload))

    def _create(self, payload: Mapping) -> dict:
        reference = str(payload.get("ORDER_NUMBER") or "")
        if payload.get("CHECK_UNIQUE") and any(
            o["reference"] == reference for o in self.orders.values()
        ):
            raise Refused(f"ORDER_NUMBER {reference} already exists", 205)
        for field in ("SENDER_FULLNAME", "SENDER_ADDRESS", "SENDER_PHONE",
                      "RECEIVER_FULLNAME", "RECEIVER_ADDRESS", "RECEIVER_PHONE"):  # fmt: skip
            value = payload.get(field)
            if not isinstance(value, str) or not value.strip() or len(value.encode()) > 150:
                raise Refused(f"Incorrect data: {field}")
            if field.endswith("PHONE") and not (value.isdigit() and value.startswith("0")):
                raise Refused(f"Incorrect data: {field}")
        if _int(payload, "ORDER_PAYMENT", minimum=1) > 4:
            raise Refused("Incorrect data: ORDER_PAYMENT")
        if payload.get("PRODUCT_TYPE", "HH") not in ("HH", "TH"):
            raise Refused("Incorrect data: PRODUCT_TYPE")
        price = self._price(payload)
        self.sequence += 1
        code = str(15_000_000_000 + self.sequence)
        cod = _int(payload, "MONEY_COLLECTION")
        self.orders[code] = {
            "code": code,
            "reference": reference,
            "cod": cod,
            "fee": price["MONEY_TOTAL"],
            "cod_fee": price["MONEY_COLLECTION_FEE"],
            "kpi": price["KPI_HT"],
            "weight": payload["PRODUCT_WEIGHT"],
            "service": payload["ORDER_SERVICE"],
            "payment": payload["ORDER_PAYMENT"],
            "receiver": str(payload["RECEIVER_FULLNAME"]),
            "journey": [],
        }
        self._record(code, 102, "Đơn hàng mới từ đối tác")
        self._save()
        answer = {**price, "ORDER_NUMBER": code, "MONEY_COLLECTION": cod, "EXCHANGE_WEIGHT": 0}
        for field in ("RECEIVER_PROVINCE", "RECEIVER_DISTRICT", "RECEIVER_WARD"):
            answer[field] = payload[field]
        answer["SORT_CODE"] = f"VTP-{payload['RECEIVER_PROVINCE']:02d}-{self.sequence % 100:02d}"
        return _ok(answer)

    def _update(self, payload: Mapping) -> dict:
        if _int(payload, "TYPE", minimum=1) != 4:
            raise Refused("Incorrect data: TYPE")
        order = self.orders.get(str(payload.get("ORDER_NUMBER") or ""))
        if order is None:
            raise Refused("Order does not exist")
        status = self.status_of(order["code"])
        if status >= 200 or status in (105, 107):
            raise Refused("Đơn hàng đã được lấy, không thể hủy")
        self._record(order["code"], 107, str(payload.get("NOTE") or "")[:150])
        self._save()
        self._push(order["code"])
        return _ok(None, "Hủy đơn hàng thành công")

    def _printing_code(self, payload: Mapping) -> dict:
        codes = payload.get("ORDER_ARRAY")
        if not isinstance(codes, list) or not codes or len(codes) > 100:
            raise Refused("Incorrect data: ORDER_ARRAY")
        if any(str(c) not in self.orders for c in codes):
            raise Refused("Order does not exist")
        if _int(payload, "EXPIRY_TIME") <= self.clock() * 1000:
            raise Refused("Incorrect data: EXPIRY_TIME")
        printing = secrets.token_urlsafe(24)
        self.printing[printing] = [str(c) for c in codes]
        return {"status": 200, "error": False, "message": printing, "data": None}

    def _journey(self, payload: Mapping) -> dict:
        wanted = str(payload.get("ORDER_NUMBER") or "")
        order = self.orders.get(wanted) or next(
            (o for o in self.orders.values() if o["reference"] == wanted and wanted), None
        )
        if order is None:
            raise Refused("Order does not exist")
        return _ok([dict(entry) for entry in order["journey"]])

    # ------------------------------------------------------------------ the parcels

    def status_of(self, code: str) -> int:
        return int(self.orders[code]["journey"][-1]["ORDER_STATUS"])

    def parcels(self) -> list[dict]:
        with self.lock:
            return [
                dict(o, status=self.status_of(c), status_name=o["journey"][-1]["STATUS_NAME"])
                for c, o in reversed(self.orders.items())
            ]

    def _record(self, code: str, status: int, note: str = "") -> dict:
        order = self.orders[code]
        at = datetime.fromtimestamp(self.clock(), VIETNAM)
        entry = {
            "ORDER_NUMBER": code,
            "ORDER_REFERENCE": order["reference"],
            "ORDER_STATUSDATE": at.strftime(DATE_FORMAT),
            "ORDER_STATUS": status,
            "STATUS_NAME": STATUS_NAMES.get(status, str(status)),
            "LOCALION_CURRENTLY": "TQG, Bưu cục Tuyên Quang (mô phỏng)",
            "LOCATION_CURRENTLY": "TQG, Bưu cục Tuyên Quang (mô phỏng)",
            "NOTE": note,
            "MONEY_COLLECTION": order["cod"],
            "MONEY_FEECOD": order["cod_fee"],
            "MONEY_TOTAL": order["fee"],
            "EXPECTED_DELIVERY": f"{int(order['kpi'])} giờ",
            "PRODUCT_WEIGHT": order["weight"],
            "ORDER_SERVICE": order["service"],
            "ORDER_PAYMENT": order["payment"],
            "IS_RETURNING": status in _RETURNING,
            "RECEIVER_FULLNAME": order["receiver"],
        }
        order["journey"].append(entry)
        return entry

    def advance(self, code: str, status: str | int, *, note: str = "") -> tuple[int, str]:
        """Move parcel ``code`` to ``status`` (our TrackingStatus name or a Viettel Post code)
        and push Viettel Post's webhook: the callback's HTTP status and body, (0, reason)
        when there is no callback URL or it cannot be reached."""
        if isinstance(status, int) or str(status).lstrip("-").isdigit():
            vtp = int(status)
        elif status in PUSHED_STATUS:
            vtp = PUSHED_STATUS[status]
        else:
            raise ValueError(f"Viettel Post has no status for {status!r}")
        with self.lock:
            if code not in self.orders:
                raise KeyError(code)
            if self.status_of(code) in _FINAL:
                raise ValueError(f"parcel {code} has a final status")
            self._record(code, vtp, note or STATUS_NAMES.get(vtp, ""))
            self._save()
        return self._push(code)

    def webhook_body(self, code: str) -> bytes:
        """The webhook Viettel Post posts for the parcel's last status."""
        with self.lock:
            return webhook_body(self.orders[code]["journey"][-1], self.webhook_token)

    def _push(self, code: str) -> tuple[int, str]:
        if not self.callback_url:
            return 0, "no callback URL"
        return post_callback(self.callback_url, self.webhook_body(code))
