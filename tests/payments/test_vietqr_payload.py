"""VietQR payloads: published vectors, CRC, parser robustness, rendering, bank table."""

from __future__ import annotations

import contextlib
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.banks import BANKS, bank_by_bin, bank_by_code
from payments.vietqr import (
    build_payload,
    crc16_ccitt_false,
    decode_payload,
    parse_tlv,
    read_transfer,
    render_png,
    render_svg,
)

# Payloads published with their inputs by github.com/subiz/vietqr (README and
# vietqr_test.go); their CRCs are correct and banking apps scan them.
PUBLISHED = [
    pytest.param(
        {
            "bank_bin": "970415",
            "account_number": "0011001932418",
            "amount": Decimal("120000"),
            "reference": "ung ho lu lut",
        },
        "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
        "530370454061200005802VN62170813ung ho lu lut6304C15C",
        id="vietinbank-dynamic",
    ),
    pytest.param(
        {
            "bank_bin": "970422",
            "account_number": "0023457923442",
            "amount": Decimal("40123"),
            "reference": "test text string",
        },
        "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA"
        "53037045405401235802VN62200816test text string6304D9C6",
        id="mb-dynamic",
    ),
    pytest.param(
        {
            "bank_bin": "970422",
            "account_number": "0023457923442",
            "amount": Decimal("40123"),
            "reference": "chuyen khoan",
        },
        "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA"
        "53037045405401235802VN62160812chuyen khoan6304722F",
        id="mb-dynamic-2",
    ),
    pytest.param(
        {"bank_bin": "970423", "account_number": "0099999999"},
        "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA"
        "53037045802VN6304CBB4",
        id="tpbank-static",
    ),
]


@pytest.mark.parametrize(("inputs", "expected"), PUBLISHED)
def test_builder_reproduces_published_payloads(inputs: dict[str, object], expected: str) -> None:
    assert build_payload(**inputs) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("inputs", "payload"), PUBLISHED)
def test_published_payloads_read_back(inputs: dict[str, object], payload: str) -> None:
    info = read_transfer(payload)
    assert info.bank_bin == inputs["bank_bin"]
    assert info.account_number == inputs["account_number"]
    assert info.amount == inputs.get("amount")
    assert info.reference == inputs.get("reference")


def test_a_payload_from_another_implementation_decodes() -> None:
    # Published by the Dart package vietqr_generator (pub.dev): static initiation with an
    # amount, which our builder never writes but must still read.
    payload = (
        "00020101021138540010A00000072701240006970407011003865776720208QRIBFTTA"
        "5303704540710000005802VN62160812henry an cut6304A322"
    )
    info = read_transfer(payload)
    assert (info.bank_bin, info.account_number, info.amount, info.reference) == (
        "970407",
        "0386577672",
        Decimal("1000000"),
        "henry an cut",
    )


def test_decoded_structure() -> None:
    payload = build_payload(
        bank_bin="970436", account_number="1012345678", amount=Decimal(185000), reference="CP7K2M9Q"
    )
    fields = decode_payload(payload)
    assert fields["00"] == "01"
    assert fields["01"] == "12"
    assert fields["38"] == {
        "00": "A000000727",
        "01": {"00": "970436", "01": "1012345678"},
        "02": "QRIBFTTA",
    }
    assert (fields["53"], fields["54"], fields["58"]) == ("704", "185000", "VN")
    assert fields["62"] == {"08": "CP7K2M9Q"}
    assert fields["63"] == payload[-4:]
    assert payload[-8:-4] == "6304"


def test_crc16_ccitt_false_check_value() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1
    assert crc16_ccitt_false(b"") == 0xFFFF


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bank_bin": "97043", "account_number": "1"}, "BIN"),
        ({"bank_bin": "970436", "account_number": ""}, "account"),
        ({"bank_bin": "970436", "account_number": "1" * 20}, "account"),
        ({"bank_bin": "970436", "account_number": "12-34"}, "account"),
        ({"bank_bin": "970436", "account_number": "1", "reference": "x" * 26}, "reference"),
        ({"bank_bin": "970436", "account_number": "1", "reference": "đơn hàng"}, "reference"),
        ({"bank_bin": "970436", "account_number": "1", "reference": "a\nb"}, "reference"),
        ({"bank_bin": "970436", "account_number": "1", "reference": ""}, "reference"),
        ({"bank_bin": "970436", "account_number": "1", "amount": Decimal("0")}, "amount"),
        ({"bank_bin": "970436", "account_number": "1", "amount": Decimal("1.5")}, "whole"),
        ({"bank_bin": "970436", "account_number": "1", "amount": Decimal("1e13")}, "amount"),
    ],
)
def test_builder_validates(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_payload(**kwargs)  # type: ignore[arg-type]


def test_builder_refuses_float_amounts() -> None:
    with pytest.raises(TypeError):
        build_payload(bank_bin="970436", account_number="1", amount=1000.0)  # type: ignore[arg-type]


def test_reference_of_exactly_25_characters_is_fine() -> None:
    payload = build_payload(bank_bin="970436", account_number="1", reference="A" * 25)
    assert read_transfer(payload).reference == "A" * 25


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: p[:-1] + ("0" if p[-1] != "0" else "1"),  # wrong CRC
        lambda p: p.replace("5406120000", "5406120001"),  # amount changed, CRC kept
        lambda p: p[:-8],  # CRC field cut off
        lambda p: p[:-4] + p[-4:].lower() + "0",  # trailing junk
        lambda p: "",
    ],
)
def test_damaged_payloads_are_refused(mutate) -> None:  # type: ignore[no-untyped-def]
    payload = PUBLISHED[0].values[1]
    with pytest.raises(ValueError):
        decode_payload(mutate(payload))


