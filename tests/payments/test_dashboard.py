"""The operators' payments pages in Oscar's dashboard: who may see them, what they show, and the
actions they take (refunds, transfers confirmed or dismissed by hand, cash collected)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from payments import services
from payments.models import (
    AttemptStatus,
    BankCredit,
    GatewayCall,
    Method,
    PaymentAction,
    PaymentAttempt,
    Refund,
)
from payments.ports import GatewayEvent
from payments.simulators.vnpay_pages import core as vnpay_core
from shop.order import statuses
from shop.settings.simulators import simulated_gateways
from tests import factories
from tests.payments import flow

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db

OPERATOR_PAGES = [
    ("payments-dashboard:attempt-list", {}),
    ("payments-dashboard:transfer-list", {}),
    ("payments-dashboard:call-list", {}),
]


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_user(
        "operator", "operator@example.com", "pw", is_staff=True
    )


@pytest.fixture
def operator_client(operator):
    client = Client()
    client.force_login(operator)
    return client


def producer_user(django_user_model, name: str, partner=None):
    user = django_user_model.objects.create_user(name, f"{name}@example.com", "pw")
    user.user_permissions.add(Permission.objects.get(codename="dashboard_access"))
    if partner is not None:
        partner.users.add(user)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


_numbers = iter(range(500000, 600000))


def order(total="700000", status=statuses.PENDING_PAYMENT):
    amount = Decimal(total)
    return Order.objects.create(
        number=str(next(_numbers)),
        currency="VND",
        total_incl_tax=amount,
        total_excl_tax=amount,
        shipping_incl_tax=0,
        shipping_excl_tax=0,
        status=status,
        guest_email="mai@example.com",
    )


def attempt(method=Method.VNPAY, total="700000"):
    return services.attempt_create(order=order(total), method=method)


def pay(attempt, txn="14000001"):
    event = GatewayEvent(
        reference=attempt.reference,
        status="paid",
        amount=attempt.amount,
        currency=attempt.currency,
        gateway_txn_id=txn,
        response_code="00",
        occurred_at=timezone.now(),
    )
    applied = services.payment_event_apply(event=event, method=attempt.method)
    assert applied.outcome == services.Outcome.APPLIED
    attempt.refresh_from_db()
    return attempt


def credit(*, amount, status=BankCredit.Status.UNMATCHED, attempt=None, ref="FT2611220001"):
    return BankCredit.objects.create(
        bank_reference=ref,
        amount=Decimal(amount),
        description=f"chuyen tien {attempt.reference if attempt else 'tien hang'}",
        account_number="1023456789",
        occurred_at=timezone.now(),
        attempt=attempt,
        status=status,
    )


def text(response) -> str:
    return response.content.decode()


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', text(response)).group(1)


# --------------------------------------------------------------------------- who may see


@pytest.mark.parametrize("name,kwargs", OPERATOR_PAGES)
def test_anonymous_visitors_are_sent_to_the_dashboard_login(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard:login"))


def test_every_operator_page_refuses_producers(django_user_model):
    maker = factories.producer()
    producer = client_for(producer_user(django_user_model, "producer", maker))
    paid = pay(attempt())
    queued = credit(amount="1000")
    call = services.call_log(gateway="vnpay", direction="in", operation="ipn", attempt=paid)
    urls = [reverse(name, kwargs=kwargs) for name, kwargs in OPERATOR_PAGES] + [
        reverse("payments-dashboard:attempt-detail", kwargs={"pk": paid.pk}),
        reverse("payments-dashboard:attempt-refund", kwargs={"pk": paid.pk}),
        reverse("payments-dashboard:transfer-detail", kwargs={"pk": queued.pk}),
        reverse("payments-dashboard:call-detail", kwargs={"pk": call.pk}),
    ]
    for url in urls:
        assert producer.get(url).status_code == 403, url
    posts = [
        (reverse("payments-dashboard:attempt-refund", kwargs={"pk": paid.pk}), {"amount": "1"}),
        (reverse("payments-dashboard:transfer-dismiss", kwargs={"pk": queued.pk}), {"reason": "x"}),
        (
            reverse("payments-dashboard:transfer-confirm", kwargs={"pk": queued.pk}),
            {"attempt": paid.reference, "reason": "x"},
        ),
    ]
    for url, data in posts:
        assert producer.post(url, data).status_code == 403, url
    queued.refresh_from_db()
    assert queued.needs_operator and not Refund.objects.exists()


def test_the_payments_menu_shows_for_operators_only(operator_client, django_user_model):
    menu = reverse("payments-dashboard:attempt-list")
    assert menu in text(operator_client.get(reverse("dashboard:index")))
    producer = client_for(producer_user(django_user_model, "producer", factories.producer()))
    page = producer.get(reverse("dashboard:index"), follow=True)  # to the producer's own home
    assert page.status_code == 200 and menu not in text(page)
    assert reverse("producer-dashboard:product-list") in text(page)


# --------------------------------------------------------------------------- attempts


def test_attempt_list_filters_and_searches(operator_client):
    vnpay_paid = pay(attempt(Method.VNPAY))
    vietqr_open = attempt(Method.VIETQR)
    flagged = pay(attempt(Method.VNPAY), txn="14000002")
    PaymentAttempt.objects.filter(pk=flagged.pk).update(needs_review="paid twice")
    url = reverse("payments-dashboard:attempt-list")

    def listed(**params):
        page = text(operator_client.get(url, params))
        return {a.reference for a in (vnpay_paid, vietqr_open, flagged) if a.reference in page}

    assert listed() == {vnpay_paid.reference, vietqr_open.reference, flagged.reference}
    assert listed(status="pending") == {vietqr_open.reference}
    assert listed(method="vnpay") == {vnpay_paid.reference, flagged.reference}
    assert listed(needs_review="yes") == {flagged.reference}
    assert listed(needs_review="no", status="paid") == {vnpay_paid.reference}
    assert listed(q=vietqr_open.reference.lower()) == {vietqr_open.reference}
    assert listed(q=f" {vnpay_paid.order.number} ") == {vnpay_paid.reference}
    assert listed(q="CPNOSUCH") == set()
    assert operator_client.get(url, {"status": "bogus"}).status_code == 200


def test_attempt_list_of_fifty_is_paginated_in_a_few_queries(
    operator_client, django_assert_max_num_queries
):
    for _ in range(50):
        attempt(Method.VIETQR)
    url = reverse("payments-dashboard:attempt-list")
    operator_client.get(url)  # warm the session and the menu
    with django_assert_max_num_queries(8):
        first = operator_client.get(url)
    with django_assert_max_num_queries(8):
        second = operator_client.get(url, {"page": 2, "method": "vietqr"})
    references = set(PaymentAttempt.objects.values_list("reference", flat=True))
    on_first = {r for r in references if r in text(first)}
    on_second = {r for r in references if r in text(second)}
    assert len(on_first) == len(on_second) == 25 and not on_first & on_second


def test_attempt_detail_shows_every_call_and_its_verification_but_no_secret(operator_client):
    paid = pay(attempt(Method.VNPAY))
    services.call_log(
        gateway="vnpay",
        direction=GatewayCall.Direction.IN,
        operation="ipn",
        attempt=paid,
        request={"vnp_TxnRef": paid.reference, "vnp_ResponseCode": "00"},
        response={"RspCode": "00", "Message": "Confirm Success"},
        signature_valid=True,
        outcome="applied",
        remote_addr="203.0.113.7",
    )
    services.call_log(  # a forged callback naming this payment: logged without the attempt
        gateway="vnpay",
        direction=GatewayCall.Direction.IN,
        operation="ipn",
        reference=paid.reference,
        request={"vnp_TxnRef": paid.reference, "api_key": "leaked-by-a-psp"},
        response={"RspCode": "97", "Message": "Invalid signature"},
        signature_valid=False,
        outcome="refused: bad signature",
    )
    page = text(
        operator_client.get(reverse("payments-dashboard:attempt-detail", kwargs={"pk": paid.pk}))
    )
    assert reverse("dashboard:order-detail", kwargs={"number": paid.order.number}) in page
    assert "Confirm Success" in page and "Invalid signature" in page
    assert "refused: bad signature" in page and "203.0.113.7" in page
    assert page.count("<details>") == 2
    assert "leaked-by-a-psp" not in page
    for gateway in settings.PAYMENT_GATEWAYS.values():
        for name, value in gateway["OPTIONS"].items():
            if "secret" in name or "key" in name:
                assert value not in page
    assert settings.SECRET_KEY not in page


def test_gateway_calls_filter_by_gateway_operation_and_signature(operator_client):
    calls = {
        "good": services.call_log(
            gateway="vnpay",
            direction="in",
            operation="ipn",
            reference="CPGOOD",
            signature_valid=True,
        ),
        "forged": services.call_log(
            gateway="vnpay",
            direction="in",
            operation="ipn",
            reference="CPFORGED",
            signature_valid=False,
        ),
        "statement": services.call_log(
            gateway="vietqr",
            direction="in",
            operation="statement",
            reference="CPBANK",
            signature_valid=True,
        ),
        "start": services.call_log(
            gateway="vietqr", direction="out", operation="start", reference="CPSTART"
        ),
    }
    url = reverse("payments-dashboard:call-list")

    def listed(**params):
        page = text(operator_client.get(url, params))
        return {name for name, call in calls.items() if call.reference in page}

    assert listed() == set(calls)
    assert listed(gateway="vietqr") == {"statement", "start"}
    assert listed(operation="ipn") == {"good", "forged"}
    assert listed(signature="invalid") == {"forged"}
    assert listed(signature="valid", gateway="vnpay") == {"good"}
    assert listed(signature="unchecked") == {"start"}
    detail = operator_client.get(
        reverse("payments-dashboard:call-detail", kwargs={"pk": calls["forged"].pk})
    )
    assert detail.status_code == 200 and "CPFORGED" in text(detail)


# --------------------------------------------------------------------------- refunds


def test_refund_over_the_refundable_amount_is_refused(operator_client):
    paid = pay(attempt(Method.VIETQR, total="500000"))
    url = reverse("payments-dashboard:attempt-refund", kwargs={"pk": paid.pk})
    form = operator_client.get(url)
    assert form.status_code == 200 and 'value="500000"' in text(form)
    response = operator_client.post(
        url, {"amount": "500001", "reason": "khách trả hàng", "token": token_of(form)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    missing_reason = operator_client.post(url, {"amount": "1000", "token": token_of(form)})
    assert missing_reason.context["form"].errors["reason"]
    paid.refresh_from_db()
    assert paid.refunded == 0 and not Refund.objects.exists()


def test_refund_without_a_gateway_is_recorded_once_per_form(operator_client, operator):
    paid = pay(attempt(Method.VIETQR, total="500000"))
    url = reverse("payments-dashboard:attempt-refund", kwargs={"pk": paid.pk})
    token = token_of(operator_client.get(url))
    data = {"amount": "200000", "reason": "thiếu một hũ mật ong", "token": token}
    response = operator_client.post(url, data)
    assert response.status_code == 302
    again = operator_client.post(url, data)  # a double click
    assert again.status_code == 200 and "đã được gửi" in text(again)
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.RECORDED and refund.created_by == operator
    paid.refresh_from_db()
    assert paid.refunded == Decimal("200000")


def test_refund_when_the_gateway_is_down_stays_pending_and_reserved(operator_client):
    paid = pay(attempt(Method.VNPAY))
    gateways = simulated_gateways("http://127.0.0.1:9")  # nothing listens on the discard port
    url = reverse("payments-dashboard:attempt-refund", kwargs={"pk": paid.pk})
    with override_settings(PAYMENT_GATEWAYS=gateways):
        form = operator_client.get(url)
        token = token_of(form)
        response = operator_client.post(
            url, {"amount": "700000", "reason": "hết hàng", "token": token}
        )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert token_of(response) != token
    # The gateway may have acted before the connection failed: the money stays reserved and
    # the refund pending, so nobody can refund it again before an operator has checked.
    paid.refresh_from_db()
    assert paid.refunded == 700000
    assert Refund.objects.get(attempt=paid).status == Refund.Status.PENDING
    assert GatewayCall.objects.filter(operation="refund", outcome__startswith="unknown").exists()


def test_review_flag_is_closed_with_a_reason(operator_client, operator):
    flagged = pay(attempt(Method.VNPAY))
    PaymentAttempt.objects.filter(pk=flagged.pk).update(needs_review="paid twice")
    url = reverse("payments-dashboard:attempt-review-close", kwargs={"pk": flagged.pk})
    operator_client.post(url, {"reason": " "})
    flagged.refresh_from_db()
    assert flagged.needs_review == "paid twice"
    assert operator_client.post(url, {"reason": "đã hoàn tiền lần hai"}).status_code == 302
    flagged.refresh_from_db()
    assert flagged.needs_review == ""
    action = PaymentAction.objects.get(attempt=flagged)
    assert action.actor == operator and "paid twice" in action.reason
    operator_client.post(url, {"reason": "again"})
    assert PaymentAction.objects.filter(attempt=flagged).count() == 1


# --------------------------------------------------------------------------- transfers


def test_transfer_queue_lists_what_needs_an_operator(operator_client):
    waiting = credit(amount="1000", ref="FTWAITING")
    credit(amount="2000", ref="FTDONE", status=BankCredit.Status.MATCHED)
    page = text(operator_client.get(reverse("payments-dashboard:transfer-list")))
    assert waiting.bank_reference in page and "FTDONE" not in page
    matched = operator_client.get(
        reverse("payments-dashboard:transfer-list"), {"status": "matched"}
    )
    assert "FTDONE" in text(matched) and "FTWAITING" not in text(matched)


def test_confirm_a_transfer_needs_a_reason(operator_client, operator):
    open_attempt = attempt(Method.VIETQR)
    short = credit(amount=open_attempt.amount - 1000, status="underpaid", attempt=open_attempt)
    detail = operator_client.get(
        reverse("payments-dashboard:transfer-detail", kwargs={"pk": short.pk})
    )
    assert f'value="{open_attempt.reference}"' in text(detail)
    url = reverse("payments-dashboard:transfer-confirm", kwargs={"pk": short.pk})
    refused = operator_client.post(url, {"attempt": open_attempt.reference, "reason": ""})
    assert refused.status_code == 400
    assert operator_client.post(url, {"attempt": "CPNOSUCH", "reason": "x"}).status_code == 400
    short.refresh_from_db()
    assert short.needs_operator

    done = operator_client.post(
        url, {"attempt": open_attempt.reference.lower(), "reason": "khách gọi, thiếu phí"}
    )
    assert done.status_code == 302
    short.refresh_from_db()
    open_attempt.refresh_from_db()
    assert short.status == BankCredit.Status.CONFIRMED and short.resolved_by == operator
    assert open_attempt.status == AttemptStatus.PAID
    assert open_attempt.order.status == statuses.PAID
    assert open_attempt.actions.get().reason == "khách gọi, thiếu phí"
    # Posted again: already resolved, nothing moves.
    again = operator_client.post(
        url, {"attempt": open_attempt.reference, "reason": "x"}, follow=True
    )
    assert again.status_code == 200 and "đã được xử lý" in text(again)
    assert PaymentAction.objects.count() == 1


def test_confirm_only_against_an_open_vietqr_payment(operator_client):
    vnpay_open = attempt(Method.VNPAY)
    queued = credit(amount=vnpay_open.amount)
    url = reverse("payments-dashboard:transfer-confirm", kwargs={"pk": queued.pk})
    response = operator_client.post(url, {"attempt": vnpay_open.reference, "reason": "x"})
    assert response.status_code == 400
    vnpay_open.refresh_from_db()
    assert vnpay_open.status == AttemptStatus.PENDING


def test_dismiss_a_transfer_needs_a_reason(operator_client, operator):
    stray = credit(amount="50000")
    url = reverse("payments-dashboard:transfer-dismiss", kwargs={"pk": stray.pk})
    assert operator_client.post(url, {"reason": "  "}).status_code == 400
    stray.refresh_from_db()
    assert stray.needs_operator
    assert operator_client.post(url, {"reason": "chuyển nhầm, đã trả lại"}).status_code == 302
    stray.refresh_from_db()
    assert stray.status == BankCredit.Status.DISMISSED and stray.resolved_by == operator
    assert stray.resolution == "chuyển nhầm, đã trả lại"
    again = operator_client.post(url, {"reason": "again"}, follow=True)
    stray.refresh_from_db()
    assert again.status_code == 200 and "đã được xử lý" in text(again)
    assert stray.resolution == "chuyển nhầm, đã trả lại"


def test_actions_are_csrf_protected(operator):
    stray = credit(amount="50000")
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    url = reverse("payments-dashboard:transfer-dismiss", kwargs={"pk": stray.pk})
    assert client.post(url, {"reason": "no token"}).status_code == 403
    stray.refresh_from_db()
    assert stray.needs_operator


# --------------------------------------------------------------------------- cash on delivery


@pytest.fixture
def cod_order(client):
    maker = factories.producer("HTX Chè Shan tuyết", code="che-shan")
    product = flow.honey(price="300000", maker=maker)
    response = flow.checkout(client, products=[(product, 1)], method="cod")
    assert response.status_code == 302
    placed = flow.latest_order()
    assert placed.status == statuses.CASH_ON_DELIVERY
    return placed, maker


def test_operator_records_cash_collected_once(operator_client, operator, cod_order):
    placed, _ = cod_order
    url = reverse("payments-dashboard:cash-collected", kwargs={"number": placed.number})
    assert operator_client.post(url, {"reason": ""}).status_code == 302
    placed.refresh_from_db()
    assert placed.status == statuses.PAID
    action = PaymentAction.objects.get(action="cash_collected")
    assert action.actor == operator
    operator_client.post(url, {"reason": "lần nữa"})
    assert PaymentAction.objects.filter(action="cash_collected").count() == 1


def test_the_producer_of_a_line_records_cash_collected(django_user_model, cod_order):
    placed, maker = cod_order
    producer = producer_user(django_user_model, "producer", maker)
    url = reverse("payments-dashboard:cash-collected", kwargs={"number": placed.number})
    producer_client = client_for(producer)
    page = producer_client.get(url)
    assert page.status_code == 200 and placed.number in text(page)
    response = producer_client.post(url, {"reason": "shipper nộp tiền"})
    assert response.status_code == 302
    placed.refresh_from_db()
    assert placed.status == statuses.PAID
    assert PaymentAction.objects.get().actor == producer


def test_another_producer_cannot_record_the_cash(django_user_model, cod_order, client):
    placed, _ = cod_order
    other = client_for(producer_user(django_user_model, "other", factories.producer("HTX khác")))
    url = reverse("payments-dashboard:cash-collected", kwargs={"number": placed.number})
    assert other.get(url).status_code == 403
    assert other.post(url, {"reason": ""}).status_code == 403
    anonymous = Client().post(url, {"reason": ""})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("dashboard:login"))
    placed.refresh_from_db()
    assert placed.status == statuses.CASH_ON_DELIVERY and not PaymentAction.objects.exists()


def test_cash_collected_is_only_for_cash_orders(operator_client):
    online = attempt(Method.VNPAY)
    url = reverse("payments-dashboard:cash-collected", kwargs={"number": online.order.number})
    assert operator_client.post(url, {"reason": ""}).status_code == 404


# --------------------------------------------------------------------------- VNPay refunds


def vnpay_paid_order(client, live_server):
    """A buyer pays by VNPay through the simulator, which is served by `live_server`."""
    response = flow.checkout(client, products=[(flow.honey(), 2)], method="vnpay")
    assert response.status_code == 302
    core = vnpay_core()
    transaction = core.accept_pay_url(response["Location"])
    answer = client.get(reverse("payments:vnpay-ipn"), core.pay(transaction.txn_ref)).json()
    assert answer["RspCode"] == "00"
    paid = PaymentAttempt.objects.get(reference=transaction.txn_ref)
    assert paid.status == AttemptStatus.PAID
    return paid


@pytest.mark.django_db(transaction=True)
def test_full_refund_through_vnpay(live_server, client, django_user_model):
    operator = django_user_model.objects.create_user("op", "op@example.com", "pw", is_staff=True)
    with override_settings(PAYMENT_GATEWAYS=simulated_gateways(live_server.url)):
        paid = vnpay_paid_order(client, live_server)
        staff = client_for(operator)
        url = reverse("payments-dashboard:attempt-refund", kwargs={"pk": paid.pk})
        token = token_of(staff.get(url))
        response = staff.post(
            url, {"amount": str(paid.amount), "reason": "hết hàng", "token": token}
        )
    assert response.status_code == 302, text(response)
    paid.refresh_from_db()
    assert paid.refunded == paid.amount and paid.refundable == 0
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.ACCEPTED and refund.gateway_reference
    call = GatewayCall.objects.filter(operation="refund").get()
    assert call.outcome == "accepted" and call.direction == "out"


@pytest.mark.django_db(transaction=True)
def test_partial_refunds_through_vnpay(live_server, client, django_user_model):
    operator = django_user_model.objects.create_user("op", "op@example.com", "pw", is_staff=True)
    with override_settings(PAYMENT_GATEWAYS=simulated_gateways(live_server.url)):
        paid = vnpay_paid_order(client, live_server)
        staff = client_for(operator)
        url = reverse("payments-dashboard:attempt-refund", kwargs={"pk": paid.pk})
        first = staff.post(
            url, {"amount": "100000", "reason": "vỡ một hũ", "token": token_of(staff.get(url))}
        )
        assert first.status_code == 302
        rest = paid.amount - 100000
        page = staff.get(url)
        assert f'value="{rest}"' in text(page)
        too_much = staff.post(
            url, {"amount": str(rest + 1), "reason": "thừa", "token": token_of(page)}
        )
        assert too_much.status_code == 200 and too_much.context["form"].errors["amount"]
        second = staff.post(
            url, {"amount": str(rest), "reason": "trả nốt", "token": token_of(too_much)}
        )
        assert second.status_code == 302
        # Nothing left: the page says so instead of offering a form.
        assert staff.get(url).status_code == 302
    paid.refresh_from_db()
    assert paid.refunded == paid.amount
    assert sorted(Refund.objects.values_list("amount", flat=True)) == [100000, rest]
    assert set(Refund.objects.values_list("status", flat=True)) == {Refund.Status.ACCEPTED}


@pytest.mark.django_db(transaction=True)
def test_a_refund_vnpay_rejects_is_a_form_error(live_server, django_user_model):
    operator = django_user_model.objects.create_user("op", "op@example.com", "pw", is_staff=True)
    unknown = pay(attempt(Method.VNPAY))  # paid here, never seen by the simulated VNPay
    with override_settings(PAYMENT_GATEWAYS=simulated_gateways(live_server.url)):
        staff = client_for(operator)
        url = reverse("payments-dashboard:attempt-refund", kwargs={"pk": unknown.pk})
        response = staff.post(
            url, {"amount": "700000", "reason": "thử", "token": token_of(staff.get(url))}
        )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    unknown.refresh_from_db()
    assert unknown.refunded == 0  # the reservation is released...
    assert Refund.objects.get().status == Refund.Status.REJECTED  # ...and the refusal recorded


def test_expired_attempt_is_not_offered_for_refund(operator_client):
    lapsed = attempt(Method.VNPAY)
    PaymentAttempt.objects.filter(pk=lapsed.pk).update(
        status=AttemptStatus.EXPIRED, expires_at=timezone.now() - timedelta(hours=1)
    )
    url = reverse("payments-dashboard:attempt-refund", kwargs={"pk": lapsed.pk})
    assert operator_client.get(url).status_code == 302


# --------------------------------------------------------------------------- selectors, services


def test_review_close_needs_a_reason_and_a_flag(operator):
    paid = pay(attempt(Method.VNPAY))
    with pytest.raises(services.PaymentNotAllowed):
        services.attempt_review_close(attempt=paid, actor=operator, reason="ok")
    PaymentAttempt.objects.filter(pk=paid.pk).update(needs_review="paid after expiry")
    with pytest.raises(services.PaymentNotAllowed):
        services.attempt_review_close(attempt=paid, actor=operator, reason=" ")
    closed = services.attempt_review_close(attempt=paid, actor=operator, reason="kept")
    assert closed.needs_review == "" and closed.actions.get().action == "review_closed"


def test_a_refund_token_is_used_once(operator):
    paid = pay(attempt(Method.VIETQR))
    kwargs = {"attempt": paid, "amount": Decimal(1000), "reason": "r", "actor": operator}
    services.payment_refund_once(**kwargs, request_token="t1")
    with pytest.raises(services.RefundAlreadySubmitted):
        services.payment_refund_once(**kwargs, request_token="t1")
    with pytest.raises(services.RefundAlreadySubmitted):
        services.payment_refund_once(**kwargs, request_token="")
    services.payment_refund_once(**kwargs, request_token="t2")
    paid.refresh_from_db()
    assert paid.refunded == 2000


def test_cash_collection_is_allowed_to_operators_and_the_order_s_producers(
    django_user_model, operator, cod_order
):
    from django.contrib.auth.models import AnonymousUser

    from payments import selectors

    placed, maker = cod_order
    own = producer_user(django_user_model, "own", maker)
    without_access = django_user_model.objects.create_user("noaccess", "n@example.com", "pw")
    maker.users.add(without_access)
    other = producer_user(django_user_model, "other", factories.producer("HTX khác"))
    allowed = {
        user: selectors.cash_collection_allowed(order=placed, user=user)
        for user in (operator, own, without_access, other, AnonymousUser())
    }
    assert [allowed[u] for u in allowed] == [True, True, False, False, False]


def test_transfer_suggestions_put_the_named_payment_first():
    from payments import selectors

    named = attempt(Method.VIETQR, total="500000")
    same_amount = attempt(Method.VIETQR, total="480000")
    attempt(Method.VIETQR, total="123000")
    attempt(Method.VNPAY, total="480000")
    short = credit(amount="480000", status="underpaid", attempt=named)
    assert selectors.transfer_suggestions(credit=short) == [named, same_amount]


def test_a_producer_cannot_record_cash_for_an_order_shared_with_another_producer(
    client, django_user_model
):
    from payments import selectors

    honey_maker = factories.producer("HTX Mật ong", code="mat-ong-chung")
    tea_maker = factories.producer("HTX Chè", code="che-chung")
    honey = flow.honey(price="300000", maker=honey_maker)
    tea = factories.product("Chè Shan Tuyết 200g", price="200000", maker=tea_maker)
    response = flow.checkout(client, products=[(honey, 1), (tea, 1)], method="cod")
    assert response.status_code == 302
    placed = flow.latest_order()
    honey_user = producer_user(django_user_model, "honey", honey_maker)
    assert not selectors.cash_collection_allowed(order=placed, user=honey_user)
    page = client_for(honey_user).get(
        reverse("payments-dashboard:cash-collected", kwargs={"number": placed.number})
    )
    assert page.status_code in (403, 404)
    assert "500.000" not in page.content.decode()  # the shared order's total
