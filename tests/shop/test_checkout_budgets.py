"""Query budgets of the pages a signed-in buyer goes through from the basket to the order:
the basket page at most 12 queries, every GET and POST of the checkout at most 20 (placing the
order included), the thank-you page at most 20, whatever the size of the catalogue (40 or 400
products) and of the basket (1 or 20 lines, each from its own producer).

The statements counted are those a request sends in production. The savepoints the test's own
transaction turns each of the request's transactions into are not counted, as Django counts
no BEGIN or COMMIT outside a test."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from tests import factories
from tests.payments import flow

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")

BASKET_BUDGET = 12
STEP_BUDGET = 20
THANK_YOU_BUDGET = 20
SAVEPOINTS = re.compile(r"^(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) ")


@pytest.fixture
def catalogue(request):
    """`request.param` products, each from its own producer, all sold cash on delivery too."""
    category = factories.category()
    return [
        factories.product(f"Đặc sản {n}", price="40000", stock=50, categories=[category])
        for n in range(request.param)
    ]


@pytest.fixture
def buyer(client, django_user_model):
    user = django_user_model.objects.create_user("mai", "mai@example.com", "pw-123456789")
    client.force_login(user)
    flow.vietnam()
    return user


class Steps:
    """Each request of the journey, with the queries it ran; the budgets checked at the end,
    so a failure shows every step's count."""

    def __init__(self, client):
        self.client = client
        self.counts: list[tuple[str, int, int]] = []

    def __call__(self, name: str, budget: int, method: str, path: str, data=None):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(self.client, method)(path, data or {})
        statements = [q for q in queries.captured_queries if not SAVEPOINTS.match(q["sql"])]
        self.counts.append((name, len(statements), budget))
        assert response.status_code in (200, 302), (name, response.content.decode()[-2000:])
        return response

    def assert_within_budgets(self):
        table = "\n".join(f"{name:<32}{n:>4} / {budget}" for name, n, budget in self.counts)
        over = [name for name, n, budget in self.counts if n > budget]
        assert not over, f"over budget: {over}\n{table}"


def fill_basket(client, products):
    for product in products:
        response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
        assert response.status_code == 302


def basket_page(step: Steps) -> None:
    """The basket page, as the buyer sees it again after the first visit (the thumbnails'
    sizes are cached from then on, as in production)."""
    step.client.get(reverse("basket:summary"))
    step("basket", BASKET_BUDGET, "get", reverse("basket:summary"))


def cash_on_delivery_journey(step: Steps, *, lines: int):
    """Every checkout step from the basket to the thank-you page, with a new address."""
    step("checkout index GET", STEP_BUDGET, "get", reverse("checkout:index"))
    address = reverse("checkout:shipping-address")
    step("shipping address GET", STEP_BUDGET, "get", address)
    step("shipping address POST", STEP_BUDGET, "post", address, flow.ADDRESS)
    step("shipping method GET", STEP_BUDGET, "get", reverse("checkout:shipping-method"))
    method = reverse("checkout:payment-method")
    step("payment method GET", STEP_BUDGET, "get", method)
    step("payment method POST", STEP_BUDGET, "post", method, {"method": "cod"})
    preview = reverse("checkout:preview")
    page = step("preview GET", STEP_BUDGET, "get", preview)
    token = page.context["basket_token"]
    placed = step(
        "place order POST",
        STEP_BUDGET,
        "post",
        preview,
        {"action": "place_order", "basket_token": token},
    )
    assert placed["Location"] == reverse("checkout:thank-you")
    step("thank-you GET", THANK_YOU_BUDGET, "get", placed["Location"])
    order = Order.objects.get()
    assert order.lines.count() == lines
    return step


sizes = pytest.mark.parametrize(
    "catalogue", [40, 400], indirect=True, ids=["40-products", "400-products"]
)
lines = pytest.mark.parametrize("lines", [1, 20], ids=["1-line", "20-lines"])


@sizes
@lines
def test_basket_page_within_budget(client, buyer, catalogue, lines):
    fill_basket(client, catalogue[:lines])
    step = Steps(client)
    basket_page(step)
    step.assert_within_budgets()


@sizes
@lines
def test_checkout_steps_and_thank_you_within_budget(client, buyer, catalogue, lines):
    fill_basket(client, catalogue[:lines])
    step = cash_on_delivery_journey(Steps(client), lines=lines)
    step.counts = [row for row in step.counts if row[0] != "place order POST"]
    step.assert_within_budgets()


@sizes
@lines
def test_place_order_within_budget(client, buyer, catalogue, lines, uses_postgres):
    """On PostgreSQL: the SQLite demo allocates stock one record at a time."""
    fill_basket(client, catalogue[:lines])
    step = cash_on_delivery_journey(Steps(client), lines=lines)
    step.counts = [row for row in step.counts if row[0] == "place order POST"]
    step.assert_within_budgets()
