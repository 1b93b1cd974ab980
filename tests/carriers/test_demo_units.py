"""Every ward the demo names (producers' pick-up wards, the applicant's, the regions', the demo
buyer's address) has a code at every configured carrier, so a demo parcel can go with any."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from shop import geo
from shop.carriers.units import unit_for
from shop.demo import PROVINCE

ROOT = Path(__file__).resolve().parents[2]
FILES = [*(ROOT / "shop/demo").glob("*.yaml"), *(ROOT / "cms/demo").glob("*.yaml")]
LINE = re.compile(r"^\s*(province|ward):\s*(.+?)\s*$", re.MULTILINE)
PROVINCES = {p.name: code for code, p in geo.provinces().items()}


def demo_wards() -> set[tuple[int, str]]:
    """(province code, ward name) for every ``ward:`` in the demo's YAML files (read as lines:
    the files carry custom tags). A ward is in the demo's province unless a ``province:`` line
    of the same entry just before it names another."""
    found = set()
    for path in FILES:
        province = PROVINCE
        for match in LINE.finditer(path.read_text(encoding="utf-8")):
            key, value = match[1], match[2].strip("'\"")
            if key == "province":
                province = PROVINCES.get(value, PROVINCE)
            else:
                found.add((province, value))
                province = PROVINCE
    return found


def test_the_demo_names_wards_of_more_than_one_province():
    wards = demo_wards()
    assert len(wards) >= 5
    assert len({province for province, _name in wards}) >= 2


@pytest.mark.parametrize("carrier", list(settings.CARRIERS))
def test_every_ward_the_demo_uses_has_the_carriers_codes(carrier):
    for province, name in sorted(demo_wards()):
        ward = geo.find_ward(province_code=province, name=name)
        unit = unit_for(carrier, int(ward.code))
        assert unit.province and unit.ward, (carrier, name)
