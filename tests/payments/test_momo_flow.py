"""The MoMo wallet end to end at the HTTP seam: checkout -> create at the simulated MoMo (over
HTTP, on the live server) -> the buyer confirms or declines -> signed IPN -> paid; the return
page, reconciliation and refunds; and the simulator's absence in production."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import override_settings

from payments import services
from payments.models import AttemptStatus, GatewayCall, PaymentAttempt, Refund
from payments.selectors import order_token
from payments.simulators.momo import MoMoSimulatorCore, simulator_core
from shop.order import statuses
from shop.settings.simulators import simulated_gateways
from tests import factories
from tests.payments import flow
from tests.payments.test_robustness import production_env
from tests.shop.test_settings import PRODUCTION_ENV, manage

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def wallet(live_server):
    """MoMo, simulated on the live server: create, query and refund travel over HTTP."""
    with override_settings(PAYMENT_GATEWAYS=simulated_gateways(live_server.url)):
        yield simulator_core()


def place(client, wallet: MoMoSimulatorCore, quantity: int = 1):
    response = flow.checkout(client, products=[(flow.honey(), quantity)], method="momo")
    assert response.status_code == 302, response.content.decode()[-2000:]
    order = flow.latest_order()
    attempt = PaymentAttempt.objects.get(order=order)
    payment = wallet.payments[attempt.reference]
    assert response["Location"].endswith(
        f"/payments/simulator/momo/v2/gateway/pay?t={payment.token}"
    )
    return order, attempt, payment


def ipn(client, payment, result):
    """MoMo's server-to-server notification, posted as MoMo posts it."""
    return client.post(
        urlsplit(payment.ipn_url).path, data=json.dumps(result), content_type="application/json"
    )


def back(client, wallet, result):
    """The buyer's browser sent back by MoMo with the signed result."""
    url = urlsplit(wallet.redirect_url(result))
    return client.get(f"{url.path}?{url.query}")


def test_create_asks_momo_for_the_order_s_total(client, wallet):
    order, attempt, payment = place(client, wallet, quantity=2)
    assert payment.amount == int(order.total_incl_tax) == int(attempt.amount)
    assert payment.request_id == attempt.reference and payment.status == "pending"
    assert order.number in payment.order_info
    assert order.status == statuses.PENDING_PAYMENT
    assert attempt.calls.filter(operation="start", outcome="ok").exists()


def test_signed_ipn_marks_the_order_paid_once(client, wallet, django_capture_on_commit_callbacks):
    order, attempt, payment = place(client, wallet)
    mail.outbox.clear()
    result = wallet.pay(attempt.reference)
    with django_capture_on_commit_callbacks(execute=True):
        response = ipn(client, payment, result)
    assert response.status_code == 204 and response.content == b""
    order.refresh_from_db()
    assert order.status == statuses.PAID
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.PAID
    assert attempt.gateway_txn_id == str(result["transId"])
    assert order.sources.get().amount_debited == order.total_incl_tax
    assert [m.subject for m in mail.outbox] == [f"Đã nhận thanh toán cho đơn hàng {order.number}"]
    # MoMo sends the same IPN again: acknowledged, nothing changes, no second e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        assert ipn(client, payment, result).status_code == 204
    assert order.sources.count() == 1 and len(mail.outbox) == 1
    calls = GatewayCall.objects.filter(gateway="momo", operation="ipn", signature_valid=True)
    assert list(calls.order_by("pk").values_list("outcome", flat=True)) == ["applied", "duplicate"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda r: {**r, "amount": r["amount"] // 2},
        lambda r: {**r, "resultCode": 0, "orderId": "CPZZZZZZZZ"},
        lambda r: {**r, "signature": "0" * 64},
        lambda r: {k: v for k, v in r.items() if k != "signature"},
    ],
    ids=["amount", "order", "signature", "no-signature"],
)
def test_tampered_ipn_is_refused_and_logged(client, wallet, tamper):
    order, attempt, payment = place(client, wallet)
    response = ipn(client, payment, tamper(wallet.pay(attempt.reference)))
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT
    call = GatewayCall.objects.filter(gateway="momo", operation="ipn").latest("pk")
    assert call.signature_valid is False and call.outcome.startswith("refused")


def test_genuinely_signed_ipn_for_another_amount_or_order_changes_nothing(client, wallet):
    order, attempt, payment = place(client, wallet)
    paid = wallet.pay(attempt.reference)
    for changes in ({"amount": 1000, "transId": 1}, {"orderId": "CPZZZZZZZZ"}):
        forged = {**paid, **changes}
        forged["signature"] = wallet.sign_result(forged)  # only MoMo's key could do this
        ipn(client, payment, forged)
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT
    outcomes = set(GatewayCall.objects.filter(operation="ipn").values_list("outcome", flat=True))
    assert outcomes == {"amount_mismatch", "not_found"}
    assert ipn(client, payment, paid).status_code == 204
    order.refresh_from_db()
    assert order.status == statuses.PAID


