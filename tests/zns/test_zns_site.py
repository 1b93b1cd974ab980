"""ZNS on the site: the simulated Zalo on its local port, spoken to over HTTP by the
registry's adapter through `message_send`. A buyer who chose Zalo at checkout gets the order's
messages by Zalo; an expired token is refreshed; a phone not on Zalo gets the e-mail instead,
and operators see why in the admin; the simulator's page lists what was sent."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from payments.tasks import send_order_email
from shop.channels import Channel
from shop.fulfilment.models import Shipment
from shop.fulfilment.tasks import send_tracking_email
from shop.notifications import message_send
from shop.recipients import Recipient
from shop.zns import registry
from shop.zns.models import ZnsMessage, ZnsToken
from shop.zns.simulator import views as simulator
from tests.payments import flow
from tests.security.test_csp import problems
from tests.zns import helpers
from tests.zns.helpers import place, to_payment_method

pytestmark = pytest.mark.django_db


@pytest.fixture
def zalo():
    """A fresh simulated Zalo, on the port the registry's adapter posts to."""
    simulator.reset()
    assert registry.client().api_url.startswith("http://127.0.0.1:")
    yield simulator.simulator_core()
    simulator.reset()


def checkout(client, *, channel):
    to_payment_method(client)
    return place(client, method="cod", notify_channel=channel)


def test_a_buyer_who_chose_zalo_gets_the_order_by_zalo(
    zalo, client, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = checkout(client, channel=Channel.ZALO)
    assert order.notify_channel == Channel.ZALO
    (sent,) = zalo.sent_to("84912345678")
    assert sent["template_id"] == registry.template_id("orders/order_placed")
    assert sent["template_data"]["order_code"] == order.number
    assert sent["template_data"]["amount"] == str(int(order.total_incl_tax))
    assert sent["template_data"]["link"].startswith(settings.SITE_URL + "/")
    assert "mai@example.com" not in [address for m in mail.outbox for address in m.to]
    row = ZnsMessage.objects.get(template="orders/order_placed")
    assert row.status == ZnsMessage.Status.SENT and row.msg_id == sent["msg_id"]
    assert row.tracking_id == sent["tracking_id"] and row.phone == "+84912345678"


def test_an_expired_token_is_refreshed_and_the_message_still_goes(zalo):
    order = helpers.order("900501")
    send_order_email(order_id=order.pk, code="PAYMENT_RECEIVED")
    first = ZnsToken.objects.get().access_token
    zalo.expire_tokens()
    send_order_email(order_id=order.pk, code="PAYMENT_PENDING")
    assert [m["template_data"]["order_code"] for m in zalo.sent_to("84912345678")] == [
        "900501",
        "900501",
    ]
    assert ZnsToken.objects.get().access_token != first
    assert mail.outbox == []


def test_a_phone_not_on_zalo_gets_the_email_and_operators_see_why(zalo, admin_client):
    order = helpers.order("900502", phone="+84912345404")
    send_order_email(order_id=order.pk, code="ORDER_PLACED")
    (message,) = mail.outbox
    assert message.to == ["mai@example.com"] and "900502" in message.subject
    assert zalo.messages == []
    row = ZnsMessage.objects.get()
    assert row.status == ZnsMessage.Status.FELL_BACK and row.error_code == -118
    assert row.email == "mai@example.com" and "Zalo account not existed" in row.reason
    listing = admin_client.get(reverse("admin:zns_znsmessage_changelist"))
    assert listing.status_code == 200 and "+84912345404" in listing.content.decode()


def test_zalo_down_means_email(zalo, settings):
    nobody = "http://127.0.0.1:9"  # nothing listens there
    settings.ZNS = {
        **settings.ZNS,
        "OPTIONS": {**settings.ZNS["OPTIONS"], "api_url": nobody, "oauth_url": nobody + "/o"},
        "SIMULATOR": "",
    }
    message_send(recipient=zalo_buyer(), template="orders/order_placed", context=context())
    assert [m.to for m in mail.outbox] == [["lan@example.com"]]
    row = ZnsMessage.objects.get()
    assert row.status == ZnsMessage.Status.FELL_BACK and "unreachable" in row.reason


def test_notifications_without_a_zns_template_are_emails_only(zalo):
    message_send(recipient=zalo_buyer(), template="orders/payment_link", context=context())
    assert [m.to for m in mail.outbox] == [["lan@example.com"]]
    assert zalo.messages == [] and not ZnsMessage.objects.exists()


def test_email_buyers_and_buyers_without_a_phone_get_email(zalo):
    for recipient in (
        Recipient(email="lan@example.com"),
        Recipient(email="lan@example.com", channel=Channel.ZALO, phone=""),
    ):
        message_send(recipient=recipient, template="orders/order_placed", context=context())
    assert len(mail.outbox) == 2 and zalo.messages == []


def test_a_delivered_parcel_goes_by_zalo_with_its_tracking_link(
    zalo, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = checkout(client, channel=Channel.ZALO)
    shipment = Shipment.objects.get(order=order)
    send_tracking_email(shipment_id=shipment.pk, step="delivered")
    delivered = zalo.sent_to("84912345678")[-1]
    assert delivered["template_id"] == registry.template_id("fulfilment/tracking_delivered")
    assert delivered["template_data"]["link"].endswith(
        f"/shipping/track/{shipment.tracking_token}/"
    )


def test_the_simulator_page_lists_messages_escaped_and_expires_tokens(zalo, client):
    hostile = "<script>alert(1)</script>"
    message_send(
        recipient=zalo_buyer(),
        template="orders/order_placed",
        context=context(name=hostile),
    )
    page = client.get(reverse("zns-simulator:sent"))
    body = page.content.decode()
    assert page.status_code == 200 and "84912345678" in body
    assert hostile not in body and "&lt;script&gt;" in body
    assert problems("ZNS simulator", page) == []
    assert client.post(reverse("zns-simulator:expire")).status_code == 302
    assert zalo.access_tokens == {}


def test_the_simulator_is_gone_when_simulators_are_off(zalo, client, settings):
    settings.ZNS_SIMULATOR = False
    assert client.get(reverse("zns-simulator:sent")).status_code == 404
    assert client.post(reverse("zns-simulator:expire")).status_code == 404


# --------------------------------------------------------------------------- helpers


def zalo_buyer() -> Recipient:
    return Recipient(email="lan@example.com", channel=Channel.ZALO, phone="+84912345678")


def context(name="Phạm Thị Mai"):
    order = helpers.order(f"9006{flow.Order.objects.count():02d}", name=name)
    return {"order": order, "payment_url": "/payments/order/x/", "status_url": "/s/"}
