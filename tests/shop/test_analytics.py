"""Oscar's analytics, counted by our upserts (shop/order/utils.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.apps.basket.signals import basket_addition
from oscar.core.loading import get_model

from tests import factories

pytestmark = pytest.mark.django_db

ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")


def test_basket_additions_are_counted_for_the_product_and_the_buyer(client, django_user_model):
    item = factories.product("Cam sành Hàm Yên", price="45000", stock=20)
    buyer = django_user_model.objects.create_user("lan", "lan@example.com", "pw-123456789")
    client.force_login(buyer)
    for _ in range(2):
        response = client.post(reverse("basket:add", kwargs={"pk": item.pk}), {"quantity": 1})
        assert response.status_code == 302
    client.logout()
    client.post(reverse("basket:add", kwargs={"pk": item.pk}), {"quantity": 1})  # a guest
    assert ProductRecord.objects.get(product=item).num_basket_additions == 3
    assert UserRecord.objects.get(user=buyer).num_basket_additions == 2


def test_a_signed_in_addition_is_one_statement_on_postgresql(uses_postgres, django_user_model):
    item = factories.product("Chè Shan Tuyết", price="120000", stock=20)
    buyer = django_user_model.objects.create_user("mai", "mai@example.com", "pw-123456789")
    with CaptureQueriesContext(connection) as queries:
        basket_addition.send(sender=None, product=item, user=buyer, request=None)
    assert len(queries) == 1
    assert ProductRecord.objects.get(product=item).num_basket_additions == 1
    assert UserRecord.objects.get(user=buyer).num_basket_additions == 1
