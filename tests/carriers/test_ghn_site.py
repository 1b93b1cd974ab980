"""GHN's simulator mounted on the site: the registry's adapter against it over HTTP, its
development pages, its absence without CARRIER_SIMULATORS and in production, and the unit
table for every ward the demo ships from or to."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from shop import geo
from shop.carriers import registry, units
from shop.carriers.ports import Party, TrackingStatus
from shop.carriers.simulators import ghn as ghn_simulator
from tests.carriers.test_ghn_protocol import FAR, SENDER, party_fields, waybill_request
from tests.security.test_csp import problems
from tests.shop.test_settings import PRODUCTION_ENV, manage

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site_ghn(live_server, settings):
    """The registry's GHN adapter, pointed at the simulator on the live server."""
    settings.SITE_URL = live_server.url  # the simulator's options() follow it
    adapter = registry.carrier_for("ghn")
    assert adapter.api_url == live_server.url + ghn_simulator.API_PATH
    return adapter


def test_the_registry_adapter_works_against_the_mounted_simulator(site_ghn, client):
    quote = site_ghn.quote(sender=SENDER, receiver=FAR, parcel=waybill_request().parcel)
    assert quote.fee > 0 and quote.expected_delivery
    waybill = site_ghn.create(waybill_request("SHP-SITE-1", cod="320000"))
    assert site_ghn.create(waybill_request("SHP-SITE-1", cod="320000")).code == waybill.code
    assert [u.status for u in site_ghn.track(waybill.code)] == [TrackingStatus.READY_TO_PICK]
    label_url = urlsplit(waybill.label_url)
    label = client.get(f"{label_url.path}?{label_url.query}")
    assert label.status_code == 200 and waybill.code in label.content.decode()
    assert problems("GHN label", label) == []
    core = ghn_simulator.simulator_core()
    assert core.orders[waybill.code]["cod_amount"] == 320000
    assert core.callback_url.endswith("/shipping/callback/ghn/simulator-ghn-webhook/")


def test_the_parcels_page_lists_and_pushes_statuses(site_ghn, client):
    receiver = Party(**{**party_fields(FAR), "name": "<script>An</script>"})
    code = site_ghn.create(waybill_request("SHP-SITE-2", cod="100000", receiver=receiver)).code
    page = client.get(reverse("shipping:sim-ghn-parcels"))
    assert "<script>An" not in page.content.decode() and "&lt;script&gt;An" in page.content.decode()
    assert page.status_code == 200 and code in page.content.decode()
    assert problems("GHN parcels", page) == []
    response = client.post(reverse("shipping:sim-ghn-push", args=[code]), {"status": "picked"})
    assert response.status_code == 302
    assert ghn_simulator.simulator_core().orders[code]["status"] == "picked"
    assert (
        client.post(reverse("shipping:sim-ghn-push", args=[code]), {"status": "flying"}).status_code
        == 400
    )
    assert (
        client.post(
            reverse("shipping:sim-ghn-push", args=["GNOSUCH1"]), {"status": "picked"}
        ).status_code
        == 404
    )
    assert site_ghn.track(code)[-1].status == TrackingStatus.PICKED


def test_the_simulator_is_a_404_when_simulators_are_off(db, settings, client):
    page = reverse("shipping:sim-ghn-parcels")  # mounted while the settings allow it
    api = reverse("shipping:sim-ghn-api", args=["v2/shipping-order/fee"])
    settings.CARRIER_SIMULATORS = False
    assert client.get(page).status_code == 404
    assert client.post(api, b"{}", content_type="application/json").status_code == 404


def test_the_api_answers_bad_input_with_ghns_envelope(db, settings, client):
    api = reverse("shipping:sim-ghn-api", args=["v2/shipping-order/create"])
    options = settings.CARRIERS["ghn"]["OPTIONS"]
    headers = {"HTTP_TOKEN": options["token"], "HTTP_SHOPID": options["shop_id"]}
    for body in (b"not json", b"[]", b'{"to_name": 5}'):
        response = client.post(api, body, content_type="application/json", **headers)
        assert response.status_code == 400 and response.json()["code"] == 400
    assert client.post(api, b"{}", content_type="application/json").status_code == 401


def test_production_refuses_ghn_pointing_at_the_simulator():
    result = manage(
        "check",
        env={
            **PRODUCTION_ENV,
            "GHN_TOKEN": "real-token",
            "GHN_SHOP_ID": "885",
            "GHN_WEBHOOK_TOKEN": "real-webhook-token",
            "GHN_API_URL": "https://chophien.example.vn/shipping/simulator/ghn/shiip/public-api",
        },
    )
    assert result.returncode != 0 and "points at a simulator" in result.stderr


def test_the_unit_table_covers_every_ward():
    table = units.table("ghn")
    assert set(table) == set(geo.wards())
    assert all(
        unit.ward and unit.district.isdigit() and unit.province.isdigit() for unit in table.values()
    )


def test_money_is_whole_dong(site_ghn):
    quote = site_ghn.quote(sender=SENDER, receiver=FAR, parcel=waybill_request().parcel)
    assert quote.fee == quote.fee.quantize(Decimal(1))


def test_carrier_units_rebuilds_the_table_from_the_simulators_master_data(site_ghn, tmp_path):
    output = tmp_path / "ghn.csv"
    out = StringIO()
    call_command("carrier_units", "ghn", output=str(output), stdout=out)
    assert "3321 of our wards matched" in out.getvalue()
    assert output.read_text(encoding="utf-8") == units.path_for("ghn").read_text(encoding="utf-8")


def test_carrier_units_reports_what_it_cannot_match(monkeypatch):
    master = [
        {
            "province": "201",
            "province_name": "Hà Nội",
            "district": "3001",
            "ward": "W1",
            "ward_name": "Hoàn Kiếm",
        },
        {
            "province": "201",
            "province_name": "Hà Nội",
            "district": "3001",
            "ward": "W2",
            "ward_name": "P. Nowhere",
        },
    ]
    rows, unmatched = units.match(master)
    hoan_kiem = geo.find_ward(province_code=1, name="Phường Hoàn Kiếm")
    assert [(r["ward_code"], r["ward"]) for r in rows] == [(int(hoan_kiem.code), "W1")]
    assert len(unmatched) == len(geo.wards()) - 1
