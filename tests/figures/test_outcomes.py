"""shop/order/outcomes.py on real orders and parcels: counted, succeeded, failed.

Each order goes through the checkout and the services that move parcels and orders; the
expressions then classify them in one query each, as the floor's figures do."""

import pytest
from oscar.core.loading import get_model

from shop.fulfilment import aftersale
from shop.order import outcomes
from tests import factories
from tests.figures import floor

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


@pytest.fixture
def orders(settings):
    a = factories.producer("HTX Mật ong A", code="a-honey")
    b = factories.producer("HTX Chè B", code="b-tea", ward=factories.MEO_VAC)
    factories.producer_user(a), factories.producer_user(b)
    honey = factories.product("Mật ong bạc hà", price="200000", maker=a, stock=50)
    tea = factories.product("Chè Shan Tuyết", price="300000", maker=b, stock=50)

    delivered = floor.place([(honey, 1)])
    floor.deliver(delivered, a)

    returned = floor.place([(honey, 1)])
    floor.send_back(returned, a)

    confirmed = floor.place([(tea, 1)])
    floor.deliver(confirmed, b, upto="confirmed")

    unpaid = floor.place([(tea, 1)], method="vietqr")

    expired = floor.place([(tea, 2)], method="vietqr")
    floor.cancel(expired)

    # Two producers: the buyer cancels B's part before packing, A's parcel arrives.
    buyer = floor.buyer()
    half = floor.place([(honey, 1), (tea, 1)], user=buyer)
    aftersale.shipment_cancel_by_buyer(shipment=floor.shipment(half, b), user=buyer)
    floor.deliver(half, a)

    # Two producers: A's arrives, B's is still on its way.
    partly = floor.place([(honey, 1), (tea, 1)])
    floor.deliver(partly, a)
    floor.deliver(partly, b, upto="shipped")

    return {
        "delivered": delivered,
        "returned": returned,
        "confirmed": confirmed,
        "unpaid": unpaid,
        "expired": expired,
        "half": half,
        "partly": partly,
    }


def _numbers(condition) -> set[str]:
    return set(Order.objects.filter(condition).values_list("number", flat=True))


def _names(orders, *names) -> set[str]:
    return {orders[name].number for name in names}


def test_counted_orders_are_the_committed_ones(orders):
    # A cash-on-delivery parcel that came back leaves nothing sold: its order is cancelled.
    assert _numbers(outcomes.counted()) == _names(
        orders, "delivered", "confirmed", "half", "partly"
    )


def test_an_order_succeeded_when_every_parcel_left_arrived(orders):
    assert _numbers(outcomes.succeeded()) == _names(orders, "delivered", "half")


def test_cancelled_and_returned_orders_failed(orders):
    assert _numbers(outcomes.failed()) == _names(orders, "returned", "expired")


def test_the_rest_are_in_progress(orders):
    settled = _numbers(outcomes.succeeded()) | _numbers(outcomes.failed())
    in_progress = set(Order.objects.values_list("number", flat=True)) - settled
    assert in_progress == _names(orders, "confirmed", "unpaid", "partly")
    assert not _numbers(outcomes.succeeded()) & _numbers(outcomes.failed())
