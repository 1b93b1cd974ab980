"""Cash on delivery: per producer and up to a total; paid when the cash is collected."""

import pytest
from django.test import override_settings
from django.urls import reverse

from payments import services
from payments.models import Method, PaymentAction
from shop.order import statuses
from tests import factories
from tests.payments import flow

pytestmark = pytest.mark.django_db


def offered_methods(client, product, quantity=1):
    flow.vietnam()
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    client.post(reverse("checkout:index"), {"username": "mai@example.com", "options": "anonymous"})
    client.post(reverse("checkout:shipping-address"), flow.ADDRESS)
    client.get(reverse("checkout:shipping-method"))
    page = client.get(reverse("checkout:payment-method"))
    return [choice.data["value"] for choice in page.context["form"]["method"]]


def test_cod_is_offered_when_the_producer_takes_cash(client):
    assert Method.COD in offered_methods(client, flow.honey())


def test_cod_is_not_offered_when_a_producer_does_not(client):
    maker = factories.producer()
    maker.cash_on_delivery = False
    maker.save()
    assert Method.COD not in offered_methods(client, flow.honey(maker=maker))


@override_settings(PAYMENT_COD_MAX_TOTAL=500_000)
def test_cod_is_not_offered_above_the_limit(client):
    assert Method.COD not in offered_methods(client, flow.honey(price="300000"), quantity=2)


def test_a_forged_cod_choice_is_refused(client):
    maker = factories.producer()
    maker.cash_on_delivery = False
    maker.save()
    assert Method.COD not in offered_methods(client, flow.honey(maker=maker))
    response = client.post(reverse("checkout:payment-method"), {"method": "cod"})
    assert response.status_code == 200
    assert response.context["form"].errors
    placed = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert placed.status_code == 302  # back to choosing a method: nothing was placed
    assert flow.latest_order() is None


def test_cod_order_is_confirmed_then_paid_when_cash_is_collected(client, django_user_model):
    response = flow.checkout(client, products=[(flow.honey(), 1)], method="cod")
    assert response.status_code == 302
    order = flow.latest_order()
    assert order.status == statuses.CASH_ON_DELIVERY
    operator = django_user_model.objects.create_user("op", "op@example.com", "pw", is_staff=True)
    applied = services.cash_collected(order=order, actor=operator, reason="Shipper nộp tiền")
    assert applied.outcome == services.Outcome.APPLIED
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert PaymentAction.objects.get().actor == operator
    again = services.cash_collected(order=order, actor=operator)
    assert again.outcome == services.Outcome.ALREADY_FINAL
