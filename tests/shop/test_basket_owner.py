"""A signed-in buyer's basket (shop/basket/middleware.py): written with its first line, never as
an empty row on the first page they open; several open baskets, or a basket kept in a cookie
before signing in, end up as one."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from tests import factories

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")


@pytest.fixture
def buyer(client):
    user = get_user_model().objects.create_user("mai", "mai@example.vn", "mật-khẩu-dài-1")
    client.force_login(user)
    return user


def add(client, product, quantity=1):
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    assert response.status_code == 302


def test_pages_write_no_basket_until_the_first_line(client, buyer):
    honey = factories.product("Mật ong bạc hà", price="185000")
    for url in ("/", honey.get_absolute_url(), reverse("basket:summary")):
        assert client.get(url).status_code == 200
    assert not Basket.objects.filter(owner=buyer).exists()

    with CaptureQueriesContext(connection) as queries:
        add(client, honey)
    # Written with its first line, the basket is known to hold no vouchers: none are read.
    assert not [q for q in queries.captured_queries if "voucher_voucher" in q["sql"]]
    add(client, honey, 2)
    basket = Basket.objects.get(owner=buyer)
    assert basket.status == Basket.OPEN
    assert [(line.product_id, line.quantity) for line in basket.lines.all()] == [(honey.pk, 3)]
    assert client.get(reverse("basket:summary")).context["basket"].pk == basket.pk


def test_two_open_baskets_become_one(client, buyer):
    """Two first lines added at once each write a basket; the next page merges them."""
    honey = factories.product("Mật ong", price="185000")
    tea = factories.product("Chè", price="90000")
    for product in (honey, tea):
        basket = Basket.objects.create(owner=buyer)
        basket.strategy = Selector().strategy()
        basket.add_product(product, 1)

    shown = client.get(reverse("basket:summary")).context["basket"]
    assert sorted(line.product_id for line in shown.all_lines()) == sorted([honey.pk, tea.pk])
    assert Basket.open.filter(owner=buyer).count() == 1


def test_a_basket_from_before_signing_in_is_merged(client):
    honey = factories.product("Mật ong", price="185000")
    add(client, honey, 2)  # anonymous: a cookie basket
    user = get_user_model().objects.create_user("lan", "lan@example.vn", "mật-khẩu-dài-2")
    client.force_login(user)

    shown = client.get(reverse("basket:summary")).context["basket"]
    assert shown.owner == user
    assert [(line.product_id, line.quantity) for line in shown.all_lines()] == [(honey.pk, 2)]
