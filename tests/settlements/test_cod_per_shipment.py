"""A cash-on-delivery order shared by two producers settles per parcel: each producer earns
its lines (and its shipping) when ITS parcel is delivered and ITS cash is in, whatever the
other's; a figure in dispute keeps the parcel out of every statement until an operator
decides."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from shop.fulfilment import cod
from shop.fulfilment.models import CodDiscrepancy, Shipment
from shop.order import statuses
from shop.settlements import services
from shop.settlements.models import Entry, EntryKind, Statement
from tests.fulfilment.cod_helpers import advance, cod_order
from tests.settlements.helpers import operator, producer_user

pytestmark = pytest.mark.django_db
Status = Shipment.Status
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DELIVERED = datetime(2026, 11, 3, 10, tzinfo=TZ)
CLOSING = datetime(2026, 11, 16, 6, tzinfo=TZ)  # the 1st-15th November period is over

HONEY_DUE, TEA_DUE = Decimal(370000), Decimal(430000)


def entries_of(partner):
    return sorted(
        Entry.objects.filter(partner=partner).values_list("kind", "gross"), key=lambda e: e[0]
    )


@pytest.fixture
def shared(client):
    order, honey, tea = cod_order(client)
    for shipment, code in ((honey, "GHNHONEY01"), (tea, "GHTKTEA002")):
        advance(shipment, Status.DELIVERED, code=code, at=DELIVERED)
    return order, honey, tea


def test_a_producer_whose_cash_is_in_earns_while_the_other_waits(shared):
    order, honey, tea = shared
    cod.cod_reported(shipment=honey, amount=HONEY_DUE, source="webhook:ghn")
    services.entries_record(now=CLOSING)
    order.refresh_from_db()
    assert order.status == statuses.CASH_ON_DELIVERY  # the tea's cash is not in
    assert entries_of(honey.partner) == [
        (EntryKind.SALE, Decimal(350000)),
        (EntryKind.SHIPPING, Decimal(20000)),
    ]
    assert entries_of(tea.partner) == []
    statements = services.statements_close(now=CLOSING)
    assert [s.partner for s in statements] == [honey.partner]
    assert statements[0].gross_sales == 350000 and statements[0].shipping == 20000


def test_cash_reported_before_delivery_waits_for_the_delivery(client):
    order, honey, tea = cod_order(client)
    cod.cod_reported(shipment=honey, amount=HONEY_DUE, source="webhook:ghn")
    advance(honey, Status.SHIPPED, code="GHNHONEY01")
    services.entries_record(now=CLOSING)
    assert not Entry.objects.exists()


def test_a_figure_in_dispute_earns_nothing_until_an_operator_decides(shared):
    order, honey, tea = shared
    cod.cod_reported(shipment=honey, amount=HONEY_DUE, source="webhook:ghn")
    cod.cod_reported(shipment=tea, amount=Decimal(400000), source="report:ghtk.csv")
    services.entries_record(now=CLOSING)
    assert entries_of(tea.partner) == []
    first = services.statements_close(now=CLOSING)
    assert [s.partner for s in first] == [honey.partner]

    cod.cod_discrepancy_resolve(
        discrepancy=CodDiscrepancy.objects.get(),
        decision=cod.Decision.DUE,
        note="GHTK chuyển bù 30.000",
        actor=operator(),
    )
    later = CLOSING + timedelta(days=16)
    services.entries_record(now=later)
    assert entries_of(tea.partner) == [
        (EntryKind.SALE, Decimal(400000)),
        (EntryKind.SHIPPING, Decimal(30000)),
    ]
    services.statements_close(now=later)
    assert Statement.objects.get(partner=tea.partner).gross_sales == 400000
    order.refresh_from_db()
    assert order.status == statuses.PAID
    # The ledger stays append-only: recording again adds nothing.
    assert services.entries_record(now=later) == 0


def test_the_producer_s_statement_shows_the_cash_collected_per_parcel(shared):
    _, honey, _ = shared
    cod.cod_reported(shipment=honey, amount=HONEY_DUE, source="webhook:ghn")
    statement = services.statements_close(now=CLOSING)[0]
    user = producer_user(honey.partner, "honey-maker")
    page = Client()
    page.force_login(user)
    html = page.get(
        reverse("producer-statements:detail", kwargs={"pk": statement.pk})
    ).content.decode()
    assert "statement-cash" in html and "GHNHONEY01" in html
    assert "GHTKTEA002" not in html  # the other producer's parcel is not theirs to see
