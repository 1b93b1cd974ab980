"""Anchoring: a small state machine that batches events under a Merkle root on the chain.

Nothing talks to the chain inside a database transaction, and every step can be resumed after a
crash: a batch's tree and proofs are stored before anything is sent, and a transaction's hash is
recorded before it is sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from traceability import ledger
from traceability.chain import Anchorer, ChainError, TxState
from traceability.heads import (
    MAX_LOTS_PER_BATCH,
    Head,
    build_heads_tree,
    head_leaf,
    lot_key,
    lots_filter,
)
from traceability.merkle import build_tree
from traceability.models import AnchorBatch, AnchorSubmission, Event, EventProof, Lot, LotHead
from traceability.selectors import registry_current

logger = logging.getLogger(__name__)


def lease_seconds() -> int:
    """How long a worker may hold a batch without renewing: a few polls and RPC time-outs."""
    return max(10, int(4 * settings.TRACE_POLL_SECONDS + 3 * settings.CHAIN_RPC_TIMEOUT))


def batch_open(*, now: datetime | None = None) -> AnchorBatch | None:
    """Return the batch to work on: the unfinished one, or a new one of un-anchored events.

    A new batch is made when at least ``TRACE_BATCH_MIN`` events wait, or when the oldest has
    waited ``TRACE_BATCH_MAX_WAIT`` seconds. Its Merkle tree is built and every proof stored
    before anything is sent, so a crash after this point loses nothing.
    """
    registry = registry_current()
    if registry is None:
        return None
    unfinished = (
        AnchorBatch.objects.filter(registry=registry)
        .exclude(state=AnchorBatch.State.CONFIRMED)
        .first()
    )
    if unfinished is not None:
        return unfinished
    waiting = _waiting_events()
    if not waiting:
        return None
    now = now or timezone.now()
    oldest = min(event.recorded_at for event in waiting)
    if len(waiting) < settings.TRACE_BATCH_MIN and now - oldest < timedelta(
        seconds=settings.TRACE_BATCH_MAX_WAIT
    ):
        return None
    tree = build_tree(event.digest for event in waiting)
    heads = _heads_of(waiting)
    heads_tree = build_heads_tree(heads.values())
    try:
        with transaction.atomic():
            batch = AnchorBatch.objects.create(
                registry=registry,
                root=tree.root_hex,
                count=len(waiting),
                heads_root=heads_tree.root_hex,
                lots_filter=lots_filter([head.key for head in heads.values()]).hex(),
            )
            EventProof.objects.bulk_create(
                [
                    EventProof(
                        event_id=event.pk,
                        batch=batch,
                        proof=["0x" + node.hex() for node in tree.proof(event.digest)],
                    )
                    for event in waiting
                ],
                batch_size=2000,
            )
            LotHead.objects.bulk_create(
                [
                    LotHead(
                        batch=batch,
                        lot_id=lot_id,
                        key=head.key,
                        digest=head.digest,
                        count=head.count,
                        proof=[
                            "0x" + node.hex()
                            for node in heads_tree.leaf_proof(
                                head_leaf(head.key, head.digest, head.count)
                            )
                        ],
                    )
                    for lot_id, head in heads.items()
                ],
                batch_size=2000,
            )
    except IntegrityError:  # another worker opened a batch meanwhile: work on that one
        return (
            AnchorBatch.objects.filter(registry=registry)
            .exclude(state=AnchorBatch.State.CONFIRMED)
            .first()
        )
    return batch


@dataclass(frozen=True, slots=True)
class _Waiting:
    pk: int
    digest: str
    recorded_at: datetime
    lot_id: int
    seq: int


def _waiting_events() -> list[_Waiting]:
    """Events not yet in a batch, oldest first: at most ``TRACE_BATCH_MAX`` of them, from at
    most ``MAX_LOTS_PER_BATCH`` lots (the contract's lot filter holds no more)."""
    rows = (
        Event.objects.filter(proof__isnull=True)
        .order_by("pk")
        .values_list("pk", "digest", "recorded_at", "lot_id", "seq")[: settings.TRACE_BATCH_MAX]
    )
    waiting, lots = [], set()
    for row in rows:
        if row[3] not in lots and len(lots) >= MAX_LOTS_PER_BATCH:
            break
        lots.add(row[3])
        waiting.append(_Waiting(*row))
    return waiting


def _heads_of(waiting: list[_Waiting]) -> dict[int, Head]:
    """Each lot's head in the batch: its latest event there, by lot id."""
    latest: dict[int, _Waiting] = {}
    for event in waiting:
        if event.lot_id not in latest or event.seq > latest[event.lot_id].seq:
            latest[event.lot_id] = event
    lots = Lot.objects.filter(pk__in=latest).select_related("product")
    return {
        lot.pk: Head(
            key=lot_key(lot.epc_class), digest=latest[lot.pk].digest, count=latest[lot.pk].seq
        )
        for lot in lots
    }


def batch_lease(*, batch_id: int, owner: str) -> bool:
    """Take (or renew) the right to advance a batch; one conditional UPDATE, no lock held."""
    now = timezone.now()
    seconds = lease_seconds()
    taken = (
        AnchorBatch.objects.filter(pk=batch_id)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner))
        .update(lease_owner=owner, lease_until=now + timedelta(seconds=seconds))
    )
    return bool(taken)


