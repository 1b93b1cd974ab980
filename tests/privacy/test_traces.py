"""Erasure reaches the logs: Zalo messages, e-mails, payment gateway calls, carriers'
callbacks and words, and the sign-in records under the account's name. Amounts, references,
statuses and signature outcomes stay."""

import json

import pytest
from axes.models import AccessAttempt
from django.test import Client
from oscar.core.loading import get_model

from payments.models import GatewayCall, PaymentAttempt
from payments.services import call_log
from shop.fulfilment.models import CarrierCallback, CarrierEvent, Shipment
from shop.fulfilment.tracking import callback_log
from shop.privacy import services, traces
from shop.privacy.models import PrivacyRequest
from shop.recipients import order_recipient, user_recipient
from shop.zns.models import ZnsMessage
from shop.zns.services import zns_notify
from tests.payments import flow
from tests.privacy.conftest import PASSWORD, deliver

pytestmark = pytest.mark.django_db

Email = get_model("communication", "Email")
NAME, PHONE = "Phạm Thị Mai", "+84912345678"


def _everything_logged(world):
    """Mai's order leaves its traces as the real services write them."""
    mai, order = world.mai, world.order
    mai.profile.phone = PHONE
    mai.profile.save()
    type(order.shipping_address).objects.filter(pk=order.shipping_address_id).update(
        phone_number=PHONE
    )
    order.refresh_from_db()
    zns_notify(recipient=user_recipient(mai), template="ORDER_PLACED", context={})
    zns_notify(recipient=order_recipient(order), template="ORDER_SHIPPED", context={})
    attempt = PaymentAttempt.objects.get(order=order)
    call_log(
        gateway="vnpay",
        direction=GatewayCall.Direction.IN,
        operation="callback",
        attempt=attempt,
        request={
            "vnp_Amount": "77000000",
            "vnp_TxnRef": attempt.reference,
            "vnp_OrderInfo": f"Don hang cua {NAME}, goi 0912345678",
            "vnp_IpAddr": "113.161.1.2",
            "buyer": {"name": NAME, "email": "mai@example.com", "phone": PHONE},
            "vnp_ResponseCode": "00",
        },
        response={"RspCode": "00", "Message": "Confirm Success"},
        signature_valid=True,
        outcome="paid",
        remote_addr="113.161.1.2",
    )
    body = {
        "OrderCode": "GHNTEA01",
        "Status": "delivering",
        "CODAmount": 430000,
        "ToName": NAME,
        "ToPhone": "0912345678",
        "ToAddress": "12 Phố Cổ, Hoàn Kiếm",
    }
    callback_log(
        carrier="ghn",
        outcome="applied",
        reason="GHNTEA01: delivering applied",
        code="GHNTEA01",
        body=json.dumps(body, ensure_ascii=False).encode(),
    )
    callback_log(
        carrier="ghtk",
        outcome="applied",
        reason="GHNTEA01: delivering applied",
        code="GHNTEA01",
        body=f"label_id=GHNTEA01&partner_id=x&name={NAME}&cut".encode()[:40],
    )
    CarrierEvent.objects.create(
        shipment=world.tea,
        carrier="ghn",
        status="delivering",
        carrier_status="delivering",
        description=f"Đang giao cho {NAME} (0912345678)",
        at=world.tea.shipped_at,
        source=CarrierEvent.Source.WEBHOOK,
    )
    Client().post(
        "/shop/accounts/login/",
        {"login-username": "mai@example.com", "login-password": "sai", "login_submit": "1"},
        REMOTE_ADDR="113.161.1.2",
    )
    return attempt


def test_the_logs_lose_the_buyer_and_keep_the_money(world):
    attempt = _everything_logged(world)
    other = call_log(gateway="vnpay", direction="in", operation="return", request={"x": NAME})
    assert ZnsMessage.objects.filter(phone=PHONE).count() == 2
    assert AccessAttempt.objects.filter(username="mai@example.com").exists()
    deliver(world.tea)

    request = services.erasure_request(user=world.mai, password=PASSWORD)
    done = services.erasure_carry_out(request_id=request.pk)
    assert done.state == "done"

    assert not ZnsMessage.objects.filter(phone=PHONE).exists()
    assert not ZnsMessage.objects.filter(email__icontains="mai@").exists()
    assert ZnsMessage.objects.count() == 2  # the messages' record stays, nameless

    call = GatewayCall.objects.get(attempt=attempt)
    logged = json.dumps([call.request, call.response], ensure_ascii=False)
    for personal in (NAME, "mai@example.com", PHONE, "0912345678", "113.161.1.2"):
        assert personal not in logged
    assert call.remote_addr is None
    assert call.request["vnp_Amount"] == "77000000"
    assert call.request["vnp_TxnRef"] == attempt.reference
    assert call.request["vnp_ResponseCode"] == "00"
    assert call.response == {"RspCode": "00", "Message": "Confirm Success"}
    assert call.signature_valid is True and call.outcome == "paid"
    other.refresh_from_db()
    assert other.request == {"x": NAME}  # another payment's log is not hers to erase

    ghn, ghtk = CarrierCallback.objects.order_by("pk")
    body = json.loads(ghn.body)
    assert body["ToName"] == body["ToPhone"] == body["ToAddress"] == "—"
    assert (body["OrderCode"], body["CODAmount"], body["Status"]) == (
        "GHNTEA01",
        430000,
        "delivering",
    )
    assert NAME not in ghtk.body and "GHNTEA01" in ghtk.body
    assert ghn.code == "GHNTEA01" and ghn.outcome == "applied"
    words = CarrierEvent.objects.get(shipment=world.tea, source="webhook").description
    assert NAME not in words and "0912345678" not in words

    assert not AccessAttempt.objects.filter(username__iexact="mai@example.com").exists()
    assert not Email.objects.filter(email="mai@example.com").exists()
    assert done.outcome["gateway_calls"] == 1 and done.outcome["zalo_messages"] == 2

    # The accounting stays whole.
    attempt.refresh_from_db()
    assert attempt.amount == world.order.total_incl_tax and attempt.status
    assert Shipment.objects.get(pk=world.tea.pk).tracking_number == "GHNTEA01"


def test_a_guest_s_erasure_reaches_the_logs_of_their_order(client):
    flow.checkout(client, products=[(flow.honey(), 1)], method="cod", email="khach@example.com")
    order = flow.latest_order()
    zns_notify(recipient=order_recipient(order), template="ORDER_PLACED", context={})
    phone = order.shipping_address.phone_number.as_e164
    assert ZnsMessage.objects.filter(email="khach@example.com").exists()
    for shipment in order.shipments.all():
        deliver(shipment)
    request = services.guest_erasure_request(
        order_number=order.number, order_hash=order.verification_hash()
    )
    assert services.erasure_carry_out(request_id=request.pk).state == "done"
    assert not ZnsMessage.objects.filter(email="khach@example.com").exists()
    assert not ZnsMessage.objects.filter(phone=phone).exists()
    assert not Email.objects.filter(email="khach@example.com").exists()
    assert PrivacyRequest.objects.get(pk=request.pk).outcome["zalo_messages"] >= 1


def test_a_body_that_cannot_be_read_is_erased_whole():
    words = traces.Who(names={NAME}).words()
    assert traces.redact_body('{"ToName": "Phạm Thị M', words) == "—"
    assert traces.redact_body("", words) == ""
    assert traces.redact({"amount": 5, "customer_name": "X", "note": ""}, words) == {
        "amount": 5,
        "customer_name": "—",
        "note": "",
    }
