"""Vietnam's current administrative units (the two-level structure in force since 1 July 2025).

The units come from the `vietnam-provinces` package; we store their numeric codes and look the
names up here, so a unit renamed by a future reform shows its new name everywhere at once.
"""

from functools import cache

from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

from shop.text import slugify


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


__all__ = ["WardCode", "find_ward", "province", "province_choices", "provinces", "ward"]
