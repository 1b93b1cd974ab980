"""What GHN does with a shop's requests, on this machine: no Django, no network but its
callbacks.

:class:`GHNSimulatorCore` answers GHN's public API v2 paths (under ``/shiip/public-api``)
with GHN's envelope ``{code, message, data}``: it checks the ``Token`` and ``ShopId``
headers, validates an order as GHN does (receiver's name, phone and address, known ward and
district codes, weight, cash to collect, insured value, service, who pays, the delivery note)
and refuses with HTTP 400 and GHN's ``code_message`` ``USER_ERR_COMMON``; it prices a parcel
(by the greater of its weight and its volume weight, within or across provinces, with
insurance above 1,000,000 đồng) and gives a lead time; it keeps orders by ``order_code`` and
``client_order_code`` (a second order with a used client order code is refused), cancels only
before the pick-up, answers ``detail`` with the status log, gives A5 label tokens and serves
GHN's master data (provinces, districts, wards) from ``shop/carriers/units/ghn.csv``.

:meth:`GHNSimulatorCore.advance` moves a parcel to a status (our TrackingStatus names or
GHN's own) and POSTs GHN's callback body (``OrderCode``, ``ClientOrderCode``, ``Status``,
``Type``, ``Time``, ``CODAmount``, ``Fee``, ``ShopID``...) to the callback URL. Creating an
order pushes no callback (GHN's ``Type: create`` one); the order starts at ``ready_to_pick``.

State is in memory; given a ``state_path``, every change is written there as JSON and read
back when the core is built again (the development server's restarts).
"""

from __future__ import annotations

import csv
import json
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from shop import geo
from shop.carriers import units
from shop.carriers.ports import TrackingStatus
from shop.carriers.simulators._shared import post_callback, read_state, write_state
from shop.httpjson import parse_json
from shop.text import fold

__all__ = ["GHNSimulatorCore", "Pushed", "ghn_status_for"]

VIETNAM: Final = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_WEIGHT: Final = 50_000  # grams
MAX_COD: Final = 50_000_000
MAX_INSURANCE: Final = 5_000_000
PHONE_RE: Final = re.compile(r"^0\d{9,10}$")  # mobiles 10 digits, landlines 11
REQUIRED_NOTES: Final = ("CHOTHUHANG", "CHOXEMHANGKHONGTHU", "KHONGCHOXEMHANG")
CANCELLABLE: Final = frozenset({"ready_to_pick", "picking", "money_collect_picking"})
OURS_TO_GHN: Final = {
    TrackingStatus.READY_TO_PICK: "ready_to_pick",
    TrackingStatus.PICKED: "picked",
    TrackingStatus.IN_TRANSIT: "transporting",
    TrackingStatus.DELIVERING: "delivering",
    TrackingStatus.FAILED_ATTEMPT: "delivery_fail",
    TrackingStatus.DELIVERED: "delivered",
    TrackingStatus.RETURNING: "returning",
    TrackingStatus.RETURNED: "returned",
    TrackingStatus.CANCELLED: "cancel",
    TrackingStatus.LOST: "lost",
}
GHN_STATUSES: Final = {
    "ready_to_pick": "Mới tạo đơn hàng",
    "picking": "Nhân viên đang lấy hàng",
    "money_collect_picking": "Đang thu tiền người gửi",
    "picked": "Nhân viên đã lấy hàng",
    "storing": "Hàng đang nằm ở kho",
    "transporting": "Đang luân chuyển hàng",
    "sorting": "Đang phân loại hàng hóa",
    "delivering": "Nhân viên đang giao cho người nhận",
    "money_collect_delivering": "Nhân viên đang thu tiền người nhận",
    "delivered": "Nhân viên đã giao hàng thành công",
    "delivery_fail": "Nhân viên giao hàng thất bại",
    "waiting_to_return": "Đang đợi trả hàng về cho người gửi",
    "return": "Trả hàng",
    "return_transporting": "Đang luân chuyển hàng trả",
    "return_sorting": "Đang phân loại hàng trả",
    "returning": "Nhân viên đang đi trả hàng",
    "return_fail": "Nhân viên trả hàng thất bại",
    "returned": "Nhân viên trả hàng thành công",
    "cancel": "Hủy đơn hàng",
    "exception": "Đơn hàng ngoại lệ không nằm trong quy trình",
    "damage": "Hàng bị hư hỏng",
    "lost": "Hàng bị mất",
}


