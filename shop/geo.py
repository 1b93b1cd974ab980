"""Vietnam's current administrative units (the two-level structure in force since 1 July 2025).

The units come from the `vietnam-provinces` package; we store their numeric codes and look the
names up here, so a unit renamed by a future reform shows its new name everywhere at once.
"""

from functools import cache

from django.utils.translation import get_language
from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward, WardCode

from shop.text import slugify

# How each kind of unit is written: its Vietnamese prefix, and the English word after the name
# ("Xã Đồng Văn" is "Đồng Văn Commune", "Tuyên Quang" "Tuyên Quang Province"): English pages keep
# a place's name as written, diacritics and all, as they keep producers' and products' names.
_KINDS = {
    VietNamDivisionType.TINH: ("Tỉnh ", "Province"),
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: ("Thành phố ", "City"),
    VietNamDivisionType.XA: ("Xã ", "Commune"),
    VietNamDivisionType.PHUONG: ("Phường ", "Ward"),
    VietNamDivisionType.DAC_KHU: ("Đặc khu ", "Special Zone"),
}


@cache
def provinces() -> dict[int, Province]:
    return {int(p.code): p for p in Province.iter_all()}


@cache
def wards() -> dict[int, Ward]:
    return {int(w.code): w for w in Ward.iter_all()}


def province(code: int | None) -> Province | None:
    return provinces().get(code) if code is not None else None


def ward(code: int | None) -> Ward | None:
    return wards().get(code) if code is not None else None


def bare_name(unit: Province | Ward) -> str:
    """The unit's proper name, without the word for its kind: "Đồng Văn", "Hà Nội"."""
    prefix, _english = _KINDS.get(unit.division_type, ("", ""))
    return unit.name.removeprefix(prefix)


def place_name(unit: Province | Ward | None, *, short: bool = False) -> str:
    """The unit's name in the active language: "Xã Đồng Văn" in Vietnamese, "Đồng Văn
    Commune" in English (the name, then its kind). `short` drops the kind of a province or
    city ("Hà Nội"), as a sentence names it; a commune keeps it."""
    if unit is None:
        return ""
    english = (get_language() or "vi").split("-")[0] == "en"
    is_province = isinstance(unit, Province)
    if short and is_province:
        bare = bare_name(unit)
        return bare
    if not english:
        return unit.name
    _prefix, kind = _KINDS.get(unit.division_type, ("", ""))
    return f"{bare_name(unit)} {kind}".strip()


def place_label(*, ward_code: int | None, province_code: int | None) -> str:
    """ "Commune, Province" in the active language, of whichever of the two is known."""
    units = (ward(ward_code), province(province_code))
    return ", ".join(place_name(u) for u in units if u is not None)


def province_slug(code: int) -> str:
    return slugify(provinces()[code].name)


def province_choices() -> list[tuple[int, str]]:
    return sorted(((code, p.name) for code, p in provinces().items()), key=lambda c: c[1])


def ward_choices(province_code: int | None = None) -> list[tuple[int, str]]:
    units = (
        Ward.iter_by_province(ProvinceCode(province_code))
        if province_code is not None
        else wards().values()
    )
    return sorted(((int(w.code), w.name) for w in units), key=lambda c: c[1])


def ward_in_province(ward_code: int, province_code: int) -> bool:
    unit = ward(ward_code)
    return unit is not None and int(unit.province_code) == province_code


def find_ward(*, province_code: int, name: str) -> Ward:
    """The ward or commune of `province_code` called `name` (e.g. "Xã Đồng Văn")."""
    for unit in Ward.iter_by_province(ProvinceCode(province_code)):
        if unit.name == name:
            return unit
    raise LookupError(f"No unit {name!r} in province {province_code}")


__all__ = [
    "WardCode",
    "bare_name",
    "find_ward",
    "place_label",
    "place_name",
    "province",
    "province_choices",
    "provinces",
    "ward",
]
