"""Callbacks under attack, reconciliation, and the simulators' absence in production."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments import services
from payments.models import AttemptStatus, PaymentAttempt
from shop.order import statuses
from shop.settings.simulators import simulated_gateways
from tests.payments import flow
from tests.shop.test_settings import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra: str) -> dict[str, str]:
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return {**inherited, **PRODUCTION_ENV, **extra}


ENDPOINTS = ["payments:vnpay-ipn", "payments:bank-webhook", "payments:stripe-webhook"]


@pytest.fixture
def pending_order(db, client):
    flow.checkout(client, products=[(flow.honey(), 1)], method="vietqr")
    return flow.latest_order()


def snapshot():
    return list(PaymentAttempt.objects.values_list("reference", "status", "refunded"))


text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=st.dictionaries(text, text, max_size=8))
def test_arbitrary_ipn_queries_never_500_nor_change_state(client, pending_order, params):
    cache.clear()  # each example is a first try: refused callbacks are rate-limited per address
    before = snapshot()
    response = client.get(reverse("payments:vnpay-ipn"), params)
    assert response.status_code == 200
    assert response.json()["RspCode"] in {"97", "99", "01", "04", "02"}
    assert snapshot() == before


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.binary(max_size=400) | st.text(max_size=400).map(str.encode),
    headers=st.dictionaries(
        st.sampled_from(["X-Signature", "X-Timestamp", "Stripe-Signature", "X-Other"]),
        st.text(alphabet="0123456789abcdef=,tv", max_size=80),
    ),
    endpoint=st.sampled_from(["payments:bank-webhook", "payments:stripe-webhook"]),
)
def test_arbitrary_webhook_bodies_never_500_nor_change_state(
    client, pending_order, body, headers, endpoint
):
    cache.clear()  # each example is a first try: refused callbacks are rate-limited per address
    before = snapshot()
    response = client.post(
        reverse(endpoint), data=body, content_type="application/json", headers=headers
    )
    assert response.status_code in (400, 401)
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", ENDPOINTS)
def test_callbacks_refuse_the_wrong_http_method(client, name):
    method = client.post if name == "payments:vnpay-ipn" else client.get
    assert method(reverse(name)).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_reconciliation_asks_vnpay_querydr_and_applies_the_answer(live_server, client):
    from payments.simulators.vnpay import VNPaySimulatorCore  # noqa: F401
    from payments.simulators.vnpay_pages import core as _vnpay_core

    with override_settings(PAYMENT_GATEWAYS=simulated_gateways(live_server.url)):
        response = flow.checkout(client, products=[(flow.honey(), 1)], method="vnpay")
        order = flow.latest_order()
        core = _vnpay_core()
        txn = core.accept_pay_url(response["Location"])
        core.pay(txn.txn_ref)  # paid at VNPay, but the IPN never arrived
        assert services.attempts_reconcile(older_than=timedelta(0)) == 1
    order.refresh_from_db()
    assert order.status == statuses.PAID
    attempt = PaymentAttempt.objects.get(order=order)
    assert attempt.status == AttemptStatus.PAID and attempt.gateway_txn_id
    assert attempt.calls.filter(operation="query", signature_valid=True).exists()


@pytest.mark.django_db(transaction=True)
def test_reconciliation_survives_a_gateway_outage(client):
    flow.checkout(client, products=[(flow.honey(), 1)], method="vnpay")
    down = simulated_gateways("http://127.0.0.1:9")  # nothing listens there
    with override_settings(PAYMENT_GATEWAYS=down):
        assert services.attempts_reconcile(older_than=timedelta(0)) == 0
    assert flow.latest_order().status == statuses.PENDING_PAYMENT


def test_simulators_cannot_be_reached_with_production_settings():
    env = production_env(
        ALLOWED_HOSTS="testserver", PAYMENT_SIMULATORS="true", SECURE_SSL_REDIRECT="false"
    )
    code = (
        "from django.conf import settings; from django.test import RequestFactory; "
        "from payments.simulators import bank_pages, vnpay_pages; "
        "print(settings.PAYMENT_SIMULATORS, sorted(settings.PAYMENT_GATEWAYS)); "
        "request = RequestFactory().get('/payments/simulator/bank/'); "
        "import django.http\n"
        "for view in (vnpay_pages.vnpay_pay, vnpay_pages.vnpay_api, bank_pages.bank_transfer):\n"
        "    try:\n"
        "        view(request); print('reachable')\n"
        "    except django.http.Http404:\n"
        "        print('404')\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["False", "[]", "404", "404", "404"], result.stderr


def test_production_refuses_gateways_pointing_at_a_simulator():
    env = production_env(
        VNPAY_TMN_CODE="CHOPHIEN",
        VNPAY_HASH_SECRET="real-secret",
        VNPAY_PAY_URL="http://127.0.0.1:8000/payments/simulator/vnpay/pay",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "simulator" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_reference_drawn_twice_is_drawn_again_and_the_order_stays_payable(client, monkeypatch):
    """Outside any transaction, as checkout calls it: the try whose reference is taken rolls
    back whole, the next one writes the attempt."""
    from payments.services import attempts

    flow.checkout(client, products=[(flow.honey(), 1)], method="vietqr")
    order = flow.latest_order()
    taken = PaymentAttempt.objects.get(order=order).reference
    draws = iter([taken, taken, "CPNEW234"])
    monkeypatch.setattr(attempts, "reference_new", lambda: next(draws))
    attempt = services.attempt_create(order=order, method="vnpay")
    assert attempt.reference == "CPNEW234"
    references = PaymentAttempt.objects.filter(order=order).values_list("reference", flat=True)
    assert sorted(references) == sorted([taken, "CPNEW234"])
    monkeypatch.setattr(attempts, "reference_new", lambda: taken)
    with pytest.raises(services.PaymentNotAllowed):
        services.attempt_create(order=order, method="vnpay")
    assert PaymentAttempt.objects.filter(order=order).count() == 2


@pytest.mark.django_db
def test_a_reference_drawn_twice_inside_the_orders_transaction_leaves_it_usable(
    client, monkeypatch
):
    """The checkout writes an order's first attempt in the order's transaction: a taken
    reference writes nothing there and breaks nothing, and the next draw is written."""
    from django.db import transaction
    from oscar.core.loading import get_model

    from payments.services import attempts

    flow.checkout(client, products=[(flow.honey(), 1)], method="vietqr")
    order = flow.latest_order()
    taken = PaymentAttempt.objects.get(order=order).reference
    draws = iter([taken, "CPNEW567"])
    monkeypatch.setattr(attempts, "reference_new", lambda: next(draws))
    with transaction.atomic():
        locked = get_model("order", "Order").objects.select_for_update().get(pk=order.pk)
        attempt = services.attempt_write(order=locked, method="vnpay")
        assert PaymentAttempt.objects.filter(order=order).count() == 2
    assert PaymentAttempt.objects.get(pk=attempt.pk).reference == "CPNEW567"
