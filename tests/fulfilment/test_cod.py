"""Cash on delivery per shipment: each producer's parcel is due its own share of the order,
carriers' figures are recorded per shipment, differences go to operators, and the order is
paid when every share is in."""

from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from payments import services as payments
from payments.models import AttemptStatus, PaymentAction
from shop.fulfilment import cod
from shop.fulfilment.models import CodDiscrepancy, Shipment
from shop.order import statuses
from tests import factories
from tests.fulfilment.cod_helpers import cod_order
from tests.fulfilment.helpers import two_producer_order

pytestmark = pytest.mark.django_db
Cod = Shipment.Cod

HONEY_DUE = Decimal(350000 + 20000)
TEA_DUE = Decimal(2 * 200000 + 30000)


def operator():
    return get_user_model().objects.create_user("op", "op@example.com", "pw", is_staff=True)


def test_each_shipment_of_a_cash_order_is_due_its_share_adding_up_to_the_total(client):
    order, honey, tea = cod_order(client)
    assert order.status == statuses.CASH_ON_DELIVERY
    assert (honey.cod, honey.cod_due) == (Cod.DUE, HONEY_DUE)
    assert (tea.cod, tea.cod_due) == (Cod.DUE, TEA_DUE)
    assert honey.cod_due + tea.cod_due == order.total_incl_tax


def test_a_prepaid_order_owes_no_cash(client):
    order, *_ = two_producer_order(client, method="vietqr")
    assert set(order.shipments.values_list("cod", "cod_due")) == {(Cod.NONE, Decimal(0))}


def test_shares_take_discounts_off_and_still_add_up(client):
    order, honey, tea = cod_order(client)
    line = order.lines.get(partner=tea.partner)
    type(line).objects.filter(pk=line.pk).update(line_price_incl_tax=Decimal("399999.5"))
    type(order).objects.filter(pk=order.pk).update(total_incl_tax=Decimal("799999.5"))
    order.refresh_from_db()
    shares = cod.shipment_shares(order=order)
    assert sum(shares.values()) == Decimal(800000)  # whole đồng, half up
    assert shares[tea.pk] == Decimal(430000)


def test_the_figure_due_collects_the_shipment_once(client):
    order, honey, _ = cod_order(client)
    assert cod.cod_reported(shipment=honey, amount=HONEY_DUE, source="webhook:ghn") == "collected"
    honey.refresh_from_db()
    assert (honey.cod, honey.cod_collected) == (Cod.COLLECTED, HONEY_DUE)
    assert honey.cod_reported_at is not None
    first_at = honey.cod_reported_at
    assert cod.cod_reported(shipment=honey, amount=HONEY_DUE, source="report:x.csv") == "duplicate"
    honey.refresh_from_db()
    assert honey.cod_reported_at == first_at
    order.refresh_from_db()
    assert order.status == statuses.CASH_ON_DELIVERY  # the tea's cash is not in yet


def test_each_producer_s_cash_counts_on_its_own_and_both_pay_the_order(client):
    order, honey, tea = cod_order(client)
    cod.cod_reported(shipment=tea, amount=TEA_DUE, source="webhook:ghtk")
    order.refresh_from_db()
    assert order.status == statuses.CASH_ON_DELIVERY
    cod.cod_reported(shipment=honey, amount=HONEY_DUE, source="webhook:ghn")
    order.refresh_from_db()
    assert order.status == statuses.PAID
    attempt = order.payment_attempts.get()
    assert attempt.status == AttemptStatus.PAID
    assert not PaymentAction.objects.exists()  # nobody's hand: the carriers reported it


def test_another_figure_opens_one_discrepancy_and_keeps_the_order_waiting(client):
    order, honey, tea = cod_order(client)
    cod.cod_reported(shipment=tea, amount=TEA_DUE, source="webhook:ghtk")
    assert cod.cod_reported(shipment=honey, amount=Decimal(300000), source="webhook:ghn") == (
        "mismatch"
    )
    honey.refresh_from_db()
    assert honey.cod == Cod.MISMATCH
    gap = CodDiscrepancy.objects.get()
    assert (gap.expected, gap.reported, gap.source) == (HONEY_DUE, 300000, "webhook:ghn")
    # The same report again, or another figure, changes nothing: one open discrepancy.
    cod.cod_reported(shipment=honey, amount=Decimal(300000), source="webhook:ghn")
    cod.cod_reported(shipment=honey, amount=HONEY_DUE, source="report:late.csv")
    assert CodDiscrepancy.objects.count() == 1
    order.refresh_from_db()
    assert order.status == statuses.CASH_ON_DELIVERY


