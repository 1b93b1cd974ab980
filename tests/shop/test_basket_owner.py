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


def _line_written_meanwhile(buyer, product, quantity):
    """A basket whose lines were read, then a line for `product` written by another request."""
    basket = Basket.open.get(owner=buyer)
    basket.strategy = Selector().strategy()
    basket.all_lines()
    record = product.stockrecords.get()
    basket.lines.model.objects.create(
        basket=basket,
        line_reference=basket._create_line_reference(product, record, []),
        product=product,
        stockrecord=record,
        quantity=quantity,
        price_excl_tax=record.price,
        price_currency="VND",
    )
    return basket


def test_a_line_written_since_the_lines_were_read_is_added_to(client, buyer):
    """Inside a transaction (a test's): the refused INSERT's savepoint keeps it usable."""
    honey = factories.product("Mật ong", price="185000")
    tea = factories.product("Chè", price="90000")
    add(client, tea)
    basket = _line_written_meanwhile(buyer, honey, 2)
    line, created = basket.add_product(honey, 3)
    assert not created and line.quantity == 5
    assert basket.lines.get(product=honey).quantity == 5
    assert sorted(line.product_id for line in basket.all_lines()) == sorted([honey.pk, tea.pk])


@pytest.mark.django_db(transaction=True)
def test_a_line_written_since_the_lines_were_read_is_added_to_outside_a_transaction(client):
    """As a request runs (autocommit): the refused INSERT leaves nothing to roll back."""
    user = get_user_model().objects.create_user("lan", "lan@example.vn", "mật-khẩu-dài-1")
    client.force_login(user)
    honey = factories.product("Mật ong", price="185000")
    tea = factories.product("Chè", price="90000")
    add(client, tea)
    basket = _line_written_meanwhile(user, honey, 2)
    assert not connection.in_atomic_block
    line, created = basket.add_product(honey, 1)
    assert not created and basket.lines.get(product=honey).quantity == 3
    add(client, honey)
    assert basket.lines.get(product=honey).quantity == 4


@pytest.mark.django_db(transaction=True)
def test_adding_to_a_basket_and_checking_out_read_its_lines_with_it(client):
    """The basket comes with its lines in one query (the middleware reads it through them); an
    addition reads the product, its stock records and the lines once and writes the line
    without a transaction of its own (as a request runs: autocommit)."""
    user = get_user_model().objects.create_user("lan", "lan@example.vn", "mật-khẩu-dài-1")
    client.force_login(user)
    honey = factories.product("Mật ong", price="185000")
    tea = factories.product("Chè", price="90000")
    add(client, honey)
    with CaptureQueriesContext(connection) as queries:
        add(client, tea)
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "basket_line"' in q for q in sql) == 2, sql  # before and after (offers)
    assert sum('FROM "partner_stockrecord"' in q for q in sql) == 1, sql
    assert not [q for q in sql if q.startswith(("BEGIN", "SAVEPOINT"))], sql
    assert not [q for q in sql if 'FROM "basket_basket"' in q], sql
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("checkout:index"))
    assert response.status_code == 302
    read = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert len(read) == 1 and 'FROM "basket_line"' in read[0], read
