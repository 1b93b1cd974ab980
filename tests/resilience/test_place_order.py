"""Placing an order never locks a buyer out: a repeated or simultaneous "Place order" shows the
order already placed, the basket that became an order never opens again, and what fails once
the order is committed (here: the broker) never shows the buyer an error."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from shop.order import statuses
from shop.outbox.models import OutboxMessage
from tests.payments import flow
from tests.resilience.conftest import buyer_at_preview

Basket = get_model("basket", "Basket")
UserAddress = get_model("address", "UserAddress")

THANK_YOU = reverse("checkout:thank-you")
PAY_URL = settings.PAYMENT_GATEWAYS["vnpay"]["OPTIONS"]["pay_url"]


def place_at_once(clients, form) -> list:
    """Each client posts the same preview form at the same moment (one thread each)."""
    start = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def post(n, client):
        try:
            start.wait()
            responses[n] = client.post(reverse("checkout:preview"), form)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n, c)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


def same_browser(client: Client, copies: int) -> list[Client]:
    """Tabs of one browser: the same cookies (session, basket), each sending on its own."""
    tabs = [client]
    for _ in range(copies - 1):
        tab = Client()
        tab.cookies = client.cookies.__class__(client.cookies)
        tabs.append(tab)
    return tabs


@pytest.mark.django_db(transaction=True)
def test_three_simultaneous_submits_by_a_signed_in_buyer_place_one_order(
    uses_postgres, django_user_model
):
    user = django_user_model.objects.create_user("mai", "mai@example.com", "pw-123456")
    client = Client()
    client.force_login(user)
    client, form = buyer_at_preview(
        client=client, products=[(flow.honey(), 1)], method="cod", email=user.email
    )

    responses = place_at_once(same_browser(client, 3), form)

    assert [r.status_code for r in responses] == [302, 302, 302]  # no error page
    assert {r["Location"] for r in responses} == {THANK_YOU}
    order = flow.Order.objects.get()
    assert order.status == statuses.CASH_ON_DELIVERY
    assert Basket.objects.get(pk=order.basket_id).status == Basket.SUBMITTED
    saved = UserAddress.objects.get(user=user)  # saved once, counted once
    assert saved.num_orders_as_shipping_address == 1
    thank_you = client.get(THANK_YOU)
    assert thank_you.status_code == 200 and order.number in thank_you.content.decode()

    # The buyer's next checkout is a new basket with a new number.
    client, form = buyer_at_preview(
        client=client, products=[(flow.honey(), 2)], method="cod", email=user.email
    )
    assert client.post(reverse("checkout:preview"), form)["Location"] == THANK_YOU
    assert flow.Order.objects.count() == 2
    assert UserAddress.objects.get(user=user).num_orders_as_shipping_address == 2


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submits_of_a_guest_send_each_tab_to_the_payment(uses_postgres):
    client, form = buyer_at_preview(
        products=[(flow.honey(), 1)], method="vnpay", email="mai@example.com"
    )
    responses = place_at_once(same_browser(client, 3), form)
    assert [r.status_code for r in responses] == [302, 302, 302]
    order = flow.Order.objects.get()
    places = sorted(r["Location"] for r in responses)
    # One tab goes on to VNPay; the others see the order, waiting for that payment.
    assert [p.startswith(PAY_URL) for p in places] == [False, False, True]
    assert [flow.payment_page_order(p) for p in places[:2]] == [order] * 2
    assert order.payment_attempts.count() == 1


@pytest.mark.django_db
def test_the_same_form_sent_again_shows_the_order_already_placed(client):
    client, form = buyer_at_preview(
        client=client, products=[(flow.honey(), 1)], method="cod", email="mai@example.com"
    )
    first = client.post(reverse("checkout:preview"), form)
    assert first["Location"] == THANK_YOU
    again = client.post(reverse("checkout:preview"), form, follow=True)
    assert again.status_code == 200
    assert again.redirect_chain == [(THANK_YOU, 302)]
    assert "Đơn hàng này đã được đặt." in again.content.decode()
    assert flow.Order.objects.count() == 1


@pytest.mark.django_db
def test_someone_elses_form_shows_nothing_of_their_order(client, django_user_model):
    owner = django_user_model.objects.create_user("mai", "mai@example.com", "pw-123456")
    client.force_login(owner)
    client, form = buyer_at_preview(
        client=client, products=[(flow.honey(), 1)], method="cod", email=owner.email
    )
    assert client.post(reverse("checkout:preview"), form)["Location"] == THANK_YOU
    other = django_user_model.objects.create_user("lan", "lan@example.com", "pw-123456")
    stranger = Client()
    stranger.force_login(other)
    response = stranger.post(reverse("checkout:preview"), form)
    assert response.status_code == 302 and response["Location"] != THANK_YOU
    assert "checkout_order_id" not in stranger.session
    forged = stranger.post(
        reverse("checkout:preview"), {**form, "basket_token": str(flow.latest_order().basket_id)}
    )
    assert forged.status_code == 302 and "checkout_order_id" not in stranger.session


@pytest.mark.django_db(transaction=True)
def test_cash_order_with_the_broker_down_shows_thank_you_and_the_next_checkout_works(
    broker_down,
):
    client, form = buyer_at_preview(
        products=[(flow.honey(), 1)], method="cod", email="mai@example.com"
    )
    placed = client.post(reverse("checkout:preview"), form)
    assert placed.status_code == 302 and placed["Location"] == THANK_YOU
    order = flow.latest_order()
    assert order.status == statuses.CASH_ON_DELIVERY
    page = client.get(THANK_YOU)
    assert page.status_code == 200 and order.number in page.content.decode()
    # Its e-mails wait in the outbox for the broker, none done.
    waiting = OutboxMessage.objects.filter(done_at=None)
    assert set(waiting.values_list("key", flat=True)) >= {f"order-email:{order.pk}:ORDER_PLACED"}
    assert Basket.objects.get(pk=order.basket_id).status == Basket.SUBMITTED

    client, form = buyer_at_preview(
        client=client, products=[(flow.honey(), 2)], method="cod", email="mai@example.com"
    )
    second = client.post(reverse("checkout:preview"), form)
    assert second.status_code == 302 and second["Location"] == THANK_YOU
    numbers = list(flow.Order.objects.values_list("number", flat=True))
    assert len(numbers) == 2 == len(set(numbers))


@pytest.mark.django_db(transaction=True)
def test_online_order_with_the_broker_down_goes_on_to_the_payment(broker_down):
    client, form = buyer_at_preview(
        products=[(flow.honey(), 1)], method="vnpay", email="mai@example.com"
    )
    placed = client.post(reverse("checkout:preview"), form)
    assert placed.status_code == 302 and placed["Location"].startswith(PAY_URL)
    order = flow.latest_order()
    assert OutboxMessage.objects.get(key=f"order-email:{order.pk}:PAYMENT_PENDING").done_at is None


@pytest.mark.django_db(transaction=True)
def test_one_address_saved_by_two_checkouts_at_once_is_saved_once(uses_postgres, django_user_model):
    """The address book, on its own: two checkouts of one buyer (two baskets) at once."""
    from django.db import transaction

    from shop.checkout.views import PaymentDetailsView

    ShippingAddress = get_model("order", "ShippingAddress")
    user = django_user_model.objects.create_user("mai", "mai@example.com", "pw-123456")
    fields = {k: v for k, v in flow.ADDRESS.items() if k != "country"}
    country = flow.vietnam()
    start, errors = threading.Barrier(2, timeout=30), []

    def checkout():
        try:
            with transaction.atomic():
                address = ShippingAddress.objects.create(country=country, **fields)
                start.wait()
                PaymentDetailsView().update_address_book(user, address)
        except Exception as exc:  # noqa: BLE001 (what a buyer would have seen as an error)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=checkout) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert UserAddress.objects.get(user=user).num_orders_as_shipping_address == 2
