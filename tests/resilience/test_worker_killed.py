"""A worker killed between the order's commit and its e-mail: the e-mail is not lost, and not
sent twice. The worker is a real `celery worker` process, SIGKILLed while it sends."""

import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from shop.outbox import services as outbox
from shop.outbox.models import OutboxMessage
from tests.payments import flow
from tests.resilience.conftest import (
    WorkerProcess,
    buyer_at_preview,
    celery_broker,
    wait_for,
)

LEASE = 4


@pytest.mark.django_db(transaction=True)
def test_the_drain_sends_once_what_a_killed_worker_was_sending(own_redis, settings, tmp_path):
    settings.OUTBOX_LEASE_SECONDS = LEASE
    settings.OUTBOX_DISPATCH_GRACE_SECONDS = 1
    process = WorkerProcess(
        broker=own_redis.url,
        env={"TEST_MAIL_DIR": str(tmp_path), "OUTBOX_LEASE_SECONDS": str(LEASE)},
        log=tmp_path / "worker.log",
    )
    process.start()
    try:
        with celery_broker(own_redis.url):
            client, form = buyer_at_preview(
                products=[(flow.honey(), 1)], method="cod", email="mai@example.com"
            )
            placed = client.post(reverse("checkout:preview"), form)
            assert placed["Location"] == reverse("checkout:thank-you")
            wait_for(
                lambda: any(p.name.startswith("sending-") for p in tmp_path.iterdir()),
                what="the worker to start sending",
            )
            process.kill()  # in the middle of sending: nothing has left
    finally:
        process.kill()

    order = flow.latest_order()
    message = OutboxMessage.objects.get(key=f"order-email:{order.pk}:ORDER_PLACED")
    assert message.done_at is None and message.attempts == 1
    assert message.claimed_until > timezone.now()  # the dead worker's claim, for now
    assert mail.outbox == []

    call_command("outbox_drain")  # the claim still holds: not taken from under the worker
    assert mail.outbox == []

    time.sleep(max(0.0, (message.claimed_until - timezone.now()).total_seconds()) + 0.5)
    call_command("outbox_drain")  # later (cron or beat): the claim has run out
    assert [m.to for m in mail.outbox] == [["mai@example.com"]]
    assert order.number in mail.outbox[0].subject
    message.refresh_from_db()
    assert message.done_at is not None and message.attempts == 2

    # The dead worker's message comes back (it was never acknowledged): nothing more is sent.
    assert outbox.outbox_deliver(message_id=message.pk) is False
    call_command("outbox_drain")
    assert len(mail.outbox) == 1
