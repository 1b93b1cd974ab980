"""The earnings ledger: commission, which lines count, idempotency, refunds clawing back."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from payments import services as payments
from shop.settlements import services
from shop.settlements.models import Entry, EntryKind, LedgerLocked
from tests.settlements import helpers

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DELIVERED = datetime(2026, 11, 10, 9, 0, tzinfo=HCM)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=HCM)


@override_settings(MARKETPLACE_COMMISSION_RATE=Decimal("0.08"))
def test_commission_default_rate_and_override_exact_half_up():
    plain = helpers.producer("Hộ Giàng A Pao")
    own = helpers.producer("HTX Chè Shan tuyết", rate=Decimal("0.0500"))
    assert services.commission_rate_for(partner=plain) == Decimal("0.08")
    assert services.commission_rate_for(partner=own) == Decimal("0.0500")
    assert services.commission_on(gross=Decimal(123_456), rate=Decimal("0.08")) == Decimal(9876)
    assert services.commission_on(gross=Decimal(123_457), rate=Decimal("0.08")) == Decimal(9877)
    # Exactly half a đồng rounds up (and away from zero for a claw-back).
    assert services.commission_on(gross=Decimal(1_250), rate=Decimal("0.0004")) == Decimal(1)
    assert services.commission_on(gross=Decimal(-1_250), rate=Decimal("0.0004")) == Decimal(-1)
    assert services.commission_on(gross=Decimal(1_249), rate=Decimal("0.0004")) == Decimal(0)


@override_settings(MARKETPLACE_COMMISSION_RATE=Decimal("0.08"))
def test_sale_entries_snapshot_rate_and_round_per_line():
    operator = helpers.operator()
    plain = helpers.producer("Hộ Giàng A Pao")
    own = helpers.producer("HTX Chè Shan tuyết", rate=Decimal("0.1000"))
    honey = helpers.product(plain, price="123456")
    tea = helpers.product(own, price="61725")
    placed = helpers.pay(helpers.order([(honey, 1), (tea, 2)]), operator)
    helpers.deliver(placed, plain, DELIVERED)
    helpers.deliver(placed, own, DELIVERED)

    assert services.entries_record(now=NOW) == 2
    sale = Entry.objects.get(partner=plain, kind=EntryKind.SALE)
    assert (sale.gross, sale.commission, sale.net, sale.rate) == (
        Decimal(123456),
        Decimal(9876),  # 9876.48
        Decimal(113580),
        Decimal("0.0800"),
    )
    assert sale.quantity == 1 and sale.earned_at == DELIVERED
    other = Entry.objects.get(partner=own, kind=EntryKind.SALE)
    assert (other.gross, other.commission, other.net) == (
        Decimal(123450),
        Decimal(12345),
        Decimal(111105),
    )
    assert other.quantity == 2

    # The rate is a snapshot: changing it later does not change what was recorded.
    own.commission_rate = Decimal("0.2000")
    own.save()
    other.refresh_from_db()
    assert other.rate == Decimal("0.1000")


def test_only_lines_delivered_and_paid_count():
    operator = helpers.operator()
    maker = helpers.producer("Hộ Giàng A Pao")
    honey = helpers.product(maker, price="200000")

    delivered_unpaid = helpers.order([(honey, 1)])
    helpers.deliver(delivered_unpaid, maker, DELIVERED)
    paid_undelivered = helpers.pay(helpers.order([(honey, 1)]), operator)
    assert services.entries_record(now=NOW) == 0
    assert not Entry.objects.exists()

    # Delivered after `now`: not yet.
    helpers.deliver(paid_undelivered, maker, datetime(2026, 11, 21, tzinfo=HCM))
    assert services.entries_record(now=NOW) == 0

    helpers.pay(delivered_unpaid, operator)
    assert services.entries_record(now=NOW) == 1
    assert Entry.objects.get().order_id == delivered_unpaid.pk


def test_recording_twice_records_nothing_new_and_entries_are_append_only():
    operator = helpers.operator()
    maker = helpers.producer("Hộ Giàng A Pao")
    placed = helpers.pay(helpers.order([(helpers.product(maker, price="150000"), 2)]), operator)
    helpers.deliver(placed, maker, DELIVERED, charge=Decimal(30000))
    assert services.entries_record(now=NOW) == 2
    assert services.entries_record(now=NOW) == 0
    assert Entry.objects.count() == 2
    shipping = Entry.objects.get(kind=EntryKind.SHIPPING)
    assert (shipping.gross, shipping.commission, shipping.net) == (
        Decimal(30000),
        Decimal(0),
        Decimal(30000),
    )
    sale = Entry.objects.get(kind=EntryKind.SALE)
    sale.net = Decimal(1)
    with pytest.raises(LedgerLocked):
        sale.save()
    with pytest.raises(LedgerLocked):
        Entry.objects.filter(pk=sale.pk).update(net=Decimal(1))
    with pytest.raises(LedgerLocked):
        sale.delete()


@override_settings(MARKETPLACE_COMMISSION_RATE=Decimal("0.08"))
def test_refunds_claw_back_at_the_rate_of_the_sale():
    operator = helpers.operator()
    maker = helpers.producer("Hộ Giàng A Pao", rate=Decimal("0.1000"))
    other = helpers.producer("HTX Chè Shan tuyết")
    placed = helpers.pay(
        helpers.order(
            [
                (helpers.product(maker, price="300000"), 1),
                (helpers.product(other, price="90000"), 1),
            ]
        ),
        operator,
    )
    # Refunded before delivery: waits until the sale it reverses is recorded.
    refund = helpers.refund(
        placed, maker, 100005, actor=operator, at=datetime(2026, 11, 8, tzinfo=HCM)
    )
    assert refund.partner == maker
    assert services.entries_record(now=NOW) == 0
    helpers.deliver(placed, maker, DELIVERED)
    assert services.entries_record(now=NOW) == 2
    claw = Entry.objects.get(kind=EntryKind.REFUND)
    assert claw.partner == maker
    assert (claw.gross, claw.commission, claw.net, claw.rate) == (
        Decimal(-100005),
        Decimal(-10001),  # 10000.5 given back, half-up away from zero
        Decimal(-90004),
        Decimal("0.1000"),
    )
    assert services.entries_record(now=NOW) == 0


def test_a_refund_of_a_mixed_order_must_name_the_producer():
    operator = helpers.operator()
    one = helpers.producer("Hộ Giàng A Pao")
    two = helpers.producer("HTX Chè Shan tuyết")
    mixed = helpers.pay(
        helpers.order(
            [(helpers.product(one, price="100000"), 1), (helpers.product(two, price="90000"), 1)]
        ),
        operator,
    )
    with pytest.raises(payments.PaymentNotAllowed):
        payments.payment_refund(
            attempt=mixed.payment_attempts.get(), amount=Decimal(1000), reason="x", actor=operator
        )
    single = helpers.pay(helpers.order([(helpers.product(one, price="50000"), 1)]), operator)
    refund = payments.payment_refund(
        attempt=single.payment_attempts.get(), amount=Decimal(1000), reason="x", actor=operator
    )
    assert refund.partner == one  # implied
    with pytest.raises(payments.PaymentNotAllowed):  # not this order's producer
        payments.payment_refund(
            attempt=single.payment_attempts.get(),
            amount=Decimal(1000),
            reason="x",
            actor=operator,
            partner=two,
        )
