"""Who the tax authority knows a seller as: a tax code or a personal ID number.

Three forms are accepted, the way people write them:

- a tax code (mã số thuế) of 10 digits, whose last digit checks the first nine: weights
  31, 29, 23, 19, 17, 13, 7, 5, 3; the check digit is 10 - (sum mod 11) (a sum ≡ 0 mod 11
  gives no valid code);
- a dependent unit's code, the 10-digit code of its parent, a dash and 3 digits
  (NNNNNNNNNN-NNN, e.g. a cooperative's branch); 13 digits typed without the dash are
  accepted and written with it;
- a 12-digit personal ID number (số định danh cá nhân / CCCD), whose first three digits are a
  province code of the ID scheme (Circular 07/2016/TT-BCA, the 63 codes the old provinces
  had). Since 1 July 2025 it serves as the tax code of individuals and business households
  (Circular 86/2024/TT-BTC).

Pure functions: `tax_id_normalise` returns the stored form or raises ValidationError with a
message that says what is wrong.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)

# Province codes of the personal ID scheme (the first three digits of a 12-digit number).
ID_PROVINCE_CODES = frozenset(
    (
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    )
)

TAX_CODE, UNIT_CODE, PERSONAL_ID = "tax_code", "unit_code", "personal_id"

_SEPARATORS = re.compile(r"[\s.]+")


def check_digit(first_nine: str) -> int | None:
    """The tenth digit of a tax code, or None when no digit can complete these nine."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, WEIGHTS, strict=True)) % 11
    return None if remainder == 0 else 10 - remainder


def _tax_code_valid(code: str) -> bool:
    return len(code) == 10 and code.isdigit() and check_digit(code[:9]) == int(code[9])


def tax_id_kind(value: str) -> str:
    """TAX_CODE, UNIT_CODE or PERSONAL_ID for a normalised, valid value."""
    if "-" in value:
        return UNIT_CODE
    return PERSONAL_ID if len(value) == 12 else TAX_CODE


def tax_id_normalise(value: str) -> str:
    """The stored form of a tax code, a unit's code or a personal ID number ("" stays "")."""
    value = _SEPARATORS.sub("", value or "")
    if not value:
        return ""
    digits = value.replace("-", "")
    if not digits.isdigit() or value.count("-") > 1:
        raise ValidationError(
            _("A tax code or personal ID number has digits only (and one dash for a unit's code)."),
            code="tax_id_characters",
        )
    if len(digits) == 13 and (value.count("-") == 0 or value.index("-") == 10):
        parent, unit = digits[:10], digits[10:]
        if not _tax_code_valid(parent):
            raise ValidationError(
                _("The first 10 digits of this unit's code are not a valid tax code."),
                code="tax_id_check_digit",
            )
        if unit == "000":
            raise ValidationError(
                _("A unit's code ends in 001 to 999, not 000."), code="tax_id_unit"
            )
        return f"{parent}-{unit}"
    if "-" in value:
        raise ValidationError(
            _("A unit's code is written as 10 digits, a dash and 3 digits (0100109106-001)."),
            code="tax_id_unit",
        )
    if len(digits) == 10:
        if not _tax_code_valid(digits):
            raise ValidationError(
                _("This tax code's last digit does not match: check the number."),
                code="tax_id_check_digit",
            )
        return digits
    if len(digits) == 12:
        if digits[:3] not in ID_PROVINCE_CODES:
            raise ValidationError(
                _(
                    "A personal ID number starts with a province code (001 to 096); "
                    "%(start)s is not one."
                )
                % {"start": digits[:3]},
                code="tax_id_province",
            )
        return digits
    raise ValidationError(
        _(
            "Enter a 10-digit tax code, a unit's code (10 digits, a dash, 3 digits) or a "
            "12-digit personal ID number; this one has %(count)d digits."
        )
        % {"count": len(digits)},
        code="tax_id_length",
    )


def validate_tax_id(value: str) -> None:
    """Model validator: the value must already be in its stored form."""
    if value and tax_id_normalise(value) != value:
        raise ValidationError(
            _("Write the tax code without spaces or dots, a unit's code with its dash."),
            code="tax_id_form",
        )


def tax_id_check_for_kind(value: str, *, kind: str) -> None:
    """A household gives its personal ID number or tax code; a cooperative or an enterprise,
    which files its own taxes, its tax code (or its unit's code)."""
    if not value:
        raise ValidationError(
            _("Enter the tax code, or for a household the representative's personal ID number."),
            code="tax_id_required",
        )
    if kind != "household" and tax_id_kind(value) == PERSONAL_ID:
        raise ValidationError(
            _("A cooperative or an enterprise gives its tax code (10 digits), not a personal ID."),
            code="tax_id_not_personal",
        )
