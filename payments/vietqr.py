"""NAPAS VietQR: the EMVCo merchant-presented QR that every Vietnamese banking app scans.

A payload is a string of TLV fields (2-digit tag, 2-digit length, value):

====  ===============================================================================
``00``  payload format indicator, ``01``
``01``  point of initiation: ``12`` dynamic (carries an amount), ``11`` static
``38``  merchant account template: ``00`` GUID ``A000000727`` (NAPAS), ``01`` beneficiary
        template ``{00: bank BIN, 01: account number}``, ``02`` service ``QRIBFTTA``
        (transfer to an account)
``53``  currency, ``704`` (VND)
``54``  amount in whole đồng (dynamic codes only)
``58``  country, ``VN``
``62``  additional data template; sub-field ``08`` is the payment reference the bank
        copies into the transfer description
``63``  CRC-16/CCITT-FALSE of everything before it, including ``6304``, as 4
        upper-case hex digits
====  ===============================================================================

:func:`build_payload` writes one, :func:`decode_payload` checks and reads one back, and
:func:`render_svg` / :func:`render_png` draw it (error correction level M).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

import qrcode
import qrcode.constants
from qrcode.image.pil import PilImage
from qrcode.image.svg import SvgPathImage

from payments.ports import CURRENCY_VND, to_minor_units

__all__ = [
    "MAX_REFERENCE_LENGTH",
    "NAPAS_GUID",
    "SERVICE_TRANSFER_TO_ACCOUNT",
    "TransferInfo",
    "build_payload",
    "crc16_ccitt_false",
    "decode_payload",
    "parse_tlv",
    "read_transfer",
    "render_png",
    "render_svg",
]

NAPAS_GUID: Final = "A000000727"
SERVICE_TRANSFER_TO_ACCOUNT: Final = "QRIBFTTA"
CURRENCY_NUMERIC_VND: Final = "704"
COUNTRY_VN: Final = "VN"
POINT_OF_INITIATION_STATIC: Final = "11"
POINT_OF_INITIATION_DYNAMIC: Final = "12"
MAX_REFERENCE_LENGTH: Final = 25

_TEMPLATE_TAGS: Final = frozenset({"38", "62"})
_BIN_RE: Final = re.compile(r"[0-9]{6}")
_ACCOUNT_RE: Final = re.compile(r"[0-9A-Za-z]{1,19}")
_REFERENCE_RE: Final = re.compile(rf"[\x20-\x7e]{{1,{MAX_REFERENCE_LENGTH}}}")
_AMOUNT_RE: Final = re.compile(r"[0-9]{1,13}(\.[0-9]{1,2})?")
_TWO_DIGITS: Final = re.compile(r"[0-9]{2}")
_CRC_RE: Final = re.compile(r"[0-9A-Fa-f]{4}")


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no xor-out."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def build_payload(
    *,
    bank_bin: str,
    account_number: str,
    amount: Decimal | None = None,
    reference: str | None = None,
) -> str:
    """A VietQR transfer-to-account payload; dynamic when ``amount`` is given.

    ``reference`` must be plain printable ASCII of at most 25 characters: banks copy it
    into the transfer description, where the bank-statement matcher looks for it.
    """
    if not _BIN_RE.fullmatch(bank_bin):
        raise ValueError(f"bank BIN must be 6 digits, got {bank_bin!r}")
    if not _ACCOUNT_RE.fullmatch(account_number):
        raise ValueError("account number must be 1-19 letters or digits")
    beneficiary = _tlv("00", bank_bin) + _tlv("01", account_number)
    merchant = (
        _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", SERVICE_TRANSFER_TO_ACCOUNT)
    )
    parts = [
        _tlv("00", "01"),
        _tlv("01", POINT_OF_INITIATION_STATIC if amount is None else POINT_OF_INITIATION_DYNAMIC),
        _tlv("38", merchant),
        _tlv("53", CURRENCY_NUMERIC_VND),
    ]
    if amount is not None:
        dong = to_minor_units(amount, currency=CURRENCY_VND, multiplier=1)
        if dong <= 0 or len(str(dong)) > 13:
            raise ValueError(f"amount must be between 1 and 13 digits of đồng, got {amount}")
        parts.append(_tlv("54", str(dong)))
    parts.append(_tlv("58", COUNTRY_VN))
    if reference is not None:
        if not _REFERENCE_RE.fullmatch(reference):
            raise ValueError(
                f"reference must be 1-{MAX_REFERENCE_LENGTH} printable ASCII characters"
            )
        parts.append(_tlv("62", _tlv("08", reference)))
    body = "".join(parts) + "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def parse_tlv(data: str) -> dict[str, str]:
    """Split one level of TLV fields; ValueError on truncation or repeated tags."""
    fields: dict[str, str] = {}
    position = 0
    while position < len(data):
        header = data[position : position + 4]
        if len(header) < 4 or not (
            _TWO_DIGITS.fullmatch(header[:2]) and _TWO_DIGITS.fullmatch(header[2:])
        ):
            raise ValueError(f"malformed TLV header at offset {position}")
        tag, length = header[:2], int(header[2:])
        value = data[position + 4 : position + 4 + length]
        if len(value) != length:
            raise ValueError(f"field {tag} is truncated")
        if tag in fields:
            raise ValueError(f"field {tag} appears twice")
        fields[tag] = value
        position += 4 + length
    return fields


Decoded = dict[str, "str | Decoded"]


def decode_payload(payload: str) -> Decoded:
    """Check a payload's CRC and structure and return its fields as nested dicts.

    Templates ``38`` (with its beneficiary ``01``) and ``62`` are decoded into dicts.
    Any defect raises ValueError.
    """
    if len(payload) < 8 or payload[-8:-4] != "6304" or not _CRC_RE.fullmatch(payload[-4:]):
        raise ValueError("payload does not end with a 6304 CRC field")
    try:
        signed = payload[:-4].encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates
        raise ValueError("payload is not valid text") from exc
    if int(payload[-4:], 16) != crc16_ccitt_false(signed):
        raise ValueError("CRC does not match")
    top = parse_tlv(payload)
    if next(iter(top)) != "00" or top["00"] != "01":
        raise ValueError("payload format indicator must come first and be 01")
    if next(reversed(top)) != "63" or top["63"] != payload[-4:]:
        raise ValueError("CRC must be the last field")
    decoded: Decoded = dict(top)
    for tag in sorted(_TEMPLATE_TAGS & top.keys()):
        template: Decoded = dict(parse_tlv(top[tag]))
        beneficiary = template.get("01")
        if tag == "38" and isinstance(beneficiary, str):
            template["01"] = dict(parse_tlv(beneficiary))
        decoded[tag] = template
    return decoded


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferInfo:
    """What a banking app reads from a VietQR transfer code."""

    bank_bin: str
    account_number: str
    amount: Decimal | None
    reference: str | None


def read_transfer(payload: str) -> TransferInfo:
    """Decode a VietQR transfer-to-account payload (ValueError if it is not one)."""
    fields = decode_payload(payload)
    merchant = fields.get("38")
    if not isinstance(merchant, dict) or merchant.get("00") != NAPAS_GUID:
        raise ValueError("no NAPAS merchant account template (38)")
    if merchant.get("02") != SERVICE_TRANSFER_TO_ACCOUNT:
        raise ValueError("not a transfer-to-account code")
    beneficiary = merchant.get("01")
    if not isinstance(beneficiary, dict):
        raise ValueError("no beneficiary in template 38")
    bank_bin, account = beneficiary.get("00"), beneficiary.get("01")
    if not isinstance(bank_bin, str) or not _BIN_RE.fullmatch(bank_bin):
        raise ValueError("beneficiary BIN is missing or malformed")
    if not isinstance(account, str) or not account:
        raise ValueError("beneficiary account is missing")
    if fields.get("53") != CURRENCY_NUMERIC_VND or fields.get("58") != COUNTRY_VN:
        raise ValueError("not a VND payment in Vietnam")
    amount: Decimal | None = None
    raw_amount = fields.get("54")
    if raw_amount is not None:
        if not isinstance(raw_amount, str) or not _AMOUNT_RE.fullmatch(raw_amount):
            raise ValueError("amount is malformed")
        try:
            amount = Decimal(raw_amount)
        except InvalidOperation as exc:  # pragma: no cover - the regex already checked
            raise ValueError("amount is malformed") from exc
    additional = fields.get("62")
    reference = additional.get("08") if isinstance(additional, dict) else None
    return TransferInfo(
        bank_bin=bank_bin,
        account_number=account,
        amount=amount,
        reference=reference if isinstance(reference, str) else None,
    )


# --------------------------------------------------------------------------- rendering


def _qr(payload: str, *, box_size: int, border: int) -> qrcode.QRCode:
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=border
    )
    code.add_data(payload)
    code.make(fit=True)
    return code


def render_svg(payload: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """The payload as a standalone SVG document (one path, error correction M)."""
    buffer = io.BytesIO()
    _qr(payload, box_size=box_size, border=border).make_image(image_factory=SvgPathImage).save(
        buffer
    )
    return buffer.getvalue()


def render_png(payload: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """The payload as a PNG image (error correction M)."""
    buffer = io.BytesIO()
    _qr(payload, box_size=box_size, border=border).make_image(image_factory=PilImage).save(buffer)
    return buffer.getvalue()
