"""Tax codes, units' codes and personal ID numbers: accepted forms and clear refusals."""

import pytest
from django.core.exceptions import ValidationError

from shop.partner.tax_ids import (
    PERSONAL_ID,
    TAX_CODE,
    UNIT_CODE,
    check_digit,
    tax_id_check_for_kind,
    tax_id_kind,
    tax_id_normalise,
    validate_tax_id,
)


@pytest.mark.parametrize(
    ("typed", "stored", "kind"),
    [
        ("0100109106", "0100109106", TAX_CODE),  # a real enterprise's code
        (" 0100 109 106 ", "0100109106", TAX_CODE),
        ("0100109106-001", "0100109106-001", UNIT_CODE),
        ("0100109106001", "0100109106-001", UNIT_CODE),
        ("001085012345", "001085012345", PERSONAL_ID),  # Hà Nội
        ("002.190.000.123", "002190000123", PERSONAL_ID),  # Hà Giang
        ("", "", None),
    ],
)
def test_accepted_forms_are_stored_one_way(typed, stored, kind):
    assert tax_id_normalise(typed) == stored
    if stored:
        validate_tax_id(stored)
        assert tax_id_kind(stored) == kind


def test_check_digit_follows_the_weights():
    # 0*31+1*29+0*23+0*19+1*17+0*13+9*7+1*5+0*3 = 114; 114 mod 11 = 4; 10 - 4 = 6
    assert check_digit("010010910") == 6
    # a sum divisible by 11 has no check digit
    assert check_digit("000000000") is None


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("0100109107", "tax_id_check_digit"),  # last digit wrong
        ("0000000000", "tax_id_check_digit"),
        ("0100109107-001", "tax_id_check_digit"),
        ("0100109106-000", "tax_id_unit"),
        ("010010910-6001", "tax_id_unit"),
        ("0100109106-01", "tax_id_unit"),
        ("003085012345", "tax_id_province"),  # 003 is no province code
        ("099085012345", "tax_id_province"),
        ("12345", "tax_id_length"),
        ("01001091060", "tax_id_length"),
        ("0100I09106", "tax_id_characters"),
        ("MST0100109106", "tax_id_characters"),
    ],
)
def test_wrong_numbers_say_what_is_wrong(typed, code):
    with pytest.raises(ValidationError) as refused:
        tax_id_normalise(typed)
    assert refused.value.code == code
    assert refused.value.messages[0]


def test_the_model_validator_wants_the_stored_form():
    with pytest.raises(ValidationError):
        validate_tax_id("0100 109 106")
    with pytest.raises(ValidationError):
        validate_tax_id("0100109107")


def test_cooperatives_give_a_tax_code_households_may_give_their_id():
    tax_id_check_for_kind("001085012345", kind="household")
    tax_id_check_for_kind("0100109106", kind="household")
    tax_id_check_for_kind("0100109106-001", kind="cooperative")
    for kind in ("cooperative", "enterprise"):
        with pytest.raises(ValidationError) as refused:
            tax_id_check_for_kind("001085012345", kind=kind)
        assert refused.value.code == "tax_id_not_personal"
    with pytest.raises(ValidationError) as refused:
        tax_id_check_for_kind("", kind="household")
    assert refused.value.code == "tax_id_required"
