"""The outbox's own rules: one row per side effect, retries with backoff when the side effect
fails, the drain on beat's schedule, and done rows forgotten after a while."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from shop.celery import app
from shop.outbox import services as outbox
from shop.outbox.models import OutboxMessage
from tests.payments import flow

pytestmark = pytest.mark.django_db


def test_beat_drains_the_outbox_every_minute():
    schedule = app.conf.beat_schedule["outbox-drain"]
    assert schedule == {"task": "outbox.drain", "schedule": 60}


def test_the_same_side_effect_is_recorded_once(django_capture_on_commit_callbacks):
    order = flow.Order.objects.create(number="900001", total_incl_tax=0, total_excl_tax=0)
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(2):
            outbox.outbox_enqueue(
                task="payments.send_order_email",
                kwargs={"order_id": order.pk, "code": "PAYMENT_RECEIVED"},
                key=f"order-email:{order.pk}:PAYMENT_RECEIVED",
            )
    assert OutboxMessage.objects.count() == 1


def test_a_side_effect_recorded_again_is_handed_over_again_until_done(
    django_capture_on_commit_callbacks,
):
    order = flow.Order.objects.create(
        number="900003", total_incl_tax=0, total_excl_tax=0, guest_email="mai@example.com"
    )
    mail.outbox.clear()

    def enqueue():
        outbox.outbox_enqueue(
            task="payments.send_order_email",
            kwargs={"order_id": order.pk, "code": "PAYMENT_RECEIVED"},
            key=f"order-email:{order.pk}:PAYMENT_RECEIVED",
        )

    with django_capture_on_commit_callbacks(execute=False):  # its hand-over was lost
        enqueue()
    message = OutboxMessage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # asked again: the row goes now
        enqueue()
    message.refresh_from_db()
    assert message.done_at is not None and len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):  # once done, never again
        enqueue()
    assert OutboxMessage.objects.count() == 1 and len(mail.outbox) == 1


def test_an_unknown_task_is_refused_at_once():
    with pytest.raises(ValueError, match="no such task"):
        outbox.outbox_enqueue(task="payments.send_order_mail", kwargs={}, key="typo")


def test_a_failing_side_effect_is_retried_with_backoff(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.resilience.mailboxes.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        flow.checkout(client, products=[(flow.honey(), 1)], method="cod")
    order = flow.latest_order()
    message = OutboxMessage.objects.get(key=f"order-email:{order.pk}:ORDER_PLACED")
    assert message.done_at is None and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    wait = message.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS)

    call_command("outbox_drain")  # not due yet
    message.refresh_from_db()
    assert message.attempts == 1

    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    call_command("outbox_drain")  # due, the server still down: twice as long to wait
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at - timezone.now() > timedelta(seconds=55)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    call_command("outbox_drain")
    message.refresh_from_db()
    assert message.done_at is not None and message.last_error == ""
    assert [m.to for m in mail.outbox] == [["mai@example.com"]]


def test_attempts_stop_at_the_limit_for_an_operator_to_look(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    settings.EMAIL_BACKEND = "tests.resilience.mailboxes.RefusingBackend"
    order = flow.Order.objects.create(
        number="900002", total_incl_tax=0, total_excl_tax=0, guest_email="mai@example.com"
    )
    outbox.outbox_enqueue(
        task="payments.send_order_email",
        kwargs={"order_id": order.pk, "code": "PAYMENT_RECEIVED"},
        key="limit",
    )
    message = OutboxMessage.objects.get(key="limit")
    for _ in range(3):
        outbox.outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.next_attempt_at is None and message.done_at is None
    assert not outbox.outbox_due().exists()


def test_done_rows_are_forgotten_after_the_keeping_time():
    now = timezone.now()
    OutboxMessage.objects.create(key="old", task="outbox.drain", done_at=now - timedelta(days=31))
    OutboxMessage.objects.create(key="recent", task="outbox.drain", done_at=now - timedelta(days=1))
    OutboxMessage.objects.create(key="waiting", task="outbox.drain", next_attempt_at=now)
    assert outbox.outbox_purge(now=now) == 1
    assert set(OutboxMessage.objects.values_list("key", flat=True)) == {"recent", "waiting"}
    assert settings.OUTBOX_KEEP_DAYS == 30


RACE = """
import threading
import django

django.setup()
from shop.outbox.services import _task

errors, start = [], threading.Barrier(12)


def look_up():
    start.wait()
    try:
        _task("payments.send_order_email")
    except Exception as exc:
        errors.append(repr(exc))


threads = [threading.Thread(target=look_up) for _ in range(12)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(errors))
"""


def test_a_new_process_finds_the_tasks_from_many_threads_at_once():
    """The first requests of a web process arrive together; none may fail to find a task
    (a callback would answer an error and its change would roll back)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings.test"}
    for _ in range(3):
        result = subprocess.run(
            [sys.executable, "-c", RACE],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.split()[-1] == "0"


def test_a_batch_writes_its_rows_in_one_insert(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    """Rows of several tasks in one statement; a key recorded twice (or before) is one row."""
    outbox.outbox_enqueue(task="payments.send_order_email", kwargs={"order_id": 1}, key="a")
    with (
        django_capture_on_commit_callbacks() as handovers,
        transaction.atomic(),
        django_assert_num_queries(2),  # the INSERT, and the count below
        outbox.outbox_batch(),
    ):
        outbox.outbox_enqueue(task="payments.send_order_email", kwargs={"order_id": 2}, key="b")
        outbox.outbox_enqueue_many(
            task="fulfilment.send_shipment_email",
            kwargs_by_key={"c": {"event_id": 3}, "b": {"event_id": 4}, "a": {"event_id": 5}},
        )
        with outbox.outbox_batch():  # within the other: part of it
            outbox.outbox_enqueue(task="payments.send_order_email", kwargs={"order_id": 6})
        assert OutboxMessage.objects.count() == 1  # nothing written yet
    rows = {m.key: (m.task, m.kwargs) for m in OutboxMessage.objects.all()}
    assert rows.pop("b") == ("payments.send_order_email", {"order_id": 2})
    assert rows.pop("c") == ("fulfilment.send_shipment_email", {"event_id": 3})
    assert rows.pop("a") == ("payments.send_order_email", {"order_id": 1})
    ((key, row),) = rows.items()
    assert key.startswith("payments.send_order_email:") and row[1] == {"order_id": 6}
    # b, c and 6 handed over together; a, recorded before, again if it is not done yet
    assert len(handovers) == 2


def test_a_batch_closed_by_an_error_writes_nothing():
    with pytest.raises(RuntimeError), transaction.atomic(), outbox.outbox_batch():
        outbox.outbox_enqueue(task="payments.send_order_email", kwargs={"order_id": 1}, key="a")
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
    outbox.outbox_enqueue(task="payments.send_order_email", kwargs={"order_id": 1}, key="b")
    assert OutboxMessage.objects.get().key == "b"  # outside a batch again: written at once
