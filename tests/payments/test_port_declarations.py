"""What adapters declare is all the site needs to know of a method: its capabilities, its
callback route, its acknowledgements, its label and templates come from settings and the
adapter, never from a list of method names."""

import typing

import pytest
from django.conf import settings
from django.template.loader import select_template
from django.test import override_settings
from django.urls import reverse

from payments import gateways_registry as registry
from payments.gateways._wire import ascii_text, compact_alnum
from payments.ports import Acknowledgement, AckOutcome, CallbackRoute, Capabilities
from shop.settings.simulators import simulated_gateways
from shop.text import fold

OUTCOMES = typing.get_args(AckOutcome)


@pytest.mark.parametrize("method", sorted(simulated_gateways("http://testserver")))
def test_each_adapter_declares_its_capabilities_and_callback(method):
    adapter = registry.adapter_for(method)
    assert isinstance(adapter.capabilities, Capabilities)
    assert isinstance(adapter.callback, CallbackRoute)
    assert reverse(f"payments:{adapter.callback.name}") == f"/payments/{adapter.callback.path}"


@pytest.mark.parametrize("method", sorted(simulated_gateways("http://testserver")))
def test_each_adapter_answers_every_outcome_in_its_own_words(method):
    gateway = registry.gateway_for(method)
    answers = {outcome: gateway.acknowledge(outcome, count=1) for outcome in OUTCOMES}
    assert all(isinstance(answer, Acknowledgement) for answer in answers.values())
    assert answers["applied"].status < 300
    assert answers["invalid_signature"] != answers["applied"]


def test_a_method_known_only_to_the_settings_is_served_like_the_others():
    entry = {**settings.PAYMENT_GATEWAYS["vietqr"], "LABEL": "Second bank"}
    with override_settings(PAYMENT_METHODS=["bank2", "cod"], PAYMENT_GATEWAYS={"bank2": entry}):
        assert registry.enabled_methods() == ["bank2", "cod"]
        assert registry.online_methods() == ["bank2"]
        assert registry.label("bank2") == "Second bank"
        assert registry.methods_with("reports_credits") == ["bank2"]
        assert registry.methods_with("can_query") == []
        assert registry.capabilities("cod") == Capabilities()
        assert registry.capabilities("bank2").retry_while_pending is False


def test_method_templates_fall_back_to_saying_nothing():
    assert select_template(registry.method_templates("vietqr", "choice")).template.name == (
        "payments/methods/vietqr/choice.html"
    )
    fallback = select_template(registry.method_templates("no-such-method", "open"))
    assert fallback.template.name == "payments/methods/open.html"


@pytest.mark.parametrize(
    ("text", "ascii", "folded"),
    [
        ("Đặc sản Hà Giang", "Dac san Ha Giang", "dac san ha giang"),
        ("Mật ong  bạc hà", "Mat ong  bac ha", "mat ong bac ha"),
        ("Chè Thái Nguyên ơ ư", "Che Thai Nguyen o u", "che thai nguyen o u"),
    ],
)
def test_one_vietnamese_folding_for_search_and_gateways(text, ascii, folded):
    assert ascii_text(text) == ascii
    assert fold(text) == folded
    assert compact_alnum(text) == "".join(ch for ch in ascii if ch.isalnum()).upper()
