"""The one CSV writer of the floor: cells a spreadsheet would run as a formula are neutralised.

A cell of text starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a
single quote (OWASP's CSV-injection rule), so a product named `=HYPERLINK(…)` reads as text.
Numbers (int, Decimal, float) are written as numbers, so a real negative amount such as -15000
stays a number a spreadsheet can add up; anything else is written as its text and checked.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal

from oscar.core.compat import UnicodeCSVWriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """`value` as a CSV cell that no spreadsheet evaluates."""
    if value is None or isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def row(values: Iterable) -> list:
    return [cell(value) for value in values]


class Writer:
    """`csv.writer` with every cell passed through `cell`."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, values: Iterable):
        return self._writer.writerow(row(values))

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for values in rows:
            self.writerow(values)


class OscarWriter(UnicodeCSVWriter):
    """Oscar's CSV writer (its reports and order downloads), with the same neutralised cells."""

    def writerow(self, values: Iterable):
        return super().writerow(row(values))


def writer(file, **kwargs) -> Writer:
    return Writer(file, **kwargs)
