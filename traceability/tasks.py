"""Anchoring tasks, on their own ``chain`` queue (``CELERY_TASK_ROUTES``).

Beat runs :func:`anchor_pending` every ``TRACE_BATCH_INTERVAL`` seconds. It opens a batch (or
finds the unfinished one, after a crash) and hands its id to :func:`anchor_batch`, which drives
it to enough confirmations, retrying chain errors with exponential backoff.
"""

from __future__ import annotations

import logging
import random
import time
import uuid

from celery import shared_task
from django.conf import settings

from traceability import services
from traceability.chain import ChainError
from traceability.models import AnchorBatch, InspectorKey

logger = logging.getLogger(__name__)

WAIT_SECONDS = 15 * 60
"""How long one run of ``anchor_batch`` waits for confirmations before handing over."""
EAGER_WAIT_SECONDS = 60
"""The same, when tasks run inline (no broker): then the next beat run picks it up."""


@shared_task(name="traceability.anchor_pending", ignore_result=True)
def anchor_pending() -> int | None:
    """Open (or resume) the current batch and drive it; returns its id."""
    batch = services.batch_open()
    if batch is None:
        return None
    anchor_batch.delay(batch.pk)
    return batch.pk


def _backoff(retries: int) -> float:
    base = max(settings.TRACE_POLL_SECONDS, 0.1)
    return min(base * 2**retries, settings.TRACE_RETRY_BACKOFF_MAX) * random.uniform(0.8, 1.2)  # noqa: S311


@shared_task(
    bind=True,
    name="traceability.anchor_batch",
    max_retries=None,
    acks_late=True,
    ignore_result=True,
)
def anchor_batch(self, batch_id: int) -> str | None:
    """Advance batch ``batch_id`` until it is anchored with enough confirmations."""
    owner = f"{self.request.hostname or 'local'}:{self.request.id or uuid.uuid4().hex}"
    if not services.batch_lease(batch_id=batch_id, owner=owner):
        logger.info("batch %s is being anchored by another worker", batch_id)
        return None
    deadline = time.monotonic() + (EAGER_WAIT_SECONDS if self.request.is_eager else WAIT_SECONDS)
    try:
        while True:
            try:
                batch = services.batch_advance(batch_id=batch_id)
            except ChainError as exc:
                services.batch_note_error(batch_id=batch_id, error=str(exc))
                if self.request.is_eager:  # inline (no broker): the next beat run tries again
                    logger.warning("anchoring batch %s failed: %s", batch_id, exc)
                    return None
                raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
            if batch.state == AnchorBatch.State.CONFIRMED:
                return batch.root
            if time.monotonic() > deadline:
                if self.request.is_eager:
                    return None
                raise self.retry(countdown=settings.TRACE_POLL_SECONDS)
            services.batch_lease(batch_id=batch_id, owner=owner)
            time.sleep(settings.TRACE_POLL_SECONDS)
    finally:
        services.batch_release(batch_id=batch_id, owner=owner)


@shared_task(
    bind=True,
    name="traceability.accredit_inspector",
    max_retries=8,
    acks_late=True,
    ignore_result=True,
)
def accredit_inspector(self, key_id: int, allowed: bool = True) -> str | None:
    """Add (or remove) an inspector's address in the on-chain registry."""
    key = InspectorKey.objects.get(pk=key_id)
    try:
        return services.inspector_accredit(key=key, allowed=allowed)
    except ChainError as exc:
        if self.request.is_eager:
            logger.warning("accrediting %s failed: %s", key.address, exc)
            return None
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(name="traceability.held_reports_expire", ignore_result=True)
def held_reports_expire() -> int:
    """Forget lab reports kept for a new try longer than TRACE_HELD_REPORT_SECONDS."""
    return services.held_reports_expire()


@shared_task(name="traceability.certificates_sync", ignore_result=True)
def certificates_sync() -> int:
    """Daily: products' OCOP stars follow their certificates (expired ones stop showing)."""
    from traceability.services.certificates import certificates_sync as sync

    return sync()
