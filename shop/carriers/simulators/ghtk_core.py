"""GHTK's side of its shipment API, for development and tests: plain Python, no Django.

:class:`GHTKSimulatorCore` does what GHTK does with a shop's requests: it checks the
``Token`` and ``X-Client-Source`` headers, validates orders as GHTK does (errors in GHTK's
envelope ``{"success": false, "message", "error_code"}`` with its HTTP codes: 401, 404, 422),
computes fees and delivery estimates, keeps orders by label and by partner id (a second order
with a used id is refused with ``error.code = "ORDER_ID_EXIST"`` and the first order's label),
cancels only before the pick-up (statuses 1, 2, 12), answers the status API (``v2``) by label
or ``partner_id:<id>`` and prints a small PDF label. :meth:`GHTKSimulatorCore.advance` moves a
parcel on and posts GHTK's real callback, form-encoded, to the shop's callback URL (with its
``hash``), the receiver's cash as ``pick_money`` once delivered.

Addresses are checked against GHTK's names in ``shop/carriers/units/ghtk.csv``: the province
and ward must be a pair GHTK knows; the district may be empty (the 2025 two-level units).

Fees (the simulator's own tariff, in the shape of GHTK's): 22,000 đ within a province up to
3 kg, 30,000 đ within a region (North, Centre, South) and 35,000 đ across regions up to
0.5 kg, then 2,500 đ (5,000 across regions) per started 0.5 kg; insurance 0.5 % of a declared
value above 1,000,000 đ. ``fee.fee`` is the total, ``ship_fee_only`` and ``insurance_fee`` its
parts. Delivery is expected 1, 2 or 4 days after the next-day pick-up.

The state is in memory; given ``state_path`` it is also kept in that JSON file (rewritten on
every change, read at start), so a development server's parcels survive a restart.
"""

from __future__ import annotations

import csv
import json
import re
import threading
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from shop.carriers.adapters.ghtk import STATUSES
from shop.carriers.ports import TrackingStatus
from shop.carriers.simulators._shared import post_callback, read_state, write_state
from shop.carriers.units import path_for

__all__ = ["STATUS_TEXTS", "GHTKSimulatorCore", "SimulatedOrder", "ghtk_status_id"]

VIETNAM: Final = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_MONEY: Final = 20_000_000  # GHTK's ceiling for COD and declared value
_PHONE = re.compile(r"0\d{9,10}")
_ID = re.compile(r"[^\s]{1,250}")

STATUS_TEXTS: Final[dict[int, str]] = {key: text for key, (_, text) in STATUSES.items()}
# Our statuses as GHTK reports them (the dev page and tests push ours).
_FROM_OURS: Final[dict[str, tuple[int, str]]] = {
    TrackingStatus.READY_TO_PICK: (2, ""),
    TrackingStatus.PICKED: (3, ""),
    TrackingStatus.IN_TRANSIT: (3, "Đã nhập kho"),
    TrackingStatus.DELIVERING: (4, ""),
    TrackingStatus.FAILED_ATTEMPT: (9, "Không liên lạc được với người nhận"),
    TrackingStatus.DELIVERED: (5, ""),
    TrackingStatus.RETURNING: (20, "Người nhận không nhận hàng"),
    TrackingStatus.RETURNED: (21, ""),
    TrackingStatus.CANCELLED: (-1, ""),
    TrackingStatus.LOST: (13, "Hàng thất lạc"),
}
CANCELLABLE: Final = frozenset({1, 2, 12})


def ghtk_status_id(status: str | int) -> tuple[int, str]:
    """GHTK's status id (and a reason) for one of our TrackingStatus names or a GHTK id."""
    if isinstance(status, int) or (isinstance(status, str) and status.lstrip("-").isdigit()):
        number = int(status)
        if number not in STATUS_TEXTS:
            raise ValueError(f"GHTK has no status {number}")
        return number, ""
    if status not in _FROM_OURS:
        raise ValueError(f"unknown status {status!r}")
    return _FROM_OURS[status]


