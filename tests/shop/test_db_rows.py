"""Rows written by a hand-built INSERT (shop/db/rows.py) are the rows `save()` writes, and the
models written that way have nobody listening to `save()`'s signals; rows read and locked by a
hand-built SELECT are what the ORM's locked read gives, and stay locked."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.db.models.signals import post_save, pre_save
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model
from wagtail.models import TranslatableMixin

from payments.models import GatewayCall, PaymentAttempt
from shop.db.rows import rows_insert, rows_locked
from shop.order import statuses
from shop.order.kinds import kind_get_or_create

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
OrderStatusChange = get_model("order", "OrderStatusChange")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")

# Every model the code writes with `rows_insert` (grep for it): none may have receivers.
WRITTEN = (OrderStatusChange, PaymentEvent, Source, GatewayCall)


def an_order(number="800001"):
    return Order.objects.create(
        number=number, total_incl_tax=185_000, total_excl_tax=185_000, guest_email="mai@example.com"
    )


def columns(row) -> dict:
    """The row as the database holds it, column by column, but its id."""
    values = type(row).objects.filter(pk=row.pk).values().get()
    values.pop("id")
    return values


# Wagtail's receiver of every model's pre_save, which acts on translatable models only.
WAGTAIL_LOCALE = "wagtail.models.i18n.set_locale_on_new_instance"


def receivers(signal, model) -> set[str]:
    live = signal._live_receivers(model)[0]  # (sync, async) in Django 5
    return {f"{receiver.__module__}.{receiver.__qualname__}" for receiver in live}


@pytest.mark.parametrize("model", WRITTEN, ids=lambda model: model.__name__)
def test_nobody_listens_to_the_saves_of_the_models_written_by_hand(model):
    assert receivers(pre_save, model) <= {WAGTAIL_LOCALE}
    assert not issubclass(model, TranslatableMixin)
    assert receivers(post_save, model) == set()


def test_a_row_is_written_as_save_writes_it_in_one_statement():
    order = an_order()
    kind = kind_get_or_create(SourceType, "vnpay", defaults={"name": "VNPay"})
    fields = {
        "order": order,
        "source_type": kind,
        "currency": "VND",
        "amount_allocated": Decimal(185_000),
        "amount_debited": Decimal(185_000),
        "reference": "CP8V65AA",
    }
    saved = Source.objects.create(**fields)
    written = Source(**fields)
    with CaptureQueriesContext(connection) as queries:
        rows_insert(written)
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")
    assert written.pk and written.pk != saved.pk
    assert not written._state.adding and written._state.db == "default"
    assert columns(written) == columns(saved)
    assert written.amount_refunded == Decimal(0)  # the model's default, written


def test_automatic_dates_are_set_as_save_sets_them():
    order = an_order()
    before = timezone.now()
    change = OrderStatusChange(
        order=order, old_status=statuses.PENDING_PAYMENT, new_status=statuses.PAID
    )
    rows_insert(change)
    stored = OrderStatusChange.objects.get(pk=change.pk)
    assert before <= stored.date_created <= timezone.now()
    assert stored.date_created == change.date_created
    assert (stored.old_status, stored.new_status) == (statuses.PENDING_PAYMENT, statuses.PAID)


def test_several_rows_in_one_statement_each_get_its_own_key():
    order = an_order()
    paid = kind_get_or_create(PaymentEventType, "Paid")
    events = [
        PaymentEvent(order=order, event_type=paid, amount=Decimal(amount), reference=ref)
        for amount, ref in ((100_000, "A"), (85_000, "B"), (1, "C"))
    ]
    with CaptureQueriesContext(connection) as queries:
        rows_insert(*events)
    assert len(queries) == 1
    stored = {e.pk: (e.amount, e.reference) for e in PaymentEvent.objects.filter(order=order)}
    assert stored == {e.pk: (e.amount, e.reference) for e in events}
    assert len(stored) == 3


def test_json_and_text_go_as_parameters_never_as_sql():
    """A caller's text, quotes and all, is a value: the statement stays the same shape."""
    hostile = "x'); DROP TABLE payments_gatewaycall; --"
    call = GatewayCall(
        gateway="vnpay",
        direction=GatewayCall.Direction.IN,
        operation="ipn",
        reference=hostile[:64],
        request={"vnp_OrderInfo": hostile, "nested": {"a": [1, "b"]}},
        response={"RspCode": "00"},
        outcome=hostile,
    )
    rows_insert(call)
    stored = GatewayCall.objects.get(pk=call.pk)
    assert stored.request == {"vnp_OrderInfo": hostile, "nested": {"a": [1, "b"]}}
    assert stored.outcome == hostile
    assert GatewayCall.objects.count() == 1


def test_nothing_to_write_writes_nothing():
    with CaptureQueriesContext(connection) as queries:
        rows_insert()
    assert not queries