@pytest.mark.parametrize(
    ("decision", "note", "amount"),
    [
        (cod.Decision.CARRIER, "", Decimal(300000)),
        (cod.Decision.DUE, "", HONEY_DUE),
        (cod.Decision.WRITE_OFF, "Shipper làm rơi tiền, GHN bồi thường sau", Decimal(300000)),
    ],
)
def test_an_operator_decides_and_the_order_is_paid(client, decision, note, amount):
    order, honey, tea = cod_order(client)
    cod.cod_reported(shipment=tea, amount=TEA_DUE, source="webhook:ghtk")
    cod.cod_reported(shipment=honey, amount=Decimal(300000), source="webhook:ghn")
    staff = operator()
    gap = cod.cod_discrepancy_resolve(
        discrepancy=CodDiscrepancy.objects.get(), decision=decision, note=note, actor=staff
    )
    assert gap.resolved_by == staff and gap.resolved_at is not None
    assert (note in gap.resolution) if note else gap.resolution
    honey.refresh_from_db()
    assert (honey.cod, honey.cod_collected) == (Cod.RESOLVED, amount)
    order.refresh_from_db()
    assert order.status == statuses.PAID
    # Decided once; the carrier's same figure again does not reopen it.
    with pytest.raises(cod.CodRefused):
        cod.cod_discrepancy_resolve(discrepancy=gap, decision=decision, note=note, actor=staff)
    assert cod.cod_reported(shipment=honey, amount=Decimal(300000), source="x") == "duplicate"


def test_writing_off_needs_a_note_and_a_decision_is_required(client):
    _, honey, _ = cod_order(client)
    cod.cod_reported(shipment=honey, amount=Decimal(1), source="webhook:ghn")
    gap, staff = CodDiscrepancy.objects.get(), operator()
    for decision, note in ((cod.Decision.WRITE_OFF, "   "), ("whatever", "note")):
        with pytest.raises(cod.CodRefused):
            cod.cod_discrepancy_resolve(discrepancy=gap, decision=decision, note=note, actor=staff)
        gap.refresh_from_db()
        assert gap.resolved_at is None
    honey.refresh_from_db()
    assert honey.cod == Cod.MISMATCH


def test_cash_on_a_prepaid_parcel_is_a_discrepancy_and_zero_is_ignored(client):
    order, *_ = two_producer_order(client, method="vietqr")
    shipment = order.shipments.first()
    assert cod.cod_reported(shipment=shipment, amount=Decimal(0), source="webhook:ghn") == (
        "ignored"
    )
    assert cod.cod_reported(shipment=shipment, amount=Decimal(5000), source="webhook:ghn") == (
        "mismatch"
    )
    assert CodDiscrepancy.objects.get().expected == 0


def test_a_person_recording_the_order_s_cash_collects_every_share_still_due(client):
    order, honey, tea = cod_order(client)
    cod.cod_reported(shipment=honey, amount=Decimal(1), source="webhook:ghn")  # disputed
    payments.cash_collected(order=order, actor=operator(), reason="Shipper nộp tiền")
    order.refresh_from_db()
    assert order.status == statuses.PAID
    honey.refresh_from_db()
    tea.refresh_from_db()
    assert (tea.cod, tea.cod_collected) == (Cod.COLLECTED, TEA_DUE)
    assert honey.cod == Cod.MISMATCH  # still the operators' to decide


def test_setting_the_dues_again_keeps_reported_figures(client):
    order, honey, tea = cod_order(client)
    cod.cod_reported(shipment=honey, amount=HONEY_DUE, source="webhook:ghn")
    assert cod.cod_due_set_for_order(order=order) == 0
    honey.refresh_from_db()
    assert honey.cod == Cod.COLLECTED


def test_the_data_migration_sets_the_shares_of_older_cash_orders(client):
    migration = import_module("shop.fulfilment.migrations.0003_cod_per_shipment")
    waiting, honey, tea = cod_order(client)
    paid, *_ = cod_order(client)
    payments.cash_collected(order=paid, actor=operator())
    Shipment.objects.update(cod="", cod_due=0, cod_collected=None, cod_reported_at=None)
    migration.forwards(apps, None)
    honey.refresh_from_db()
    assert (honey.cod, honey.cod_due, honey.cod_collected) == (Cod.DUE, HONEY_DUE, None)
    assert set(paid.shipments.values_list("cod", flat=True)) == {Cod.COLLECTED}
    assert sum(paid.shipments.values_list("cod_collected", flat=True)) == paid.total_incl_tax


def test_the_producer_sees_their_own_parcel_s_cash(client):
    _, honey, tea = cod_order(client)
    cod.cod_reported(shipment=honey, amount=Decimal(300000), source="webhook:ghn")
    producer = Client()
    producer.force_login(factories.producer_user(honey.partner))
    html = producer.get(reverse("producer-orders:detail", kwargs={"pk": honey.pk})).content
    html = html.decode()
    assert "shipment-cod" in html
    assert "370.000" in html and "300.000" in html  # due, and what the carrier reported
    assert "430.000" not in html  # the other producer's share is not theirs to see
