"""The outbox: side effects of a committed change, durable in the database until done.

A service that changes something and must then e-mail someone (or start any follow-up task)
calls `outbox_enqueue` inside its transaction. The row commits with the change or not at all.
Once committed, the row is handed to the broker at once, so the normal case is as fast as a
plain ``.delay()``; when the broker is down, the row waits and `outbox_drain` (Celery beat, or
``manage.py outbox_drain`` from cron) hands it over again later.

Delivery (`outbox_deliver`, run by the ``outbox.deliver`` task) claims the row with a
conditional UPDATE, runs the task outside any transaction or lock, then marks the row done.
A second copy of the message finds the row claimed or done and does nothing, so each e-mail
goes out once even when a row is dispatched twice. A worker that dies holding a claim only
delays the row: the claim expires after ``OUTBOX_LEASE_SECONDS`` and the drain hands it over
again.
"""

import logging
import threading
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import F, Q
from django.utils import timezone

from shop.db.rows import rows_insert_sql
from shop.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)


# The rows an `outbox_batch` collects (None outside one), per thread and task.
_batch: ContextVar[list[OutboxMessage] | None] = ContextVar("outbox_batch", default=None)


def outbox_enqueue(*, task: str, kwargs: dict, key: str = "") -> None:
    """Record that `task` must run with `kwargs` (ids) once the caller's transaction commits.

    `key` names the side effect; a second enqueue with the same key is ignored. Without a
    key, every call is a side effect of its own.
    """
    _task(task)  # a typo fails here, in the caller's tests, not later in a worker
    _record([_message(task, kwargs, key)])


def outbox_enqueue_many(*, task: str, kwargs_by_key: dict[str, dict]) -> None:
    """`outbox_enqueue` of `task` once per key (key -> kwargs), in one INSERT."""
    if not kwargs_by_key:
        return
    _task(task)
    _record([_message(task, kwargs, key) for key, kwargs in kwargs_by_key.items()])