def ghn_status_for(status: str) -> str:
    """GHN's status for one of ours, or GHN's own status unchanged; ValueError otherwise."""
    if status in OURS_TO_GHN:
        return OURS_TO_GHN[status]
    if status in GHN_STATUSES:
        return status
    raise ValueError(f"unknown status {status!r}")


class Refused(Exception):
    def __init__(self, message: str, *, http: int = 400) -> None:
        super().__init__(message)
        self.message, self.http = message, http


@dataclass(frozen=True, slots=True)
class Pushed:
    """A callback the simulator posted: the body, and how our site answered."""

    body: dict
    status: int  # 0 when there was no callback URL or it could not be reached
    answer: str


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _ghn_province_name(name: str) -> str:
    return name.removeprefix("Thành phố ")


def _load_units() -> list[dict]:
    path = units.path_for("ghn")
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _post_json(url: str, body: dict) -> tuple[int, str]:
    return post_callback(url, json.dumps(body, ensure_ascii=False).encode("utf-8"))


class GHNSimulatorCore:
    """GHN's API for one shop (``token``, ``shop_id``), calling back ``callback_url``."""

    def __init__(
        self,
        *,
        token: str,
        shop_id: str,
        callback_url: str = "",
        state_path: Path | None = None,
        now: Callable[[], datetime] | None = None,
        post: Callable[[str, dict], tuple[int, str]] = _post_json,
    ) -> None:
        self.token, self.shop_id, self.callback_url = token, str(shop_id), callback_url
        self.state_path = state_path
        self.now = now or (lambda: datetime.now(UTC))
        self.post = post
        self.lock = threading.RLock()
        self.orders: dict[str, dict] = {}
        self.by_client: dict[str, str] = {}
        self.label_tokens: dict[str, list[str]] = {}
        self.units = {row["ward"]: row for row in _load_units()}
        self._load()

    # ------------------------------------------------------------------ state

    def _load(self) -> None:
        state = read_state(self.state_path)
        self.orders = dict(state.get("orders", {}))
        self.label_tokens = dict(state.get("label_tokens", {}))
        self.by_client = {
            order["client_order_code"]: code
            for code, order in self.orders.items()
            if order.get("client_order_code")
        }

    def _save(self) -> None:
        write_state(self.state_path, {"orders": self.orders, "label_tokens": self.label_tokens})

    # ------------------------------------------------------------------ the API

    def handle(
        self, path: str, body: bytes, headers: Mapping[str, str], query: Mapping[str, str] = {}
    ) -> tuple[int, dict]:
        """GHN's answer to a request on ``path`` (after ``/shiip/public-api/``): the HTTP
        status and the JSON envelope."""
        path = path.strip("/")
        lowered = {key.lower(): value for key, value in headers.items()}
        handler = self._routes().get(path)
        if handler is None:
            return 404, {"code": 404, "message": "Not Found", "data": None}
        try:
            if not secrets.compare_digest(lowered.get("token", "").encode(), self.token.encode()):
                raise Refused("Token không hợp lệ (invalid token)", http=401)
            if not path.startswith("master-data/") and lowered.get("shopid", "") != self.shop_id:
                raise Refused("ShopId không hợp lệ hoặc không thuộc tài khoản", http=403)
            request = self._request(body, query)
            with self.lock:
                data = handler(request)
        except Refused as refusal:
            envelope = {"code": refusal.http, "message": refusal.message, "data": None}
            envelope["code_message"] = "USER_ERR_COMMON"
            return refusal.http, envelope
        return 200, {"code": 200, "message": "Success", "data": data}

    def _routes(self) -> dict[str, Callable[[dict], Any]]:
        return {
            "master-data/province": self._provinces,
            "master-data/district": self._districts,
            "master-data/ward": self._wards,
            "v2/shipping-order/fee": self._fee,
            "v2/shipping-order/leadtime": self._leadtime,
            "v2/shipping-order/create": self._create,
            "v2/shipping-order/detail": self._detail,
            "v2/shipping-order/detail-by-client-code": self._detail_by_client,
            "v2/switch-status/cancel": self._cancel,
            "v2/a5/gen-token": self._gen_token,
        }

    @staticmethod
    def _request(body: bytes, query: Mapping[str, str]) -> dict:
        request: dict = dict(query)
        if body.strip():
            try:
                parsed = parse_json(body)
            except ValueError:
                raise Refused("code=400, message=Syntax error: invalid JSON") from None
            if not isinstance(parsed, dict):
                raise Refused("code=400, message=Syntax error: expected an object")
            request.update(parsed)
        return request

    # ------------------------------------------------------------------ master data

    def _provinces(self, request: dict) -> list[dict]:
        seen: dict[str, dict] = {}
        for row in self.units.values():
            if row["province"] not in seen:
                name = geo.provinces()[int(row["province_code"])].name
                seen[row["province"]] = {
                    "ProvinceID": int(row["province"]),
                    "ProvinceName": _ghn_province_name(name),
                    "Code": row["province_code"],
                    "NameExtension": [_ghn_province_name(name), name],
                }
        return list(seen.values())

    def _districts(self, request: dict) -> list[dict]:
        province = str(request.get("province_id", ""))
        seen: dict[str, dict] = {}
        for row in self.units.values():
            if province in ("", row["province"]) and row["district"] not in seen:
                name = _ghn_province_name(geo.provinces()[int(row["province_code"])].name)
                seen[row["district"]] = {
                    "DistrictID": int(row["district"]),
                    "ProvinceID": int(row["province"]),
                    "DistrictName": f"Khu vực {name}",
                    "SupportType": 3,
                }
        return list(seen.values())

    def _wards(self, request: dict) -> list[dict]:
        district = str(request.get("district_id", ""))
        if not district:
            raise Refused("district_id là bắt buộc")
        return [
            {
                "WardCode": row["ward"],
                "DistrictID": int(row["district"]),
                "WardName": row["name"],
                "NameExtension": [row["name"], fold(row["name"])],
            }
            for row in self.units.values()
            if row["district"] == district
        ]

    # ------------------------------------------------------------------ pricing

    def _unit(self, request: dict, side: str, *, required: bool = True) -> dict | None:
        ward, district = request.get(f"{side}_ward_code"), request.get(f"{side}_district_id")
        if ward in (None, "") and district in (None, ""):
            if required:
                raise Refused(f"{side}_ward_code và {side}_district_id là bắt buộc")
            return None
        row = self.units.get(str(ward))
        if row is None:
            raise Refused(f"Không tìm thấy mã phường/xã {side}_ward_code={ward}")
        if str(district) != row["district"]:
            raise Refused(f"Phường/xã {ward} không thuộc quận/huyện {district}")
        return row

    @staticmethod
    def _int(request: dict, key: str, default: int = 0) -> int:
        value = request.get(key, default)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Refused(f"{key} phải là số nguyên")
        if isinstance(value, float) and not value.is_integer():
            raise Refused(f"{key} phải là số nguyên")
        return int(value)

    def _parcel(self, request: dict) -> dict[str, int]:
        parcel = {key: self._int(request, key) for key in ("weight", "length", "width", "height")}
        if not 0 < parcel["weight"] <= MAX_WEIGHT:
            raise Refused(f"Khối lượng không hợp lệ: weight phải từ 1 đến {MAX_WEIGHT} gram")
        if any(parcel[key] < 0 or parcel[key] > 200 for key in ("length", "width", "height")):
            raise Refused("Kích thước không hợp lệ: tối đa 200 cm mỗi chiều")
        insurance = self._int(request, "insurance_value")
        if not 0 <= insurance <= MAX_INSURANCE:
            raise Refused(f"Giá trị bảo hiểm (insurance_value) tối đa {MAX_INSURANCE:,} đồng")
        parcel["insurance_value"] = insurance
        return parcel

    @staticmethod
    def _price(pick: dict | None, drop: dict, parcel: dict[str, int]) -> dict[str, int]:
        volume = parcel["length"] * parcel["width"] * parcel["height"] // 5  # grams
        charged = max(parcel["weight"], volume)
        steps = max(0, -(-(charged - 500) // 500))  # each further 500 g
        same = pick is not None and pick["province"] == drop["province"]
        main = (16_500 + 2_500 * steps) if same else (29_000 + 5_000 * steps)
        value = parcel["insurance_value"]
        insurance = 0 if value <= 1_000_000 else value * 5 // 1000
        return {
            "total": main + insurance,
            "service_fee": main,
            "insurance_fee": insurance,
            "pick_station_fee": 0,
            "coupon_value": 0,
            "r2s_fee": 0,
            "cod_fee": 0,
            "converted_weight": charged,
        }

    def _days(self, pick: dict | None, drop: dict) -> int:
        return 1 if pick is not None and pick["province"] == drop["province"] else 3

    def _fee(self, request: dict) -> dict:
        drop = self._unit(request, "to")
        return self._price(self._unit(request, "from", required=False), drop, self._parcel(request))

    def _leadtime(self, request: dict) -> dict:
        drop = self._unit(request, "to")
        now = self.now()
        leadtime = now + timedelta(
            days=self._days(self._unit(request, "from", required=False), drop)
        )
        return {"leadtime": int(leadtime.timestamp()), "order_date": int(now.timestamp())}

    # ------------------------------------------------------------------ orders

    def _create(self, request: dict) -> dict:
        client_code = str(request.get("client_order_code") or "")
        if client_code and client_code in self.by_client:
            raise Refused(
                f"Mã đơn hàng của khách hàng (client_order_code) {client_code} đã tồn tại"
            )
        for key, label in (("to_name", "tên"), ("to_address", "địa chỉ")):
            if not str(request.get(key) or "").strip():
                raise Refused(f"Thiếu {label} người nhận ({key})")
        phone = str(request.get("to_phone") or "")
        if not phone:
            raise Refused("Thiếu số điện thoại người nhận (to_phone)")
        if not PHONE_RE.match(phone):
            raise Refused("Số điện thoại người nhận không hợp lệ (to_phone)")
        drop = self._unit(request, "to")
        pick = self._unit(request, "from", required=False)
        parcel = self._parcel(request)
        cod = self._int(request, "cod_amount")
        if not 0 <= cod <= MAX_COD:
            raise Refused(f"Tiền thu hộ (cod_amount) tối đa {MAX_COD:,} đồng")
        if self._int(request, "service_type_id", 2) not in (2, 5):
            raise Refused("service_type_id không hợp lệ")
        if self._int(request, "payment_type_id", 1) not in (1, 2):
            raise Refused("payment_type_id không hợp lệ")
        if request.get("required_note") not in REQUIRED_NOTES:
            raise Refused(
                "required_note không hợp lệ: CHOTHUHANG, CHOXEMHANGKHONGTHU, KHONGCHOXEMHANG"
            )
        fee = self._price(pick, drop, parcel)
        now = self.now()
        code = self._new_code()
        expected = (now + timedelta(days=self._days(pick, drop))).astimezone(VIETNAM)
        order = {
            "order_code": code,
            "client_order_code": client_code,
            "shop_id": int(self.shop_id) if self.shop_id.isdigit() else self.shop_id,
            "status": "ready_to_pick",
            "to_name": str(request.get("to_name")),
            "to_phone": phone,
            "to_address": str(request.get("to_address")),
            "to_ward_code": drop["ward"],
            "to_district_id": int(drop["district"]),
            "from_name": str(request.get("from_name") or ""),
            "from_phone": str(request.get("from_phone") or ""),
            "from_address": str(request.get("from_address") or ""),
            "cod_amount": cod,
            "payment_type_id": self._int(request, "payment_type_id", 1),
            "content": str(request.get("content") or ""),
            "note": str(request.get("note") or ""),
            **parcel,
            "converted_weight": fee["converted_weight"],
            "total_fee": fee["total"],
            "fee": fee,
            "sort_code": f"{drop['province']}-{drop['district']}-{drop['ward'][-2:]}",
            "leadtime": _iso(expected.replace(hour=23, minute=59, second=0, microsecond=0)),
            "created_date": _iso(now),
            "updated_date": _iso(now),
            "log": [{"status": "ready_to_pick", "updated_date": _iso(now)}],
        }
        self.orders[code] = order
        if client_code:
            self.by_client[client_code] = code
        self._save()
        return {
            "order_code": code,
            "sort_code": order["sort_code"],
            "trans_type": "truck",
            "fee": {"main_service": fee["service_fee"], "insurance": fee["insurance_fee"]},
            "total_fee": fee["total"],
            "expected_delivery_time": order["leadtime"],
        }

    def _new_code(self) -> str:
        alphabet = "ABCDEFGHJKLMNPQRTUVWXY346789"
        while True:
            code = "G" + "".join(secrets.choice(alphabet) for _ in range(7))
            if code not in self.orders:
                return code

    def _order(self, code: object) -> dict:
        order = self.orders.get(str(code))
        if order is None:
            raise Refused(f"Không tìm thấy đơn hàng {code}")
        return order

    def _detail(self, request: dict) -> dict:
        return json.loads(json.dumps(self._order(request.get("order_code"))))

    def _detail_by_client(self, request: dict) -> dict:
        code = self.by_client.get(str(request.get("client_order_code") or ""))
        return self._detail({"order_code": code})

    def _cancel(self, request: dict) -> list[dict]:
        codes = request.get("order_codes")
        if not isinstance(codes, list) or not codes:
            raise Refused("order_codes là bắt buộc")
        results = []
        for code in codes:
            order = self.orders.get(str(code))
            if order is None:
                results.append(
                    {"order_code": code, "result": False, "message": "Không tìm thấy đơn hàng"}
                )
            elif order["status"] == "cancel":
                results.append({"order_code": code, "result": True, "message": "OK"})
            elif order["status"] not in CANCELLABLE:
                results.append(
                    {
                        "order_code": code,
                        "result": False,
                        "message": "Đơn hàng đã lấy, không thể hủy",
                    }
                )
            else:
                self._move(order, "cancel")
                results.append({"order_code": code, "result": True, "message": "OK"})
        self._save()
        return results

    def _gen_token(self, request: dict) -> dict:
        codes = request.get("order_codes")
        if not isinstance(codes, list) or not codes:
            raise Refused("order_codes là bắt buộc")
        for code in codes:
            self._order(code)
        token = secrets.token_hex(16)
        self.label_tokens[token] = [str(code) for code in codes]
        self._save()
        return {"token": token}

    def labelled(self, token: str) -> list[dict]:
        """The orders an A5 print token covers (empty for an unknown token)."""
        with self.lock:
            return [self.orders[c] for c in self.label_tokens.get(token, []) if c in self.orders]

    # ------------------------------------------------------------------ the parcel moves

    def _move(self, order: dict, ghn_status: str, reason: str = "") -> None:
        stamp = _iso(self.now())
        order["status"] = ghn_status
        order["updated_date"] = stamp
        order["log"].append({"status": ghn_status, "updated_date": stamp, "reason": reason})

    def advance(self, code: str, status: str, *, reason: str = "") -> Pushed:
        """Move parcel ``code`` to ``status`` (ours or GHN's) and post GHN's callback."""
        ghn_status = ghn_status_for(status)
        with self.lock:
            order = self.orders.get(code)
            if order is None:
                raise KeyError(code)
            self._move(order, ghn_status, reason)
            self._save()
            body = self.callback_body(order, reason=reason)
        if not self.callback_url:
            return Pushed(body=body, status=0, answer="")
        status_code, answer = self.post(self.callback_url, body)
        return Pushed(body=body, status=status_code, answer=answer)

    def callback_body(self, order: dict, *, reason: str = "", kind: str = "switch_status") -> dict:
        """GHN's callback for the order's current status."""
        fee = order["fee"]
        return {
            "CODAmount": order["cod_amount"],
            "CODTransferDate": None,
            "ClientOrderCode": order["client_order_code"],
            "ConvertedWeight": order["converted_weight"],
            "Description": GHN_STATUSES.get(order["status"], ""),
            "Fee": {
                "CODFailedFee": 0,
                "CODFee": fee["cod_fee"],
                "Coupon": 0,
                "DeliverRemoteAreasFee": 0,
                "DocumentReturn": 0,
                "DoubleCheck": 0,
                "Insurance": fee["insurance_fee"],
                "MainService": fee["service_fee"],
                "PickRemoteAreasFee": 0,
                "R2S": 0,
                "Return": 0,
                "StationDO": 0,
                "StationPU": 0,
                "Total": fee["total"],
            },
            "Height": order["height"],
            "IsPartialReturn": False,
            "Length": order["length"],
            "OrderCode": order["order_code"],
            "PartialReturnCode": "",
            "PaymentType": order["payment_type_id"],
            "Reason": reason,
            "ReasonCode": "",
            "ShopID": order["shop_id"],
            "Status": order["status"],
            "Time": order["updated_date"],
            "TotalFee": order["total_fee"],
            "Type": kind,
            "Warehouse": "Bưu cục mô phỏng",
            "Weight": order["weight"],
            "Width": order["width"],
        }

    def parcels(self) -> list[dict]:
        """Every order, newest first (the development page)."""
        with self.lock:
            return sorted(self.orders.values(), key=lambda o: o["created_date"], reverse=True)
