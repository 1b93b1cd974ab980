"""The producer's orders pages: their own shipments and lines only; forward steps only."""

import pytest
from django.urls import reverse

from shop.fulfilment.models import Shipment
from shop.roles import SESSION_KEY
from tests import factories
from tests.fulfilment.helpers import two_producer_order
from tests.fulfilment.test_shipments_lifecycle import pay

pytestmark = pytest.mark.django_db
Status = Shipment.Status


@pytest.fixture
def placed(client):
    order, honey_maker, tea_maker = two_producer_order(client)
    client.logout()
    return order, honey_maker, tea_maker


def login(client, partner):
    client.force_login(factories.producer_user(partner))
    return client


def advance(client, shipment, to, **data):
    return client.post(
        reverse("producer-orders:advance", kwargs={"pk": shipment.pk}), {"to": to, **data}
    )


def test_list_and_detail_show_only_the_producers_own_lines(client, placed):
    order, honey_maker, tea_maker = placed
    login(client, honey_maker)
    listing = client.get(reverse("producer-orders:list"))
    html = listing.content.decode()
    assert listing.status_code == 200 and order.number in html
    assert "Trà Shan tuyết" not in html and "800.000" not in html
    shipment = order.shipments.get(partner=honey_maker)
    assert listing.context["shipments"][0].line_count == 1
    assert listing.context["shipments"][0].goods == 350000

    detail = client.get(reverse("producer-orders:detail", kwargs={"pk": shipment.pk}))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "Mật ong bạc hà 500ml" in html
    assert "Trà Shan tuyết" not in html  # the other producer's line
    assert "800.000" not in html and "800000" not in html  # the order total
    assert "750.000" not in html  # the goods total of the whole order
    assert "Mai Phạm" in html and "+84912345678" in html
    assert "20.000" in html  # their shipping charge
    assert "awaiting payment" in html.lower() or "chờ thanh toán" in html.lower()
    assert "vietqr" not in html.lower()  # no payment details


def test_list_filters_by_status_and_counts_without_n_plus_one(
    client, placed, django_assert_max_num_queries
):
    order, honey_maker, _ = placed
    login(client, honey_maker)
    url = reverse("producer-orders:list")
    assert order.number in client.get(url, {"status": Status.PENDING}).content.decode()
    assert order.number not in client.get(url, {"status": Status.NEW}).content.decode()
    with django_assert_max_num_queries(15):
        client.get(url)


def test_another_producers_shipment_is_not_found(client, placed):
    order, honey_maker, tea_maker = placed
    pay(client, order)
    tea_shipment = order.shipments.get(partner=tea_maker)
    login(client, honey_maker)
    detail = reverse("producer-orders:detail", kwargs={"pk": tea_shipment.pk})
    assert client.get(detail).status_code == 404
    assert advance(client, tea_shipment, Status.CONFIRMED).status_code == 404
    tea_shipment.refresh_from_db()
    assert tea_shipment.status == Status.NEW


def test_anonymous_users_are_sent_to_log_in(client, placed):
    order, honey_maker, _ = placed
    shipment = order.shipments.get(partner=honey_maker)
    for url in (
        reverse("producer-orders:list"),
        reverse("producer-orders:detail", kwargs={"pk": shipment.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("dashboard:login") in response["Location"]
    response = advance(client, shipment, Status.CONFIRMED)
    assert response.status_code == 302 and reverse("dashboard:login") in response["Location"]


def test_a_producer_moves_their_shipment_forward_through_the_pages(client, placed):
    order, honey_maker, tea_maker = placed
    shipment = order.shipments.get(partner=honey_maker)
    login(client, honey_maker)

    unpaid = advance(client, shipment, Status.CONFIRMED)
    assert unpaid.status_code == 400
    shipment.refresh_from_db()
    assert shipment.status == Status.PENDING

    pay(client, order)
    page = client.get(reverse("producer-orders:detail", kwargs={"pk": shipment.pk}))
    assert 'value="confirmed"' in page.content.decode()
    assert advance(client, shipment, Status.PACKED).status_code == 400  # skipping
    assert advance(client, shipment, Status.CANCELLED).status_code == 400  # cancelling
    assert advance(client, shipment, Status.CONFIRMED).status_code == 302
    assert advance(client, shipment, Status.NEW).status_code == 400  # backwards
    # Packed without one of our carriers: the producer ships it by hand, typing the carrier
    # and tracking number (with a carrier's waybill, its pick-up ships it: test_waybills.py).
    assert advance(client, shipment, Status.PACKED, carrier="").status_code == 302
    assert shipment.__class__.objects.get(pk=shipment.pk).waybill == ""
    no_tracking = advance(client, shipment, Status.SHIPPED, carrier="GHTK")
    assert no_tracking.status_code == 400 and no_tracking.context["form"].non_field_errors()
    shipped = advance(client, shipment, Status.SHIPPED, carrier="GHTK", tracking_number="S1")
    assert shipped.status_code == 302
    assert advance(client, shipment, Status.DELIVERED).status_code == 302
    shipment.refresh_from_db()
    assert shipment.status == Status.DELIVERED and shipment.tracking_number == "S1"
    assert not shipment.events.filter(on_behalf=True).exists()
    assert order.shipments.get(partner=tea_maker).status == Status.NEW


def test_an_operator_acting_for_a_producer_is_recorded_as_such(client, placed):
    order, honey_maker, _ = placed
    pay(client, order)
    shipment = order.shipments.get(partner=honey_maker)
    operator = factories.operator()
    client.force_login(operator)
    session = client.session
    session[SESSION_KEY] = honey_maker.pk
    session.save()
    assert advance(client, shipment, Status.CONFIRMED).status_code == 302
    event = shipment.events.latest("pk")
    assert event.status == Status.CONFIRMED
    assert event.actor == operator and event.on_behalf is True


def test_a_user_who_is_not_a_producer_is_refused(client, placed, django_user_model):
    order, honey_maker, _ = placed
    client.force_login(django_user_model.objects.create_user("buyer", "b@example.com", "pw"))
    assert client.get(reverse("producer-orders:list")).status_code == 403


def test_cash_on_delivery_link_only_on_orders_wholly_the_producers(client):
    from tests.payments import flow

    cash_url = "cash-collected"
    order, honey_maker, _tea_maker = two_producer_order(client, method="cod")
    client.logout()
    login(client, honey_maker)
    shared = order.shipments.get(partner=honey_maker)
    page = client.get(reverse("producer-orders:detail", kwargs={"pk": shared.pk}))
    assert cash_url not in page.content.decode()  # shared with the tea producer: operators

    own = factories.product("Mật ong hoa ban 250ml", price="150000", maker=honey_maker)
    buyer = client.__class__()
    assert flow.checkout(buyer, products=[(own, 1)], method="cod").status_code == 302
    alone = flow.latest_order().shipments.get()
    page = client.get(reverse("producer-orders:detail", kwargs={"pk": alone.pk}))
    assert cash_url in page.content.decode()