@contextmanager
def outbox_batch():
    """Within it, what `outbox_enqueue` and `outbox_enqueue_many` record waits, and is written
    as it closes, in one INSERT: a change with several side effects (a payment: the buyer's
    e-mail, each producer's) writes its rows in one statement. Open it inside the caller's
    transaction; closed by an exception, it writes nothing. One opened within another is part
    of it."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set([])
    try:
        yield
        messages = _batch.get()
    finally:
        _batch.reset(token)
    _write(messages)


def _message(task: str, kwargs: dict, key: str) -> OutboxMessage:
    return OutboxMessage(
        key=key or f"{task}:{uuid.uuid4().hex}",
        task=task,
        kwargs=kwargs,
        next_attempt_at=timezone.now() + timedelta(seconds=settings.OUTBOX_DISPATCH_GRACE_SECONDS),
    )


def _record(messages: list[OutboxMessage]) -> None:
    batch = _batch.get()
    if batch is None:
        _write(messages)
    else:
        batch.extend(messages)


def _write(messages: list[OutboxMessage]) -> None:
    """Insert the rows whose key is new; once the transaction commits, hand each to the
    broker: a new row by its id, a row recorded before by its key (if it is not done yet)."""
    by_key: dict[str, OutboxMessage] = {}
    for message in messages:
        by_key.setdefault(message.key, message)  # the first of a key wins, as in the table
    if not by_key:
        return
    using = router.db_for_write(OutboxMessage)
    inserted = _insert_new(list(by_key.values()), using=using)
    new = [(inserted[key], message.task) for key, message in by_key.items() if key in inserted]
    if new:  # handed over together: one broker message a queue
        transaction.on_commit(partial(_send_many, new), using=using, robust=True)
    for key in by_key.keys() - inserted.keys():
        transaction.on_commit(partial(outbox_dispatch, key=key), using=using, robust=True)


def _insert_new(messages: list[OutboxMessage], *, using: str) -> dict[str, int]:
    """Insert `messages` but those whose key a row has: the new rows' ids by key. One
    statement (``INSERT ... ON CONFLICT DO NOTHING RETURNING``), so that handing the rows over
    after the commit needs no query to find them again."""
    meta = OutboxMessage._meta
    quote = connections[using].ops.quote_name
    key, pk = quote(meta.get_field("key").column), quote(meta.pk.column)
    sql, values = rows_insert_sql(
        messages, using=using, suffix=f"ON CONFLICT ({key}) DO NOTHING RETURNING {pk}, {key}"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, values)
        return {key: pk for pk, key in cursor.fetchall()}


def outbox_dispatch(*, key: str) -> bool:
    """Hand a committed row to the broker; False (logged, never raised) when it is down."""
    message = OutboxMessage.objects.filter(key=key, done_at=None).only("pk", "task").first()
    if message is None:
        return False
    return _send(message.pk, message.task)


_tasks_import = threading.Lock()


def _task(name: str):
    if name not in current_app.tasks:
        with _tasks_import:  # the first requests of a process arrive together, in threads
            if name not in current_app.tasks:
                current_app.loader.import_default_modules()  # the apps' tasks modules
    try:
        return current_app.tasks[name]
    except KeyError:
        raise ValueError(f"no such task: {name}") from None


def _send(message_id: int, task: str) -> bool:
    return _send_many([(message_id, task)])


def _send_many(messages: list[tuple[int, str]]) -> bool:
    """Hand committed rows (id, task) to the broker: one broker message for the rows of a
    queue (a publish costs more than the delivery's own bookkeeping). False (logged, never
    raised) when the broker is down: the rows are then due for the drain at once."""
    from shop.outbox.tasks import deliver, deliver_many

    by_queue: dict[str, list[int]] = {}
    for message_id, task in messages:
        queue = current_app.amqp.router.route({}, task)["queue"].name
        by_queue.setdefault(queue, []).append(message_id)
    handed = True
    for queue, ids in by_queue.items():
        try:
            if len(ids) == 1:
                deliver.apply_async(kwargs={"message_id": ids[0]}, queue=queue, retry=False)
            else:
                deliver_many.apply_async(kwargs={"message_ids": ids}, queue=queue, retry=False)
        except Exception as exc:  # noqa: BLE001 (any broker error: the drain hands it over)
            if current_app.conf.task_always_eager:
                raise  # inline: not a broker error
            logger.warning("outbox messages %s wait for the broker: %s", ids, exc)
            OutboxMessage.objects.filter(pk__in=ids, done_at=None).update(
                next_attempt_at=timezone.now()
            )
            handed = False
    return handed


def outbox_deliver(*, message_id: int) -> bool:
    """Claim the row, run its task, mark it done. False when someone else has it, or it is
    done, or the task failed (then it is retried later, with backoff)."""
    now = timezone.now()
    claim = uuid.uuid4().hex
    claimed = (
        OutboxMessage.objects.filter(pk=message_id, done_at=None)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .update(
            claim=claim,
            claimed_until=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        _task(message.task)(**message.kwargs)  # runs here, in this process
    except Exception as exc:  # noqa: BLE001 (whatever the task raised: retried with backoff)
        logger.warning(
            "outbox message %s (%s) failed, attempt %s: %s",
            message.key,
            message.task,
            message.attempts,
            exc,
        )
        OutboxMessage.objects.filter(pk=message_id, claim=claim).update(
            claim="",
            claimed_until=None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=_retry_at(attempts=message.attempts, now=timezone.now()),
        )
        return False
    OutboxMessage.objects.filter(pk=message_id, claim=claim).update(
        done_at=timezone.now(), claimed_until=None, last_error=""
    )
    return True


def _retry_at(*, attempts: int, now: datetime) -> datetime | None:
    """Exponential backoff; None once the attempts are used up (an operator looks at it)."""
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        return None
    delay = min(settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (attempts - 1), 6 * 60 * 60)
    return now + timedelta(seconds=delay)


def outbox_due(*, now: datetime | None = None):
    """Rows to hand over again: not done, due, not claimed by a live worker."""
    now = now or timezone.now()
    return (
        OutboxMessage.objects.filter(done_at=None, next_attempt_at__lte=now)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "pk")
    )


def outbox_drain(*, limit: int = 500, inline: bool = False) -> int:
    """Hand every due row to the broker again (or, `inline`, run it here); returns how many.

    Each row is pushed back by the dispatch grace before it is handed over (a conditional
    UPDATE), so two drains running at once hand it over once, and a row waiting in the queue
    is not handed over again at the next run.
    """
    now = timezone.now()
    count = 0
    for message_id, task in outbox_due(now=now).values_list("pk", "task")[:limit]:
        if inline:
            count += outbox_deliver(message_id=message_id)
            continue
        taken = OutboxMessage.objects.filter(
            pk=message_id, done_at=None, next_attempt_at__lte=now
        ).update(next_attempt_at=now + timedelta(seconds=settings.OUTBOX_DISPATCH_GRACE_SECONDS))
        if not taken:
            continue
        if not _send(message_id, task):
            break  # the broker is down: the rest wait for the next run
        count += 1
    return count


def outbox_purge(*, now: datetime | None = None) -> int:
    """Forget rows done more than `OUTBOX_KEEP_DAYS` ago; returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _ = OutboxMessage.objects.filter(done_at__lt=cutoff).delete()
    return deleted
