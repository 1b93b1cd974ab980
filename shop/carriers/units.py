"""Our official units (shop/geo.py) in each carrier's master-data codes.

Each carrier has a CSV here, ``<carrier>.csv``, one row per ward or commune we can ship from
or to: ``ward_code`` and ``province_code`` are ours (the post-2025 official codes), and
``province``, ``district``, ``ward`` are the carrier's (numeric ids or names, as its API takes
them; ``district`` is empty for a carrier that dropped districts with the 2025 reform). The
files are data kept in the repository: ``manage.py carrier_units <carrier>`` rebuilds one
from the carrier's master-data API, and tests check every unit the demo uses is there.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from shop.carriers.ports import UnitNotServed

DIRECTORY = Path(__file__).resolve().parent / "units"
COLUMNS = ("ward_code", "province_code", "province", "district", "ward", "name")


@dataclass(frozen=True, slots=True)
class CarrierUnit:
    """A ward in the carrier's codes."""

    province: str
    district: str
    ward: str
    name: str  # the carrier's spelling of the ward's name


def path_for(carrier: str) -> Path:
    return DIRECTORY / f"{carrier}.csv"


@cache
def table(carrier: str) -> dict[int, CarrierUnit]:
    """Our ward code -> the carrier's unit; empty when the carrier has no file."""
    path = path_for(carrier)
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            int(row["ward_code"]): CarrierUnit(
                province=row["province"],
                district=row["district"],
                ward=row["ward"],
                name=row["name"],
            )
            for row in csv.DictReader(handle)
        }


def unit_for(carrier: str, ward_code: int) -> CarrierUnit:
    """The carrier's codes for our ward ``ward_code``; UnitNotServed when it has none."""
    try:
        return table(carrier)[int(ward_code)]
    except (KeyError, TypeError, ValueError):
        raise UnitNotServed(f"{carrier} has no code for ward {ward_code}") from None


def write(carrier: str, rows: list[dict]) -> Path:
    """Write the carrier's file (rows with COLUMNS), sorted by our ward code."""
    path = path_for(carrier)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in sorted(rows, key=lambda r: int(r["ward_code"])):
            writer.writerow({key: row.get(key, "") for key in COLUMNS})
    table.cache_clear()
    return path