def _region(province_code: int) -> int:
    return 0 if province_code < 38 else 1 if province_code < 75 else 2


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(kw_only=True)
class SimulatedOrder:
    """One order as the simulated GHTK keeps it."""

    label: str
    partner_id: str
    status_id: int
    created: str  # ISO 8601, Vietnam's clock
    modified: str
    fee: int
    insurance_fee: int
    pick_money: int
    value: int
    weight_grams: int
    is_freeship: int
    customer_fullname: str
    customer_tel: str
    address: str
    pick_name: str
    pick_date: str
    deliver_date: str
    products: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status_text(self) -> str:
        return STATUS_TEXTS.get(self.status_id, "")


class _Error(Exception):
    def __init__(self, status: int, message: str, code: object = "", **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.extra = status, message, code, extra


class GHTKSimulatorCore:
    """GHTK's half of the protocol for one shop (its token and partner code)."""

    def __init__(
        self,
        *,
        token: str,
        client_source: str = "",
        callback_url: str = "",
        clock: Callable[[], datetime] = _now,
        state_path: Path | None = None,
        first_serial: int = 1_730_000_000,
        places: Mapping[tuple[str, str], int] | None = None,
    ) -> None:
        self.token = token
        self.client_source = client_source
        self.callback_url = callback_url
        self._clock = clock
        self._state_path = state_path
        self._serial = first_serial
        self._lock = threading.RLock()
        self.orders: dict[str, SimulatedOrder] = {}
        self._by_partner: dict[str, str] = {}
        self._places = dict(ghtk_places() if places is None else places)
        self._load()

    # ------------------------------------------------------------------ the HTTP API

    def handle(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str],
        query: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> tuple[int, str, bytes]:
        """Answer one request to the API (``path`` from ``/services/...``): the HTTP status,
        the content type and the body."""
        query = query or {}
        try:
            self._authenticate(headers)
            if path == "/services/shipment/fee" and method == "GET":
                answer = self._fee_answer(query)
            elif path.rstrip("/") == "/services/shipment/order" and method == "POST":
                answer = self._create(body)
            elif path.startswith("/services/shipment/v2/") and method == "GET":
                answer = {"success": True, "message": "", "order": self._status(path[22:])}
            elif path.startswith("/services/shipment/cancel/") and method in ("POST", "GET"):
                answer = self._cancel(path[26:])
            elif path.startswith("/services/label/") and method == "GET":
                return 200, "application/pdf", self.label_pdf(path[16:])
            else:
                raise _Error(404, "Đường dẫn không tồn tại, vui lòng thử lại sau", 10104)
        except _Error as error:
            answer = {"success": False, "message": error.message, **error.extra}
            if error.code:
                answer["error_code"] = error.code
            answer["log_id"] = f"sim-{self._clock().timestamp():.0f}"
            return error.status, "application/json", _json(answer)
        return 200, "application/json", _json(answer)

    def _authenticate(self, headers: Mapping[str, str]) -> None:
        given = {key.lower(): value for key, value in headers.items()}
        if given.get("token") != self.token:
            raise _Error(401, "Cần cung cấp token hợp lệ", 20101)
        if self.client_source and given.get("x-client-source") != self.client_source:
            raise _Error(401, "X-Client-Source không hợp lệ", 20102)

    # ------------------------------------------------------------------ fees

    def _place(self, province: object, ward: object, *, what: str) -> int:
        code = self._places.get((str(province or "").strip(), str(ward or "").strip()))
        if code is None:
            raise _Error(422, f"Địa chỉ {what} không hợp lệ hoặc GHTK chưa hỗ trợ", 30105)
        return code

    def quote(self, *, pick: int, deliver: int, weight_grams: int, value: int) -> dict[str, Any]:
        """The fee between two provinces (our codes) in GHTK's ``fee`` object."""
        if pick == deliver:
            base, free, step = 22_000, 3_000, 2_500
        elif _region(pick) == _region(deliver):
            base, free, step = 30_000, 500, 2_500
        else:
            base, free, step = 35_000, 500, 5_000
        extra = max(0, -(-(weight_grams - free) // 500))
        ship = base + extra * step
        insurance = value * 5 // 1000 if value > 1_000_000 else 0
        return {
            "name": "area1" if pick == deliver else "area2",
            "fee": ship + insurance,
            "insurance_fee": insurance,
            "ship_fee_only": ship,
            "include_vat": 0,
            "cost_id": 0,
            "delivery_type": "local" if pick == deliver else "normal",
            "a": 1,
            "dt": "local" if pick == deliver else "region",
            "extFees": [],
            "promotion_key": "",
            "delivery": True,
        }

    def _fee_answer(self, query: Mapping[str, str]) -> dict[str, Any]:
        pick = self._place(query.get("pick_province"), query.get("pick_ward"), what="lấy hàng")
        deliver = self._place(query.get("province"), query.get("ward"), what="giao hàng")
        weight = _int(query.get("weight"), low=1, high=100_000)
        if weight is None:
            raise _Error(422, "Khối lượng không hợp lệ", 30103)
        value = _int(query.get("value", 0), low=0, high=MAX_MONEY)
        if value is None:
            raise _Error(422, "Giá trị đơn hàng không hợp lệ", 30106)
        if query.get("deliver_option", "none") not in ("none", "xteam"):
            raise _Error(422, "deliver_option không hợp lệ", 30107)
        fee = self.quote(pick=pick, deliver=deliver, weight_grams=weight, value=value)
        return {"success": True, "message": "Thành công", "fee": fee}

    def _days(self, pick: int, deliver: int) -> int:
        return 1 if pick == deliver else 2 if _region(pick) == _region(deliver) else 4

    # ------------------------------------------------------------------ orders

    def _create(self, body: bytes) -> dict[str, Any]:
        try:
            request = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise _Error(422, "Thiếu thông tin đơn hàng", 30101) from None
        order = request.get("order") if isinstance(request, dict) else None
        products = request.get("products") if isinstance(request, dict) else None
        if not isinstance(order, dict) or not isinstance(products, list) or not products:
            raise _Error(422, "Thiếu thông tin đơn hàng", 30101)
        partner_id = order.get("id")
        if not isinstance(partner_id, str) or not _ID.fullmatch(partner_id):
            raise _Error(422, "Trường order.id phải có độ dài dưới 250 kí tự.", 30102)
        weight_grams = _weight_grams(order, products)
        if weight_grams <= 0:
            raise _Error(422, "Đơn hàng chưa có khối lượng. Vui lòng kiểm tra lại.", 30103)
        transport = order.get("transport") or "road"
        if transport not in ("road", "fly"):
            raise _Error(
                422, "Phương thức vận chuyển không hợp lệ, bạn chỉ có thể chọn road hoặc fly", 30104
            )
        for name, label in (
            ("pick_name", "tên người gửi"),
            ("pick_address", "địa chỉ lấy hàng"),
            ("name", "tên người nhận"),
            ("address", "địa chỉ nhận hàng"),
            ("hamlet", "thôn/ấp/xóm/tổ (hamlet)"),
        ):
            if not isinstance(order.get(name), str) or not order[name].strip():
                raise _Error(422, f"Thiếu thông tin {label}", 30108)
        for name in ("pick_tel", "tel"):
            if not isinstance(order.get(name), str) or not _PHONE.fullmatch(order[name]):
                raise _Error(422, f"Số điện thoại {name} không hợp lệ", 30109)
        pick_money = _int(order.get("pick_money"), low=0, high=MAX_MONEY)
        value = _int(order.get("value", 0), low=0, high=MAX_MONEY)
        if pick_money is None or value is None:
            raise _Error(422, "Tiền thu hộ hoặc giá trị đơn hàng không hợp lệ", 30106)
        pick = self._place(order.get("pick_province"), order.get("pick_ward"), what="lấy hàng")
        deliver = self._place(order.get("province"), order.get("ward"), what="giao hàng")
        with self._lock:
            existing = self._by_partner.get(partner_id)
            if existing is not None:
                first = self.orders[existing]
                raise _Error(
                    422,
                    "Mã đơn hàng đã tồn tại trên hệ thống",
                    error={
                        "code": "ORDER_ID_EXIST",
                        "partner_id": partner_id,
                        "ghtk_label": first.label,
                        "created": first.created,
                        "status": first.status_id,
                    },
                )
            now = self._clock().astimezone(VIETNAM)
            pick_day = (now + timedelta(days=1)).date()
            deliver_day = pick_day + timedelta(days=self._days(pick, deliver))
            fee = self.quote(pick=pick, deliver=deliver, weight_grams=weight_grams, value=value)
            self._serial += 1
            label = f"S{zlib.crc32(self.token.encode()) % 100_000}.TQ.{self._serial}"
            placed = SimulatedOrder(
                label=label,
                partner_id=partner_id,
                status_id=2,
                created=now.isoformat(timespec="seconds"),
                modified=now.isoformat(timespec="seconds"),
                fee=fee["fee"],
                insurance_fee=fee["insurance_fee"],
                pick_money=pick_money,
                value=value,
                weight_grams=weight_grams,
                is_freeship=1 if str(order.get("is_freeship", "0")) == "1" else 0,
                customer_fullname=order["name"],
                customer_tel=order["tel"],
                address=", ".join(
                    str(order.get(part) or "")
                    for part in ("address", "hamlet", "ward", "province")
                    if order.get(part)
                ),
                pick_name=order["pick_name"],
                pick_date=pick_day.isoformat(),
                deliver_date=deliver_day.isoformat(),
                products=[p for p in products if isinstance(p, dict)][:50],
                history=[{"status_id": 2, "at": now.isoformat(timespec="seconds"), "reason": ""}],
            )
            self.orders[label] = placed
            self._by_partner[partner_id] = label
            self._save()
        return {
            "success": True,
            "message": "Các đơn hàng đã được add vào hệ thống GHTK thành công.",
            "order": {
                "partner_id": partner_id,
                "label": label,
                "area": "1" if pick == deliver else "2",
                "fee": str(placed.fee),
                "insurance_fee": str(placed.insurance_fee),
                "estimated_pick_time": f"Sáng {placed.pick_date}",
                "estimated_deliver_time": f"Chiều {placed.deliver_date}",
                "products": [],
                "status_id": placed.status_id,
                "tracking_id": self._serial,
                "sorting_code": f"TQ-{deliver:02d}",
            },
        }

    def find(self, code: str) -> SimulatedOrder | None:
        """The order with GHTK label ``code`` or ``partner_id:<our id>``."""
        code = urllib.parse.unquote(code)
        with self._lock:
            if code.startswith("partner_id:"):
                label = self._by_partner.get(code[11:])
                return self.orders.get(label) if label else None
            return self.orders.get(code)

    def _found(self, code: str) -> SimulatedOrder:
        found = self.find(code)
        if found is None:
            raise _Error(404, "Mã vận đơn không hợp lệ, không tìm thấy vận đơn", 40101)
        return found

    def _status(self, code: str) -> dict[str, Any]:
        order = self._found(code)
        return {
            "label_id": order.label,
            "partner_id": order.partner_id,
            "status": str(order.status_id),
            "status_text": order.status_text,
            "created": order.created.replace("T", " ")[:19],
            "modified": order.modified.replace("T", " ")[:19],
            "message": "",
            "pick_date": order.pick_date,
            "deliver_date": order.deliver_date,
            "customer_fullname": order.customer_fullname,
            "customer_tel": order.customer_tel,
            "address": order.address,
            "storage_day": 3,
            "ship_money": order.fee,
            "insurance": order.insurance_fee,
            "value": order.value,
            "weight": order.weight_grams,
            "pick_money": order.pick_money,
            "is_freeship": order.is_freeship,
        }

    def _cancel(self, code: str) -> dict[str, Any]:
        with self._lock:
            order = self._found(code)
            if order.status_id == -1:
                raise _Error(200, "Đơn hàng đã ở trạng thái hủy")
            if order.status_id not in CANCELLABLE:
                raise _Error(200, "Đơn đã lấy hàng, không thể hủy đơn.")
            self._move(order, -1, "")
        return {"success": True, "message": "", "log_id": f"sim-{order.label}"}

    def label_pdf(self, code: str) -> bytes:
        """A small A6 PDF with the label, the partner id, the receiver and the COD."""
        order = self._found(code)
        lines = [
            f"GHTK {order.label}",
            f"Ma don: {order.partner_id}",
            f"Nguoi nhan: {order.customer_fullname} {order.customer_tel}",
            f"Dia chi: {order.address}",
            f"Thu ho (COD): {order.pick_money} d",
        ]
        return _pdf(lines)

    # ------------------------------------------------------------------ moving parcels

    def _move(self, order: SimulatedOrder, status_id: int, reason: str) -> str:
        moment = self._clock().astimezone(VIETNAM).isoformat(timespec="seconds")
        order.status_id = status_id
        order.modified = moment
        order.history.append({"status_id": status_id, "at": moment, "reason": reason})
        self._save()
        return moment

    def advance(
        self, code: str, status: str | int, *, callback_url: str | None = None
    ) -> tuple[dict[str, Any], int | None]:
        """Move the parcel to ``status`` (one of our TrackingStatus names, or a GHTK status id)
        and post GHTK's callback: the fields sent and the HTTP status the shop answered (None
        when it could not be reached)."""
        status_id, reason = ghtk_status_id(status)
        with self._lock:
            order = self.find(code)
            if order is None:
                raise KeyError(code)
            moment = self._move(order, status_id, reason)
            fields = {
                "label_id": order.label,
                "partner_id": order.partner_id,
                "status_id": str(status_id),
                "action_time": moment,
                "reason_code": "",
                "reason": reason,
                "weight": f"{order.weight_grams / 1000:g}",
                "fee": str(order.fee),
                "pick_money": str(order.pick_money),
                "return_part_package": "0",
            }
        return fields, self._post(callback_url or self.callback_url, fields)

    @staticmethod
    def _post(url: str, fields: Mapping[str, str]) -> int | None:
        if not url:
            return None
        body = urllib.parse.urlencode(fields).encode("utf-8")
        status, _answer = post_callback(url, body, content_type="application/x-www-form-urlencoded")
        return status or None

    # ------------------------------------------------------------------ state

    def _save(self) -> None:
        state = {"serial": self._serial, "orders": [asdict(o) for o in self.orders.values()]}
        write_state(self._state_path, state)

    def _load(self) -> None:
        state = read_state(self._state_path)
        if not state:
            return
        try:
            orders = [SimulatedOrder(**row) for row in state["orders"]]
            self._serial = max(self._serial, int(state["serial"]))
        except (ValueError, KeyError, TypeError):
            return  # a damaged file: start afresh
        for order in orders:
            self.orders[order.label] = order
            self._by_partner[order.partner_id] = order.label


@cache
def ghtk_places() -> dict[tuple[str, str], int]:
    """(province, ward) in GHTK's names -> our province code, from units/ghtk.csv."""
    with path_for("ghtk").open(encoding="utf-8", newline="") as handle:
        return {(r["province"], r["ward"]): int(r["province_code"]) for r in csv.DictReader(handle)}


def _int(value: object, *, low: int, high: int) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


def _weight_grams(order: Mapping[str, Any], products: list) -> int:
    """The order's weight: ``total_weight`` (kg) or its products' (kg each, times quantity)."""
    try:
        total = float(order.get("total_weight") or 0)
        if total <= 0:
            total = sum(
                float(p.get("weight") or 0) * int(p.get("quantity") or 1)
                for p in products
                if isinstance(p, dict)
            )
    except (TypeError, ValueError):
        return 0
    return round(total * 1000) if 0 < total <= 100 else 0


def _json(answer: Mapping[str, Any]) -> bytes:
    return json.dumps(answer, ensure_ascii=False).encode("utf-8")


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if ord(c) < 128 and c.isprintable())
    return plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")[:90]


def _pdf(lines: list[str]) -> bytes:
    """A one-page A6 PDF (298 x 420 pt) of ``lines`` in Helvetica."""
    text = "BT /F1 10 Tf 14 TL 20 390 Td " + " ".join(f"({_ascii(s)}) '" for s in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 298 420] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("ascii")),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
