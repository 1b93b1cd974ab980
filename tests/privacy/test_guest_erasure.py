"""A guest erases their details from one order through the order's signed link."""

import pytest
from django.test import Client
from django.urls import reverse

from shop.privacy import services
from shop.privacy.models import Consent, PrivacyRequest
from tests.payments import flow
from tests.privacy.conftest import deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest_order(client):
    flow.checkout(client, products=[(flow.honey(), 1)], method="cod", email="khach@example.com")
    return flow.latest_order()


def url_of(order, order_hash=None):
    return reverse(
        "privacy:guest-erasure", args=[order.number, order_hash or order.verification_hash()]
    )


def test_a_wrong_or_missing_signature_finds_nothing(guest_order):
    client = Client()
    assert client.get(url_of(guest_order, "100001:forged")).status_code == 404
    assert client.post(url_of(guest_order, "100001:forged")).status_code == 404
    with pytest.raises(Exception, match="not valid|không ứng"):
        services.guest_erasure_request(order_number=guest_order.number, order_hash="x")
    assert not PrivacyRequest.objects.exists()


def test_the_guest_s_request_waits_for_delivery_then_anonymises_the_order(
    guest_order, django_capture_on_commit_callbacks
):
    client = Client()
    assert client.get(url_of(guest_order)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url_of(guest_order))
    assert response.status_code == 302
    request = PrivacyRequest.objects.get(kind="erasure")
    assert request.state == "waiting" and request.user is None
    assert request.outcome["waiting"]["orders"] == [guest_order.number]
    assert guest_order.number in client.get(url_of(guest_order)).content.decode()

    client.post(url_of(guest_order))  # twice: still one request
    assert PrivacyRequest.objects.filter(kind="erasure").count() == 1

    total = guest_order.total_incl_tax
    for shipment in guest_order.shipments.all():
        deliver(shipment)
    assert services.erasures_retry() == 1
    request.refresh_from_db()
    guest_order.refresh_from_db()
    assert request.state == "done"
    assert request.subject == f"Khách của đơn {guest_order.number} (đã xoá)"
    assert guest_order.guest_email == ""
    assert guest_order.shipping_address.first_name == "—"
    assert guest_order.total_incl_tax == total and guest_order.lines.exists()
    assert Consent.objects.get(purpose="order").withdrawal == request
    # The link now names an order with no guest behind it.
    assert client.get(url_of(guest_order)).status_code == 404


def test_an_account_s_order_is_not_a_guest_s(world):
    client = Client()
    assert client.get(url_of(world.order)).status_code == 404
