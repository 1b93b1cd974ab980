"""Oscar's payment source and event types, kept in memory once known: never a row that a
rollback undid, never one deleted since."""

import pytest
from django.db import transaction
from oscar.core.loading import get_model

from shop.order.kinds import kind_get_or_create

pytestmark = pytest.mark.django_db

PaymentEventType = get_model("order", "PaymentEventType")
SourceType = get_model("payment", "SourceType")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`kind_get_or_create` in a transaction that commits."""

    def get(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return kind_get_or_create(*args, **kwargs)

    return get


def test_a_kind_is_created_once_then_kept(committed, django_assert_num_queries):
    created = committed(SourceType, "vnpay", defaults={"name": "VNPay"})
    assert (created.code, created.name) == ("vnpay", "VNPay")
    with django_assert_num_queries(0):
        assert committed(SourceType, "vnpay", defaults={"name": "VNPay"}) == created
    assert SourceType.objects.count() == 1


def test_a_kind_created_in_a_transaction_rolled_back_is_not_cached(committed):
    with pytest.raises(RuntimeError), transaction.atomic():
        kind_get_or_create(PaymentEventType, "Paid")
        raise RuntimeError("the payment failed")
    assert not PaymentEventType.objects.exists()
    row = committed(PaymentEventType, "Paid")  # created again, not the one rolled back
    assert PaymentEventType.objects.get() == row


def test_a_kind_deleted_or_changed_is_read_again(committed):
    row = committed(PaymentEventType, "Paid")
    row.delete()
    again = committed(PaymentEventType, "Paid")
    assert again.pk != row.pk and PaymentEventType.objects.get() == again
    again.code = "paid-2"
    again.save()
    assert committed(PaymentEventType, "Paid").code == "paid-2"
