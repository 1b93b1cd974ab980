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
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from shop import geo
from shop.carriers.ports import UnitNotServed
from shop.text import fold

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


def write(carrier: str, rows: list[dict], path: Path | None = None) -> Path:
    """Write the carrier's file (rows with COLUMNS), sorted by our ward code (to ``path``
    instead, when given)."""
    path = path or path_for(carrier)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in sorted(rows, key=lambda r: int(r["ward_code"])):
            writer.writerow({key: row.get(key, "") for key in COLUMNS})
    table.cache_clear()
    return path


_PROVINCE_PREFIXES = ("thanh pho ", "tinh ", "tp. ", "tp ")
_WARD_PREFIXES = ("phuong ", "xa ", "dac khu ", "thi tran ")


def _bare(name: str, prefixes: tuple[str, ...]) -> str:
    folded = fold(name).replace("-", " ")
    for prefix in prefixes:
        if folded.startswith(prefix):
            return folded.removeprefix(prefix).strip()
    return folded


def _names(unit: dict) -> list[str]:
    """The carrier's name of a ward and its other spellings (``ward_aliases``)."""
    aliases = unit.get("ward_aliases") or []
    return [unit.get("ward_name", ""), *(a for a in aliases if isinstance(a, str))]


def _exact(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def match(master: list[dict]) -> tuple[list[dict], list[int]]:
    """The carrier's master data (dicts with ``province``, ``province_name``, ``district``,
    ``ward``, ``ward_name``, optionally ``ward_aliases``) matched to our wards by name: the
    rows to write, and our ward codes nothing matched. A ward matches on its full name ("Xã
    Đồng Văn") or on its name without the kind ("Đồng Văn"), with its marks first ("Văn
    Lang" and "Văn Lăng" are two communes of one province), then folded; only a single
    candidate matches."""
    by_province: dict[str, list[dict]] = {}
    for unit in master:
        by_province.setdefault(_bare(unit.get("province_name", ""), _PROVINCE_PREFIXES), []).append(
            unit
        )
    rows, unmatched = [], []
    for code, ward in geo.wards().items():
        province = geo.province(int(ward.province_code))
        candidates = by_province.get(_bare(province.name, _PROVINCE_PREFIXES), [])
        found: list[dict] = []
        for key in (_exact, fold, lambda name: _bare(name, _WARD_PREFIXES)):
            found = [u for u in candidates if key(ward.name) in map(key, _names(u))]
            if found:
                break
        if len(found) != 1:
            unmatched.append(code)
            continue
        unit = found[0]
        rows.append(
            {
                "ward_code": code,
                "province_code": int(ward.province_code),
                "province": unit["province"],
                "district": unit.get("district", ""),
                "ward": unit["ward"],
                "name": unit.get("ward_name", ""),
            }
        )
    return rows, sorted(unmatched)
