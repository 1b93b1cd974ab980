"""Who sees which statement: producers their own, operators all, anonymous users nothing."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from shop.settlements import services
from shop.settlements.models import Statement
from tests.settlements import helpers

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def statements():
    operator = helpers.operator()
    a, b = helpers.producer("Producer A"), helpers.producer("Producer B")
    placed = helpers.pay(
        helpers.order(
            [(helpers.product(a, price="100000"), 1), (helpers.product(b, price="200000"), 1)]
        ),
        operator,
    )
    helpers.deliver(placed, a, datetime(2026, 11, 5, tzinfo=HCM))
    helpers.deliver(placed, b, datetime(2026, 11, 5, tzinfo=HCM), charge=Decimal(20000))
    services.statements_close(now=datetime(2026, 11, 16, 1, tzinfo=HCM))
    return {
        "a": Statement.objects.get(partner=a),
        "b": Statement.objects.get(partner=b),
        "user_a": helpers.producer_user(a, "producer-a"),
        "operator": operator,
    }


def _urls(namespace, pk):
    return [reverse(f"{namespace}:{name}", kwargs={"pk": pk}) for name in ("detail", "csv", "pdf")]


def test_a_producer_sees_their_own_statements(client, statements):
    client.force_login(statements["user_a"])
    listing = client.get(reverse("producer-statements:list"))
    assert listing.status_code == 200
    assert list(listing.context["statements"]) == [statements["a"]]
    for url in _urls("producer-statements", statements["a"].pk):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("producer-statements:detail", kwargs={"pk": statements["a"].pk}))
    assert "Producer B" not in page.content.decode()


def test_producer_a_gets_404_for_producer_bs_statement(client, statements):
    client.force_login(statements["user_a"])
    for url in _urls("producer-statements", statements["b"].pk):
        response = client.get(url)
        assert response.status_code == 404, url
        assert statements["b"].reference.encode() not in response.content


def test_producers_cannot_use_the_operators_pages(client, statements):
    client.force_login(statements["user_a"])
    urls = [reverse("settlements-dashboard:list")]
    urls += _urls("settlements-dashboard", statements["a"].pk)
    for url in urls:
        assert client.get(url).status_code == 403, url
    pay = reverse("settlements-dashboard:pay", kwargs={"pk": statements["a"].pk})
    assert client.post(pay, {"bank_reference": "FT1"}).status_code == 403
    statements["a"].refresh_from_db()
    assert statements["a"].status == Statement.Status.ISSUED


def test_anonymous_users_get_the_login_page(client, statements):
    login = reverse("dashboard:login")
    urls = [reverse("producer-statements:list"), reverse("settlements-dashboard:list")]
    urls += _urls("producer-statements", statements["a"].pk)
    urls += _urls("settlements-dashboard", statements["b"].pk)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login), url


def test_operators_see_every_statement(client, statements):
    client.force_login(statements["operator"])
    for key in ("a", "b"):
        for url in _urls("settlements-dashboard", statements[key].pk):
            assert client.get(url).status_code == 200, url
