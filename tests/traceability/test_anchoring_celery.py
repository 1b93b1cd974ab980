"""Anchoring through Celery against anvil: a real worker on the ``chain`` queue over Redis.

* the normal path: beat's task opens a batch, the worker anchors it and stores every proof;
* an RPC outage: the worker retries with backoff and anchors once the node is back;
* a worker killed mid-batch (a separate process, SIGKILL): a new worker resumes the batch
  without losing an event or anchoring anything twice, whether the lost transaction was
  mined meanwhile or dropped by the node.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from shop.celery import app
from tests.conftest import require
from tests.redis import REDIS, celery_through_redis
from tests.traceability.anvil import ROOT, free_port
from traceability import ledger, tasks
from traceability.models import AnchorBatch, AnchorSubmission, EventProof

pytestmark = [pytest.mark.chain, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_for(condition: Callable[[], object], *, timeout: float = 180, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.1)


@pytest.fixture
def broker():
    with celery_through_redis():
        yield app


@pytest.fixture
def worker(broker):
    with start_worker(
        broker, pool="solo", queues=["chain"], perform_ping_check=False, shutdown_timeout=20
    ):
        yield


def anchored_logs(registry, root: str) -> list:
    from web3 import Web3

    client = ledger.reader(registry=registry)
    contract = client._contract  # the test reads the raw logs to count anchorings
    logs = contract.events.Anchored.get_logs(
        argument_filters={"root": Web3.to_bytes(hexstr=root)}, from_block=0
    )
    return list(logs)


def confirmed(batch_id: int) -> bool:
    return AnchorBatch.objects.filter(pk=batch_id, state=AnchorBatch.State.CONFIRMED).exists()


def test_beat_task_anchors_through_a_worker(make_lot, anvil_chain, worker):
    lots = [make_lot() for _ in range(3)]
    tasks.anchor_pending.delay()
    batch = wait_for(lambda: AnchorBatch.objects.first(), what="a batch")
    wait_for(lambda: confirmed(batch.pk), what="confirmation")
    batch.refresh_from_db()
    assert batch.count == 3 and EventProof.objects.filter(batch=batch).count() == 3
    assert batch.tx_hash and batch.block_number and batch.anchored_at and batch.gas_used
    assert len(anchored_logs(anvil_chain, batch.root)) == 1
    assert all(lot.events.get().proof.batch_id == batch.pk for lot in lots)


def test_rpc_outage_then_recovery(make_lot, anvil_chain, anvil, worker, settings):
    settings.TRACE_RETRY_BACKOFF_MAX = 1
    make_lot()
    settings.CHAIN_RPC_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    tasks.anchor_pending.delay()
    batch = wait_for(
        lambda: AnchorBatch.objects.exclude(last_error="").first(), what="a failed attempt"
    )
    assert "unavailable" in batch.last_error and batch.state == AnchorBatch.State.PENDING
    assert not AnchorSubmission.objects.exists()
    settings.CHAIN_RPC_URL = anvil.url  # the node is back
    wait_for(lambda: confirmed(batch.pk), what="confirmation after the outage")
    assert AnchorSubmission.objects.count() == 1
    assert len(anchored_logs(anvil_chain, batch.root)) == 1


def start_worker_process(settings) -> subprocess.Popen:
    """A real ``celery worker`` process on the test database (PostgreSQL) and broker."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": REDIS,
        "CHAIN_RPC_URL": settings.CHAIN_RPC_URL,
        "CHAIN_ANCHOR_KEY": settings.CHAIN_ANCHOR_KEY,
        "CHAIN_CONFIRMATIONS": "1",
        "CHAIN_RPC_TIMEOUT": "2",
        "TRACE_POLL_SECONDS": "0.2",
        "TRACE_RETRY_BACKOFF_MAX": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    code = (
        "import sys; from shop.celery import app\n"
        f"app.conf.broker_transport_options = {dict(app.conf.broker_transport_options)!r}\n"
        "app.worker_main(['worker', '-Q', 'chain', '-P', 'solo', '--without-heartbeat',"
        " '--without-mingle', '--without-gossip', '-l', 'WARNING'])\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.mark.parametrize("meanwhile", ["mined", "dropped"])
def test_a_worker_killed_mid_batch_is_resumed_without_loss_or_double_anchoring(
    make_lot, anvil_chain, anvil, broker, settings, meanwhile
):
    require(connection.vendor == "postgresql", "needs PostgreSQL (a worker process shares it)")
    lots = [make_lot() for _ in range(4)]
    anvil.rpc("evm_setAutomine", False)  # the transaction will wait in the pool
    first = start_worker_process(settings)
    try:
        tasks.anchor_pending.delay()
        batch = wait_for(
            lambda: AnchorBatch.objects.filter(state=AnchorBatch.State.SUBMITTED).first(),
            what="a submitted batch",
        )
        # the transaction reached the node; the worker is now polling for confirmations
        wait_for(lambda: anvil.rpc("eth_getTransactionByHash", batch.tx_hash).get("result"))
        time.sleep(0.5)
        kill(first)
        if meanwhile == "dropped":
            anvil.rpc("anvil_dropTransaction", batch.tx_hash)
    finally:
        if first.poll() is None:
            kill(first)
        anvil.rpc("evm_setAutomine", True)  # whatever happened, the node mines again
    anvil.rpc("evm_mine")
    lost_tx = batch.tx_hash

    second = start_worker_process(settings)
    try:
        # beat keeps enqueueing the anchoring task; the new worker resumes the same batch
        deadline = time.monotonic() + 240
        while not confirmed(batch.pk):
            assert time.monotonic() < deadline, "the batch was not resumed"
            tasks.anchor_pending.delay()
            time.sleep(2)
    finally:
        kill(second)

    batch.refresh_from_db()
    assert AnchorBatch.objects.count() == 1 and batch.count == 4
    assert EventProof.objects.filter(batch=batch).count() == 4
    assert len(anchored_logs(anvil_chain, batch.root)) == 1  # anchored exactly once
    if meanwhile == "mined":  # found mined: nothing sent again
        assert batch.tx_hash == lost_tx and batch.attempts == 1
        assert AnchorSubmission.objects.get().outcome == "confirmed"
    else:  # found dropped: sent again (same nonce), and anchored by that transaction
        assert batch.attempts == 2
        assert AnchorSubmission.objects.get(tx_hash=batch.tx_hash).outcome == "confirmed"
    for lot in lots:
        assert lot.events.get().proof.batch_id == batch.pk