def test_the_return_page_only_displays(client, wallet):
    order, attempt, payment = place(client, wallet)
    response = back(client, wallet, wallet.pay(attempt.reference))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT  # only the IPN marks it paid
    assert "Đang chờ thanh toán" in client.get(response["Location"]).content.decode()
    call = GatewayCall.objects.filter(gateway="momo", operation="return").latest("pk")
    assert call.signature_valid is True


def test_decline_then_retry_and_pay(client, wallet):
    order, first, payment = place(client, wallet)
    declined = wallet.cancel(first.reference)
    assert ipn(client, payment, declined).status_code == 204
    first.refresh_from_db()
    assert first.status == AttemptStatus.CANCELLED and first.response_code == "1006"
    order.refresh_from_db()
    assert order.status == statuses.PENDING_PAYMENT

    page_url = f"/payments/order/{order_token(order)}/"
    assert "Thanh toán lại" in client.get(page_url).content.decode()
    retry = client.post(page_url, {"method": "momo"})
    assert retry.status_code == 302
    second = order.payment_attempts.exclude(pk=first.pk).get()
    assert second.reference != first.reference
    assert retry["Location"].endswith(wallet.payments[second.reference].token)
    assert ipn(client, payment, wallet.pay(second.reference)).status_code == 204
    order.refresh_from_db()
    assert order.status == statuses.PAID
    # The first attempt's decline, replayed late, changes nothing.
    assert ipn(client, payment, declined).status_code == 204
    first.refresh_from_db()
    assert first.status == AttemptStatus.CANCELLED


def test_reconciliation_asks_momo_about_a_payment_whose_ipn_was_lost(client, wallet):
    order, attempt, _ = place(client, wallet)
    assert services.attempts_reconcile(older_than=timedelta(0)) == 0  # still in the wallet
    result = wallet.pay(attempt.reference)  # paid at MoMo, but the IPN never arrived
    assert services.attempts_reconcile(older_than=timedelta(0)) == 1
    order.refresh_from_db()
    assert order.status == statuses.PAID
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.PAID
    assert attempt.gateway_txn_id == str(result["transId"])
    assert attempt.calls.filter(operation="query", signature_valid=True).exists()


def test_refunds_partial_then_the_rest_through_momo(client, wallet):
    order, attempt, payment = place(client, wallet, quantity=2)
    ipn(client, payment, wallet.pay(attempt.reference))
    attempt.refresh_from_db()
    operator = factories.operator()
    part = services.payment_refund(
        attempt=attempt, amount=attempt.amount / 2, reason="Một hũ bị vỡ", actor=operator
    )
    assert part.status == Refund.Status.ACCEPTED and part.gateway_reference
    rest = services.payment_refund(
        attempt=attempt, amount=attempt.amount / 2, reason="Khách trả hàng", actor=operator
    )
    assert rest.status == Refund.Status.ACCEPTED
    assert payment.refunded == payment.amount == int(attempt.amount)
    attempt.refresh_from_db()
    assert attempt.refundable == 0


def test_the_wallet_pages_cannot_be_reached_with_production_settings():
    env = production_env(
        ALLOWED_HOSTS="testserver", PAYMENT_SIMULATORS="true", SECURE_SSL_REDIRECT="false"
    )
    code = (
        "from django.conf import settings; from django.test import RequestFactory; "
        "from payments.simulators import momo; import django.http\n"
        "print(settings.PAYMENT_SIMULATORS, 'momo' in settings.PAYMENT_GATEWAYS)\n"
        "for view, request in ((momo.pay, RequestFactory().get('/?t=x')),"
        " (momo.api, RequestFactory().post('/', b'{}', content_type='application/json'))):\n"
        "    try:\n"
        "        view(request, **({'operation': 'create'} if view is momo.api else {}))\n"
        "        print('reachable')\n"
        "    except django.http.Http404:\n"
        "        print('404')\n"
        "try:\n"
        "    momo.simulator_core(); print('reachable')\n"
        "except django.http.Http404:\n"
        "    print('404')\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["False", "False", "404", "404", "404"], result.stderr


def test_production_refuses_momo_without_its_keys_or_pointing_at_the_simulator():
    base = {**PRODUCTION_ENV, "MOMO_PARTNER_CODE": "CHOPHIEN"}
    keys = {"MOMO_ACCESS_KEY": "real-access-key", "MOMO_SECRET_KEY": "real-secret-key"}
    assert manage("check", env={**base, **keys}).returncode == 0
    missing = manage("check", env={**base, "MOMO_ACCESS_KEY": "real-access-key"})
    assert missing.returncode != 0 and "secret_key" in missing.stderr
    simulated = manage(
        "check",
        env={**base, **keys, "MOMO_ENDPOINT": "http://127.0.0.1:8000/payments/simulator/momo"},
    )
    assert simulated.returncode != 0 and "simulator" in simulated.stderr
