"""Where the parcel is, for the buyer: the timeline on their order page, the public tracking
page (no login, no personal details), the e-mails at the key steps; and the operators' log."""

import re
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from shop.carriers.ports import TrackingStatus as T
from shop.fulfilment import tracking
from shop.fulfilment.models import CarrierCallback, CarrierEvent, Shipment
from tests import factories
from tests.fulfilment.tracking_helpers import packed_shipment, update

pytestmark = pytest.mark.django_db
WEBHOOK = CarrierEvent.Source.WEBHOOK


def apply(shipment, *updates):
    for u in updates:
        tracking.tracking_apply(shipment=shipment, update=u, source=WEBHOOK)
    shipment.refresh_from_db()


def track_url(shipment):
    return reverse("shipping:track", kwargs={"token": shipment.tracking_token})


def buyer_details(shipment):
    """What the public page must never show: the buyer's name, phone and street."""
    address = shipment.order.shipping_address
    phone = str(address.phone_number)
    details = [address.line1, phone, phone.replace("+84", "0"), shipment.order.email]
    details += [part for part in address.name.split() if len(part) > 2]
    return [d for d in details if d]


def test_the_public_tracking_page_shows_the_journey_and_nothing_personal(client):
    shipment = packed_shipment(client)
    apply(
        shipment,
        update(T.PICKED, 1, description="Đã lấy hàng tại <b>Đồng Văn</b>"),
        update(T.DELIVERING, 24, description="<script>alert(1)</script>"),
    )
    client.cookies.clear()
    page = client.get(track_url(shipment))
    assert page.status_code == 200
    html = page.content.decode()
    assert shipment.partner.name in html
    assert "GHNTEST01" in html and "Giao Hàng Nhanh" in html
    assert "Đồng Văn" in html and "Tuyên Quang" in html  # the ward and province, no closer
    assert "Đã lấy hàng" in html and "Đang giao hàng" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>Đồng Văn</b>" not in html
    assert "09:00 01/12/2026" in html  # the carrier's time, in Vietnam's time
    assert re.search(r"<ol class=\"parcel-steps\">", html)
    for detail in buyer_details(shipment):
        assert detail not in html, detail
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "no-referrer"


def test_a_wrong_token_is_a_404(client):
    shipment = packed_shipment(client)
    token = shipment.tracking_token
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x", "a" * 200):
        assert client.get(f"/shipping/track/{wrong}/").status_code == 404


def test_the_public_page_is_never_served_stale_or_for_another_token(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    shipment = packed_shipment(client)
    client.cookies.clear()
    first = client.get(track_url(shipment)).content.decode()
    assert "Đang giao hàng" not in first
    apply(shipment, update(T.DELIVERING, 24))
    again = client.get(track_url(shipment))
    assert "X-Page-Cache" not in again
    assert "Đang giao hàng" in again.content.decode()


def test_the_public_page_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track": {**settings.RATE_LIMITS["track"]}}
    settings.RATE_LIMITS["track"]["rate"] = "3/m"
    shipment = packed_shipment(client)
    answers = [client.get(f"/shipping/track/guess{n}/").status_code for n in range(3)]
    assert answers == [404, 404, 404]
    assert client.get(track_url(shipment)).status_code == 429


def test_the_buyers_order_page_shows_each_parcels_timeline(client, django_user_model):
    buyer = django_user_model.objects.create_user("mai", "mai@example.com", "pw-123456789")
    client.force_login(buyer)
    shipment = packed_shipment(client)
    Shipment.objects.filter(pk=shipment.pk).update(expected_delivery=date(2026, 12, 3))
    apply(
        shipment,
        update(T.PICKED, 1),
        update(T.IN_TRANSIT, 5),
        update(T.FAILED_ATTEMPT, 24, description="Khách hẹn giao lại"),
        update(T.DELIVERED, 27),
    )
    page = client.get(reverse("customer:order", kwargs={"order_number": shipment.order.number}))
    assert page.status_code == 200
    html = page.content.decode()
    steps = re.search(r'<ol class="parcel-steps">(.*?)</ol>', html, re.S).group(1)
    labels = re.findall(r'<strong class="parcel-step-label">(.*?)</strong>', steps)
    assert labels == ["Đã lấy hàng", "Đang vận chuyển", "Giao không thành công", "Đã giao hàng"]
    assert "Khách hẹn giao lại" in steps
    assert 'aria-current="step"' in steps
    assert "11:00 02/12/2026" in steps
    assert '<time datetime="2026-12-03">03/12/2026</time>' in html  # the expected delivery
    assert "Giao Hàng Nhanh" in html and "GHNTEST01" in html
    assert html.count('class="parcel-timeline"') == 1  # the other producer has no parcel yet


def test_the_buyer_is_told_once_per_key_step_with_the_tracking_link(
    client, django_capture_on_commit_callbacks
):
    shipment = packed_shipment(client)
    buyer = shipment.order.email
    link = track_url(shipment)
    mail.outbox.clear()
    steps = [
        update(T.PICKED, 1),
        update(T.PICKED, 1),  # repeated
        update(T.IN_TRANSIT, 5),
        update(T.DELIVERING, 24),
        update(T.FAILED_ATTEMPT, 26),
        update(T.DELIVERING, 48),  # out again: told once already
        update(T.FAILED_ATTEMPT, 50),  # a second failed attempt is news
        update(T.DELIVERED, 72),
        update(T.DELIVERED, 72),
    ]
    for step in steps:
        with django_capture_on_commit_callbacks(execute=True):
            tracking.tracking_apply(shipment=shipment, update=step, source=WEBHOOK)
    to_buyer = [m for m in mail.outbox if buyer in m.to]
    assert len(to_buyer) == 5, [m.subject for m in to_buyer]
    shipped, out, failed, failed_again, delivered = to_buyer
    assert shipment.partner.name in shipped.subject
    assert "GHNTEST01" in shipped.body
    for message in to_buyer:
        assert link in message.body
        assert link in message.alternatives[0][0]
    assert "giao" in out.subject.lower() or "delivery" in out.subject.lower()
    assert failed.subject == failed_again.subject
    assert delivered.subject != out.subject


def test_a_returned_parcel_is_told_to_the_buyer(client, django_capture_on_commit_callbacks):
    shipment = packed_shipment(client)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply(shipment, update(T.PICKED, 1), update(T.RETURNING, 40), update(T.RETURNED, 80))
    subjects = [m.subject for m in mail.outbox if shipment.order.email in m.to]
    assert len(subjects) == 2  # shipped, returned


def test_operators_read_the_carriers_callbacks_producers_do_not(client):
    shipment = packed_shipment(client)
    tracking.tracking_receive(carrier="ghn", updates=[update(T.PICKED, 1)], body=b"{}")
    tracking.callback_log(carrier="ghtk", outcome="rejected", reason="wrong token", body=b"<x>")
    url = reverse("producer-orders:carrier-callbacks")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(factories.producer_user(shipment.partner))
    assert client.get(url).status_code == 403
    client.force_login(factories.operator())
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "GHNTEST01" in html and "wrong token" in html and "&lt;x&gt;" in html
    only = client.get(url, {"outcome": "rejected"}).content.decode()
    assert "wrong token" in only and "GHNTEST01" not in only
    assert CarrierCallback.objects.count() == 2