def test_lower_case_crc_is_accepted() -> None:
    payload = PUBLISHED[0].values[1]
    assert read_transfer(payload[:-4] + payload[-4:].lower()).amount == Decimal(120000)


def test_parse_tlv_errors() -> None:
    assert parse_tlv("0002AB0100") == {"00": "AB", "01": ""}
    for bad in ("0", "00", "0003AB", "0a02AB", "0002AB0002CD", "00٠٢AB"):
        with pytest.raises(ValueError):
            parse_tlv(bad)


def test_payloads_that_are_not_transfers_are_refused() -> None:
    # A correctly checksummed EMV payload without the NAPAS template.
    body = "000201010211" + "5303704" + "5802VN" + "6304"
    payload = body + f"{crc16_ccitt_false(body.encode()):04X}"
    assert decode_payload(payload)["53"] == "704"
    with pytest.raises(ValueError, match="NAPAS"):
        read_transfer(payload)


@given(st.text(max_size=200))
def test_parser_never_fails_with_anything_but_value_error(text: str) -> None:
    for parse in (decode_payload, read_transfer, parse_tlv):
        with contextlib.suppress(ValueError):
            parse(text)


@given(
    st.text(alphabet="0123456789ABCDEFQRITVN6304 ", max_size=120).map(lambda body: body + "6304")
)
def test_checksummed_junk_only_fails_with_value_error(body: str) -> None:
    payload = body + f"{crc16_ccitt_false(body.encode()):04X}"
    with contextlib.suppress(ValueError):
        read_transfer(payload)


@given(
    bank_bin=st.sampled_from([bank.bin for bank in BANKS]),
    account=st.from_regex(r"[0-9A-Za-z]{1,19}", fullmatch=True),
    amount=st.none() | st.integers(min_value=1, max_value=10**13 - 1).map(Decimal),
    reference=st.none() | st.from_regex(r"[\x20-\x7e]{1,25}", fullmatch=True),
)
def test_build_then_read_round_trips(
    bank_bin: str, account: str, amount: Decimal | None, reference: str | None
) -> None:
    info = read_transfer(
        build_payload(bank_bin=bank_bin, account_number=account, amount=amount, reference=reference)
    )
    assert (info.bank_bin, info.account_number, info.amount, info.reference) == (
        bank_bin,
        account,
        amount,
        reference,
    )


# --------------------------------------------------------------------------- rendering


def test_svg_is_a_single_document() -> None:
    svg = render_svg(PUBLISHED[0].values[1])
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag.endswith("svg")


def test_png_decodes_back_to_the_payload_at_level_m() -> None:
    png = render_png(PUBLISHED[0].values[1])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [r.text for r in results] == [PUBLISHED[0].values[1]]
    assert results[0].ec_level == "M"


# --------------------------------------------------------------------------- banks


@pytest.mark.parametrize(
    ("code", "bin_"),
    [
        ("VCB", "970436"),
        ("ICB", "970415"),
        ("BIDV", "970418"),
        ("VBA", "970405"),
        ("MB", "970422"),
        ("TCB", "970407"),
        ("ACB", "970416"),
        ("VPB", "970432"),
        ("TPB", "970423"),
        ("STB", "970403"),
    ],
)
def test_major_bank_bins(code: str, bin_: str) -> None:
    bank = bank_by_code(code.lower())
    assert bank is not None
    assert bank.bin == bin_
    assert bank_by_bin(bin_) is bank


def test_bank_table_is_consistent() -> None:
    assert len(BANKS) >= 20
    assert len({bank.bin for bank in BANKS}) == len(BANKS)
    assert len({bank.code for bank in BANKS}) == len(BANKS)
    assert all(bank.bin.startswith("970") and len(bank.bin) == 6 for bank in BANKS)
    assert bank_by_bin("000000") is None