def batch_release(*, batch_id: int, owner: str) -> None:
    AnchorBatch.objects.filter(pk=batch_id, lease_owner=owner).update(
        lease_owner="", lease_until=None
    )


def batch_note_error(*, batch_id: int, error: str) -> None:
    AnchorBatch.objects.filter(pk=batch_id).update(last_error=error[:2000])


def batch_advance(*, batch_id: int) -> AnchorBatch:
    """Move a batch one step on; safe to call again at any time, from any process.

    pending -> (sign, record the hash, send) -> submitted -> (enough confirmations) -> confirmed.
    A dropped or reverted transaction is resubmitted, unless the chain already holds the root
    (then the transaction that anchored it is found in the logs): the contract refuses a root
    twice, so an event is never anchored twice. Chain errors propagate as ``ChainError``.
    """
    batch = AnchorBatch.objects.select_related("registry").get(pk=batch_id)
    if batch.state == AnchorBatch.State.CONFIRMED:
        return batch
    client = ledger.anchorer(registry=batch.registry)

    if batch.tx_hash:
        status = client.tx_status(batch.tx_hash)
        if status.state is TxState.CONFIRMED:
            if status.confirmations >= settings.CHAIN_CONFIRMATIONS:
                return _batch_confirm(batch, client, status.block_number, status.gas_used)
            return batch
        if status.state is TxState.PENDING:
            return batch
        AnchorSubmission.objects.filter(tx_hash=batch.tx_hash).update(outcome=status.state)
        logger.warning("anchoring transaction %s %s; resubmitting", batch.tx_hash, status.state)

    if client.anchored_at(batch.root):
        found = client.find_anchor(batch.root, from_block=batch.registry.block_number)
        if found is not None:
            AnchorBatch.objects.filter(pk=batch.pk).update(
                tx_hash=found.tx_hash, state=AnchorBatch.State.SUBMITTED
            )
            batch.refresh_from_db()
            return batch

    signed = client.prepare_anchor(
        root=batch.root,
        count=batch.count,
        heads_root=batch.heads_root,
        lots=bytes.fromhex(batch.lots_filter),
    )
    with transaction.atomic():  # recorded before it is sent: a crash can't lose track of it
        AnchorSubmission.objects.get_or_create(
            tx_hash=signed.tx_hash, defaults={"batch": batch, "nonce": signed.nonce}
        )
        AnchorBatch.objects.filter(pk=batch.pk).update(
            tx_hash=signed.tx_hash,
            state=AnchorBatch.State.SUBMITTED,
            attempts=F("attempts") + 1,
            last_error="",
        )
    client.send(signed)
    batch.refresh_from_db()
    return batch


def _batch_confirm(
    batch: AnchorBatch,
    client: Anchorer,
    block_number: int | None,
    gas_used: int | None,
) -> AnchorBatch:
    timestamp = client.anchored_at(batch.root)
    if not timestamp:  # mined, yet the root is not there: treat as reverted
        raise ChainError(f"transaction {batch.tx_hash} is mined but the root is not anchored")
    AnchorBatch.objects.filter(pk=batch.pk).update(
        state=AnchorBatch.State.CONFIRMED,
        block_number=block_number,
        gas_used=gas_used,
        anchored_at=datetime.fromtimestamp(timestamp, tz=UTC),
        confirmed_at=timezone.now(),
        last_error="",
        lease_owner="",
        lease_until=None,
    )
    AnchorSubmission.objects.filter(tx_hash=batch.tx_hash).update(outcome="confirmed")
    ledger.forget_root(domain=ledger.domain_of(batch.registry), root=batch.root)
    ledger.forget_heads_logs(domain=ledger.domain_of(batch.registry))
    batch.refresh_from_db()
    logger.info("anchored %s events under %s in %s", batch.count, batch.root, batch.tx_hash)
    return batch
