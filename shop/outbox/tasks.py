"""The outbox's tasks: deliver one row (handed over on commit or by the drain) or the rows one
commit wrote, and the drain that beat runs every `OUTBOX_DRAIN_SECONDS`. Tasks take ids and
call one service."""

from celery import shared_task

from shop.outbox import services


@shared_task(name="outbox.deliver", ignore_result=True)
def deliver(*, message_id: int) -> bool:
    return services.outbox_deliver(message_id=message_id)


@shared_task(name="outbox.deliver_many", ignore_result=True)
def deliver_many(*, message_ids: list[int]) -> int:
    """Each row delivered on its own (claimed, run, marked), one after the other."""
    return sum(services.outbox_deliver(message_id=message_id) for message_id in message_ids)


@shared_task(name="outbox.drain", ignore_result=True)
def drain() -> int:
    services.outbox_purge()
    return services.outbox_drain()
