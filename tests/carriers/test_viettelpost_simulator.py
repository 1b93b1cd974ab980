"""The Viettel Post simulator served by the site (Django's live server), driven through the
registry's adapter; its development page; its saved state; the unit table against the demo."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import resolve

from shop import geo
from shop.carriers import units
from shop.carriers.ports import CarrierError, TrackingStatus, Webhook
from shop.carriers.registry import carrier_for
from shop.carriers.simulators.viettelpost import simulator_core
from shop.carriers.simulators.viettelpost_core import ViettelPostSimulatorCore
from shop.carriers.units import table, unit_for
from shop.settings.simulators import simulated_carriers
from tests.carriers.test_viettelpost_protocol import PARCEL, _request
from tests.security.test_csp import problems

ROOT = Path(__file__).resolve().parents[2]
PAGE = "/shipping/simulator/viettelpost/"


@pytest.fixture
def live_viettelpost(live_server):
    with override_settings(CARRIERS=simulated_carriers(live_server.url), SITE_URL=live_server.url):
        yield carrier_for("viettelpost")


def test_the_registry_adapter_against_the_live_simulator(live_viettelpost):
    carrier = live_viettelpost
    quote = carrier.quote(sender=_request().sender, receiver=_request().receiver, parcel=PARCEL)
    assert quote.fee > 0 and quote.expected_delivery is not None
    waybill = carrier.create(_request("CP-LIVE-1"))
    assert carrier.create(_request("CP-LIVE-1")).code == waybill.code
    with urllib.request.urlopen(waybill.label_url, timeout=5) as response:  # noqa: S310
        assert waybill.code in response.read().decode()
    assert [u.status for u in carrier.track(waybill.code)] == [TrackingStatus.READY_TO_PICK]

    core = simulator_core()
    core.advance(waybill.code, TrackingStatus.PICKED)
    assert carrier.track(waybill.code)[-1].status == TrackingStatus.PICKED
    with pytest.raises(CarrierError):
        carrier.cancel(waybill.code)
    [update] = carrier.parse_webhook(
        Webhook(body=core.webhook_body(waybill.code), path_token="simulator-viettelpost-webhook")
    )
    assert update.status == TrackingStatus.PICKED
    assert core.callback_url.endswith(
        "/shipping/callback/viettelpost/simulator-viettelpost-webhook/"
    )


def test_the_development_page_lists_parcels_and_pushes_statuses(live_viettelpost, client):
    request = _request("CP-PAGE-1")
    receiver = replace(request.receiver, name="<script>An</script>")
    code = live_viettelpost.create(replace(request, receiver=receiver)).code
    page = client.get(PAGE)
    assert page.status_code == 200 and code in page.content.decode()
    assert "<script>An" not in page.content.decode()
    assert "&lt;script&gt;An" in page.content.decode()
    assert problems("Viettel Post parcels", page) == []
    pushed = client.post(PAGE, {"code": code, "status": TrackingStatus.IN_TRANSIT})
    assert pushed.status_code == 302
    assert simulator_core().status_of(code) == 300
    refused = client.post(PAGE, {"code": code, "status": "lost"}, follow=True)
    assert refused.status_code == 200
    assert simulator_core().status_of(code) == 300
    for body in (b"not json", b"[]"):
        answer = client.post(f"{PAGE}v2/user/Login", body, "application/json").json()
        assert (answer["status"], answer["error"]) == (400, True)
    without_token = client.post(f"{PAGE}v2/order/getPrice", b"{}", "application/json")
    assert without_token.json() == {
        "status": 401,
        "error": True,
        "message": "Header Token is required",
        "data": None,
    }


def test_carrier_units_rebuilds_the_table_from_the_simulators_master_data(
    live_viettelpost, tmp_path
):
    output = tmp_path / "viettelpost.csv"
    out = StringIO()
    call_command("carrier_units", "viettelpost", output=str(output), stdout=out)
    assert "3321 of our wards matched" in out.getvalue()
    current = units.path_for("viettelpost").read_text(encoding="utf-8")
    assert output.read_text(encoding="utf-8") == current


@pytest.mark.django_db
def test_the_simulator_is_not_there_when_simulators_are_off(client, settings):
    resolve(PAGE)  # mounted (the URLconf is read while simulators are on)
    settings.CARRIER_SIMULATORS = False
    assert client.get(PAGE).status_code == 404
    login = client.post(f"{PAGE}v2/user/Login", b"{}", "application/json", follow=True)
    assert login.status_code == 404
    assert client.get(f"{PAGE}print?bill=x").status_code == 404


def test_the_state_survives_a_restart(tmp_path):
    path = tmp_path / "simulators" / "viettelpost.json"
    first = ViettelPostSimulatorCore(username="u", password="p", webhook_token="t", state_path=path)
    login = first.answer("POST", "/user/Login", body=b'{"USERNAME": "u", "PASSWORD": "p"}')
    token = login["data"]["token"]
    body = json.dumps(_create_payload()).encode()
    created = first.answer("POST", "/order/createOrder", headers={"Token": token}, body=body)
    assert created["status"] == 200, created
    again = ViettelPostSimulatorCore(username="u", password="p", webhook_token="t", state_path=path)
    code = created["data"]["ORDER_NUMBER"]
    assert again.status_of(code) == 102
    refused = again.answer("POST", "/order/UpdateOrder", headers={"Token": token}, body=b"{}")
    assert refused["status"] == 401  # tokens are not kept: the adapter logs in again


def _create_payload() -> dict:
    sender = unit_for("viettelpost", _request().sender.ward_code)
    receiver = unit_for("viettelpost", _request().receiver.ward_code)
    payload = {"ORDER_NUMBER": "CP-STATE-1", "ORDER_PAYMENT": 1, "ORDER_SERVICE": "VCN",
               "PRODUCT_WEIGHT": 500, "PRODUCT_PRICE": 0, "MONEY_COLLECTION": 0}  # fmt: skip
    for side, unit in (("SENDER", sender), ("RECEIVER", receiver)):
        payload |= {
            f"{side}_FULLNAME": "Người thử",
            f"{side}_ADDRESS": "12 Tân Trào",
            f"{side}_PHONE": "0912345678",
            f"{side}_PROVINCE": int(unit.province),
            f"{side}_DISTRICT": int(unit.district),
            f"{side}_WARD": int(unit.ward),
        }
    return payload


# --------------------------------------------------------------------------- the unit table


def test_every_official_ward_has_one_distinct_viettel_post_ward():
    codes = table("viettelpost")
    assert set(codes) == set(geo.wards())
    assert len({unit.ward for unit in codes.values()}) == len(codes)
    assert len({unit.province for unit in codes.values()}) == len(geo.provinces())
