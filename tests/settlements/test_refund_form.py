"""The operators' refund form asks whose goods are refunded when the order has several producers."""

from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import Refund
from tests.settlements import helpers

pytestmark = pytest.mark.django_db


def test_a_mixed_order_refund_needs_the_producer_and_records_it(client):
    operator = helpers.operator()
    one, two = helpers.producer("Producer A"), helpers.producer("Producer B")
    placed = helpers.pay(
        helpers.order(
            [(helpers.product(one, price="100000"), 1), (helpers.product(two, price="90000"), 1)]
        ),
        operator,
    )
    attempt = placed.payment_attempts.get()
    client.force_login(operator)
    url = reverse("payments-dashboard:attempt-refund", kwargs={"pk": attempt.pk})
    form = client.get(url).context["form"]
    assert set(form.fields["partner"].queryset) == {one, two}
    token = form.initial["token"]
    missing = client.post(url, {"amount": "10000", "reason": "Hỏng", "token": token})
    assert missing.status_code == 200 and "partner" in missing.context["form"].errors
    assert not Refund.objects.exists()
    done = client.post(
        url, {"amount": "10000", "reason": "Hỏng", "token": token, "partner": two.pk}
    )
    assert done.status_code == 302
    assert Refund.objects.get().partner == two
    assert Refund.objects.get().amount == Decimal(10000)


def test_a_single_producer_refund_implies_the_producer(client):
    operator = helpers.operator()
    one = helpers.producer("Producer A")
    placed = helpers.pay(helpers.order([(helpers.product(one, price="100000"), 1)]), operator)
    attempt = placed.payment_attempts.get()
    client.force_login(operator)
    url = reverse("payments-dashboard:attempt-refund", kwargs={"pk": attempt.pk})
    form = client.get(url).context["form"]
    assert "partner" not in form.fields
    response = client.post(
        url, {"amount": "10000", "reason": "Hỏng", "token": form.initial["token"]}
    )
    assert response.status_code == 302
    assert Refund.objects.get().partner == one