def test_a_written_row_can_be_saved_again_as_an_update():
    order = an_order()
    change = OrderStatusChange(order=order, old_status="a", new_status="b")
    rows_insert(change)
    change.date_created -= timedelta(days=1)
    change.save()
    assert OrderStatusChange.objects.filter(order=order).count() == 1


# --------------------------------------------------------------------------- rows_locked


def an_attempt(order, reference="CP8V65AA", method="vnpay"):
    return PaymentAttempt.objects.create(
        order=order,
        method=method,
        reference=reference,
        amount=Decimal(185_000),
        expires_at=timezone.now() + timedelta(minutes=15),
    )


def loaded(row) -> dict:
    """What a row holds, its state aside."""
    return {name: value for name, value in vars(row).items() if name != "_state"}


def test_a_locked_row_and_its_joined_row_are_what_the_orm_reads():
    order = an_order()
    an_attempt(order, reference="CP8V65AB")  # another attempt of the order: not wanted
    attempt = an_attempt(order, reference="CP8V65AA")
    expected = (
        PaymentAttempt.objects.select_for_update(of=("self", "order"))
        .select_related("order")
        .only("reference", "amount", "created_at", "order__number", "order__date_placed")
        .get(reference="CP8V65AA", method="vnpay")
    )
    with transaction.atomic():
        found = rows_locked(
            PaymentAttempt,
            where={"reference": "CP8V65AA", "method": "vnpay"},
            fields=("reference", "amount", "created_at"),
            join="order",
            join_fields=("number", "date_placed"),
        )
    assert [row.pk for row in found] == [attempt.pk]
    (row,) = found
    assert loaded(row) == loaded(expected)
    assert row.get_deferred_fields() == expected.get_deferred_fields()
    assert isinstance(row.amount, Decimal) and row.created_at == attempt.created_at
    assert not row._state.adding and row._state.db == "default"
    with CaptureQueriesContext(connection) as queries:
        joined = row.order
    assert len(queries) == 0
    assert loaded(joined) == loaded(expected.order)
    assert joined.get_deferred_fields() == expected.order.get_deferred_fields()
    assert joined.status == order.status  # deferred: read when used


def test_locked_rows_come_in_key_order_and_none_when_nothing_matches():
    first, second = an_order("800001"), an_order("800002")
    attempts = [an_attempt(first, "CP8V65AA"), an_attempt(second, "CP8V65AB")]
    an_attempt(first, "CP8V65AC", method="momo")
    with transaction.atomic():
        found = rows_locked(PaymentAttempt, where={"method": "vnpay"}, fields=("status",))
        nothing = rows_locked(PaymentAttempt, where={"reference": "CP8V6XXX"}, fields=())
    assert [row.pk for row in found] == [attempt.pk for attempt in attempts]
    assert nothing == []


def test_locked_values_come_back_converted_as_the_orm_converts_them():
    call = GatewayCall.objects.create(
        gateway="vnpay",
        direction="in",
        operation="ipn",
        reference="CP8V65AA",
        request={"vnp_Amount": "18500000", "nested": [1, "hai"]},
    )
    with transaction.atomic():
        (row,) = rows_locked(
            GatewayCall, where={"reference": "CP8V65AA"}, fields=("request", "created_at")
        )
    assert row.request == {"vnp_Amount": "18500000", "nested": [1, "hai"]}
    assert loaded(row) == loaded(GatewayCall.objects.only("request", "created_at").get())
    assert row.created_at == call.created_at


@pytest.mark.django_db(transaction=True)
def test_rows_are_locked_only_within_a_transaction():
    with pytest.raises(TransactionManagementError):
        rows_locked(PaymentAttempt, where={"reference": "CP8V65AA"}, fields=())


@pytest.mark.django_db(transaction=True)
def test_the_row_and_its_joined_row_stay_locked_until_the_transaction_ends(uses_postgres):
    attempt = an_attempt(an_order())

    def taken_elsewhere() -> dict[str, bool]:
        """Whether another connection finds each row locked (it does not wait)."""
        taken = {}

        def probe():
            try:
                for name, model, pk in (
                    ("attempt", PaymentAttempt, attempt.pk),
                    ("order", Order, attempt.order_id),
                ):
                    try:
                        with transaction.atomic():
                            model.objects.select_for_update(nowait=True).get(pk=pk)
                        taken[name] = False
                    except DatabaseError:
                        taken[name] = True
            finally:
                connections.close_all()

        thread = threading.Thread(target=probe)
        thread.start()
        thread.join()
        return taken

    with transaction.atomic():
        rows_locked(
            PaymentAttempt,
            where={"reference": attempt.reference},
            fields=("status",),
            join="order",
            join_fields=("status",),
        )
        assert taken_elsewhere() == {"attempt": True, "order": True}
    assert taken_elsewhere() == {"attempt": False, "order": False}
