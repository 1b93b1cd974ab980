"""The GHTK simulator on the site: the adapter built by the registry (``carrier_for("ghtk")``)
against the simulator served by Django's live server, the development page that pushes
statuses, and GHTK's names for every ward the site and its demo use."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from shop import geo
from shop.carriers import registry, units
from shop.carriers.adapters.ghtk import GHTKCarrier
from shop.carriers.ports import CarrierError, Parcel, Party, TrackingStatus, WaybillRequest
from shop.carriers.simulators.ghtk import callback_url, simulator_core
from shop.carriers.units import table, unit_for
from shop.settings.simulators import simulated_carriers

ROOT = Path(__file__).resolve().parents[2]


def test_every_official_ward_has_ghtk_s_names():
    units = table("ghtk")
    assert set(units) == set(geo.wards())
    for code, ward in geo.wards().items():
        unit = units[code]
        assert unit.ward == ward.name and unit.province
        assert unit.district == ""  # two-level units since the 2025 reform


def test_the_table_is_what_master_units_builds(tmp_path, monkeypatch):
    adapter = GHTKCarrier(name="ghtk", options={"token": "t", "api_url": "https://ghtk.test"})
    monkeypatch.setattr(units, "DIRECTORY", tmp_path)
    try:
        rebuilt = units.write("ghtk", adapter.master_units()).read_text(encoding="utf-8")
    finally:
        units.table.cache_clear()
    assert rebuilt == (ROOT / "shop/carriers/units/ghtk.csv").read_text(encoding="utf-8")


def test_cities_use_ghtk_s_spelling():
    assert unit_for("ghtk", 4).province == "Hà Nội"
    saigon = next(c for c, w in geo.wards().items() if int(w.province_code) == 79)
    assert unit_for("ghtk", saigon).province == "TP. Hồ Chí Minh"


# --------------------------------------------------------------------------- on the live site


@pytest.fixture
def site(live_server):
    entry = simulated_carriers(live_server.url)["ghtk"]
    with override_settings(CARRIERS={"ghtk": entry}):
        yield live_server


def _party(ward: int, province: int, phone: str, name: str) -> Party:
    return Party(name=name, phone=phone, province_code=province, ward_code=ward, street="Số 1")


SENDER = _party(721, 8, "+84912345678", "HTX Mật ong bạc hà Đồng Văn")
RECEIVER = _party(4, 1, "+84987654321", "Trần Văn Minh")


def test_the_registry_s_adapter_talks_to_the_simulator_on_the_site(site):
    adapter = registry.carrier_for("ghtk")
    assert isinstance(adapter, GHTKCarrier)
    parcel = Parcel(weight_grams=800, goods_value=Decimal(300000), cod_amount=Decimal(320000))
    quote = adapter.quote(sender=SENDER, receiver=RECEIVER, parcel=parcel)
    assert quote.fee == Decimal(32500)
    request = WaybillRequest(reference="CP-E2E-1", sender=SENDER, receiver=RECEIVER, parcel=parcel)
    waybill = adapter.create(request)
    assert adapter.create(request).code == waybill.code
    assert adapter.label_pdf(waybill.code).startswith(b"%PDF")
    [update] = adapter.track(waybill.code)
    assert update.status == TrackingStatus.READY_TO_PICK
    core = simulator_core()
    core.advance(waybill.code, TrackingStatus.PICKED, callback_url="")
    with pytest.raises(CarrierError, match="không thể hủy"):
        adapter.cancel(waybill.code)


def test_the_development_page_lists_parcels_and_pushes_statuses(site, client):
    adapter = registry.carrier_for("ghtk")
    parcel = Parcel(weight_grams=500, cod_amount=Decimal(150000))
    request = WaybillRequest(reference="CP-DEV-7", sender=SENDER, receiver=RECEIVER, parcel=parcel)
    code = adapter.create(request).code
    page = client.get(reverse("shipping:sim-ghtk-parcels"))
    assert page.status_code == 200
    assert code in page.content.decode() and "CP-DEV-7" in page.content.decode()
    pushed = client.post(
        reverse("shipping:sim-ghtk-push", args=[code]), {"status": TrackingStatus.DELIVERED}
    )
    assert pushed.status_code == 302
    assert simulator_core().find(code).status_id == 5
    [update] = adapter.track(code)
    assert update.status == TrackingStatus.DELIVERED and update.cod_collected == Decimal(150000)
    refused = client.post(reverse("shipping:sim-ghtk-push", args=[code]), {"status": "flying"})
    assert refused.status_code == 404


def test_the_callback_goes_to_the_site_serving_the_simulator(site):
    options = simulated_carriers(site.url)["ghtk"]["OPTIONS"]
    assert simulator_core().callback_url == callback_url(
        options["api_url"], options["webhook_token"]
    )
    assert simulator_core().callback_url == (
        f"{site.url}/shipping/callback/ghtk/simulator-ghtk-webhook/?hash=simulator-ghtk-webhook"
    )


@pytest.mark.django_db
def test_the_simulator_is_not_there_when_simulators_are_off(client):
    page = reverse("shipping:sim-ghtk-parcels")
    api = reverse("shipping:sim-ghtk-api", args=["shipment/fee"])
    with override_settings(CARRIER_SIMULATORS=False):
        assert client.get(page).status_code == 404
        assert client.get(api).status_code == 404


@pytest.mark.django_db
def test_the_api_without_ghtk_s_token_is_refused(client):
    answer = client.get(reverse("shipping:sim-ghtk-api", args=["shipment/fee"]))
    assert answer.status_code == 401
    assert answer.json() == {
        "success": False,
        "message": "Cần cung cấp token hợp lệ",
        "error_code": 20101,
        "log_id": answer.json()["log_id"],
    }
