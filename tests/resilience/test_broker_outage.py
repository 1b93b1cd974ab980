"""No side effect is lost when the broker is down: they wait in the outbox, committed with the
change, and go out once the broker is back: every e-mail exactly once."""

from collections import Counter

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from payments.simulators.vnpay import VNPaySimulatorCore
from shop.order import statuses
from shop.outbox import services as outbox
from shop.outbox.models import OutboxMessage
from shop.outbox.tasks import deliver, drain
from tests import factories
from tests.payments import flow
from tests.resilience.conftest import buyer_at_preview, celery_broker, wait_for, worker

OPTIONS = settings.PAYMENT_GATEWAYS["vnpay"]["OPTIONS"]


@pytest.fixture
def bank():
    return VNPaySimulatorCore(tmn_code=OPTIONS["tmn_code"], hash_secret=OPTIONS["hash_secret"])


def honey_from_a_producer_with_mail():
    maker = factories.producer()
    maker.email = "htx-mat-ong@example.com"
    maker.save()
    return flow.honey(maker=maker)


def place_cod(client=None):
    client, form = buyer_at_preview(
        client=client,
        products=[(honey_from_a_producer_with_mail(), 1)],
        method="cod",
        email="mai@example.com",
    )
    response = client.post(reverse("checkout:preview"), form)
    assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
    return flow.latest_order()


def place_vnpay(client):
    """A VNPay order placed: the client and the redirect to VNPay's pay page."""
    client, form = buyer_at_preview(
        client=client,
        products=[(honey_from_a_producer_with_mail(), 2)],
        method="vnpay",
        email="lan@example.com",
    )
    response = client.post(reverse("checkout:preview"), form)
    assert response.status_code == 302 and response["Location"].startswith(OPTIONS["pay_url"])
    return client, response["Location"]


def pay_at_vnpay(client, bank, pay_url):
    """The order paid at VNPay, whose signed IPN reaches us: its answer."""
    transaction = bank.accept_pay_url(pay_url)
    answer = client.get(reverse("payments:vnpay-ipn"), bank.pay(transaction.txn_ref))
    assert answer.status_code == 200
    return answer.json()


def place_vnpay_and_pay(client, bank):
    """A VNPay order, paid at VNPay, whose signed IPN reaches us: its answer."""
    client, pay_url = place_vnpay(client)
    return flow.latest_order(), pay_at_vnpay(client, bank, pay_url)


def sent() -> Counter:
    return Counter((tuple(m.to), m.subject) for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_ipn_with_the_broker_down_answers_00_and_the_email_waits(broker_down, client, bank):
    order, answer = place_vnpay_and_pay(client, bank)
    assert answer == {"RspCode": "00", "Message": "Confirm Success"}
    order.refresh_from_db()
    assert order.status == statuses.PAID
    waiting = OutboxMessage.objects.get(key=f"order-email:{order.pk}:PAYMENT_RECEIVED")
    assert waiting.done_at is None and mail.outbox == []

    # Without any broker, the drain command (cron) sends what waits: once.
    call_command("outbox_drain")
    assert sent()[(("lan@example.com",), f"Đã nhận thanh toán cho đơn hàng {order.number}")] == 1
    assert not OutboxMessage.objects.filter(done_at=None).exists()
    before = sent()
    call_command("outbox_drain")
    outbox.outbox_deliver(message_id=waiting.pk)  # handed over twice: still once
    assert sent() == before


@pytest.mark.django_db(transaction=True)
def test_every_email_goes_out_exactly_once_after_a_broker_outage(own_redis, client, bank):
    with celery_broker(own_redis.url):
        own_redis.stop()  # the broker goes down
        cod = place_cod()
        paid, answer = place_vnpay_and_pay(client, bank)
        assert answer["RspCode"] == "00"
        waiting = OutboxMessage.objects.filter(done_at=None)
        assert waiting.count() == 5 and mail.outbox == []  # 2 to producers, 3 to buyers

        own_redis.start()  # back, empty: whatever was queued before is gone
        with worker():
            drain.delay()  # what beat does every minute
            wait_for(lambda: not waiting.exists(), what="the outbox to empty")
            first = sent()
            # Everything handed over again (a replayed queue, a second drain): no change.
            for message_id in OutboxMessage.objects.values_list("pk", flat=True):
                deliver.delay(message_id=message_id)
            drain.delay()
            queue = redis.Redis.from_url(own_redis.url)
            wait_for(
                lambda: queue.llen("default") == 0 and queue.hlen("unacked") == 0,
                what="the worker to finish",
            )

    assert first == sent()
    assert set(first.values()) == {1}  # 0 lost, 0 duplicated
    recipients = Counter(to for (to,), _subject in first)
    assert recipients == {"mai@example.com": 1, "lan@example.com": 2, "htx-mat-ong@example.com": 2}
    for (to,), subject in first:
        number = cod.number if to == "mai@example.com" else paid.number
        assert number in subject or to.startswith("htx")
    assert all(m.attempts == 1 for m in OutboxMessage.objects.all())


@pytest.mark.django_db(transaction=True)
def test_the_emails_of_one_commit_reach_the_broker_as_one_message(own_redis, client, bank):
    """A paying IPN's e-mails (the buyer's, the producer's) are handed over together: one
    message on the queue, and a worker sends each exactly once."""
    with celery_broker(own_redis.url):
        queue = redis.Redis.from_url(own_redis.url)
        client, pay_url = place_vnpay(client)
        order = flow.latest_order()
        queue.delete("default")  # what placing the order handed over
        before = set(OutboxMessage.objects.values_list("pk", flat=True))
        assert pay_at_vnpay(client, bank, pay_url)["RspCode"] == "00"
        rows = OutboxMessage.objects.exclude(pk__in=before)
        assert rows.count() == 2  # the buyer's receipt, the producer's new order
        (message,) = queue.lrange("default", 0, -1)  # handed over in one message
        assert b"outbox.deliver_many" in message
        mail.outbox.clear()
        with worker():
            wait_for(lambda: not rows.filter(done_at=None).exists(), what="the e-mails")
    assert all(row.attempts == 1 for row in rows)
    assert Counter(to for (to,), _subject in sent()) == {
        "lan@example.com": 1,
        "htx-mat-ong@example.com": 1,
    }
    assert order.number in " ".join(subject for _to, subject in sent())
