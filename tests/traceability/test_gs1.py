"""GS1 numbers: check digits (known GTINs), lot numbers (AI 10) and Digital Link paths."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from traceability import gs1


@pytest.mark.parametrize(
    "gtin",
    [
        "4006381333931",  # GS1's own example (a Stabilo pen)
        "8934588063053",  # a Vietnamese GTIN-13 (prefix 893)
        "96385074",  # GTIN-8
        "036000291452",  # UPC-A (GTIN-12)
        "10614141000415",  # GTIN-14
    ],
)
def test_known_gtins_have_valid_check_digits(gtin: str) -> None:
    assert gs1.is_valid_gtin(gtin)
    assert gs1.check_digit(gtin[:-1]) == gtin[-1]


@pytest.mark.parametrize("bad", ["4006381333932", "400638133393", "40063813339311", "abc", ""])
def test_wrong_gtins(bad: str) -> None:
    assert not gs1.is_valid_gtin(bad)


@given(st.integers(0, 99_999))
def test_allocated_gtin13s_are_valid_and_round_trip_to_gtin14(reference: int) -> None:
    gtin = gs1.gtin13("8930001", reference)
    assert len(gtin) == 13 and gs1.is_valid_gtin(gtin) and gtin.startswith("8930001")
    assert gs1.gtin14(gtin) == "0" + gtin and gs1.is_valid_gtin(gs1.gtin14(gtin))


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 12))
def test_any_single_digit_change_is_caught(body: str, position: int) -> None:
    gtin = body + gs1.check_digit(body)
    changed = gtin[:position] + str((int(gtin[position]) + 1) % 10) + gtin[position + 1 :]
    assert not gs1.is_valid_gtin(changed)


def test_prefix_capacity_and_limits() -> None:
    assert gs1.item_capacity("8930001") == 100_000
    with pytest.raises(ValueError):
        gs1.gtin13("8930001", 100_000)
    with pytest.raises(ValueError):
        gs1.gtin13("893", 1)


@pytest.mark.parametrize(
    ("lot", "ok"),
    [
        ("MO-2025-001", True),
        ("A/B.C_D'E", True),
        ("x" * 20, True),
        ("x" * 21, False),
        ("", False),
        ("LÔ-1", False),  # no accents in AI 10
        ("A B", False),  # no spaces
    ],
)
def test_lot_numbers_follow_ai10(lot: str, ok: bool) -> None:
    assert gs1.is_valid_lot(lot) is ok


def test_digital_link_path_percent_encodes_the_lot() -> None:
    gtin = gs1.gtin13("2000000", 1)
    assert gtin == "2000000000015"
    assert gs1.digital_link_path(gtin, "MO-1") == "/01/02000000000015/10/MO-1"
    assert gs1.digital_link_path(gtin, "A/B%") == "/01/02000000000015/10/A%2FB%25"
