"""gunicorn as configured for production (gunicorn.conf.py): each worker listens on a socket of
its own (SO_REUSEPORT), so the kernel shares out new connections between the workers. With one
shared socket, the first worker to wake took a burst of keep-alive connections and kept them:
one process (one core, for Python) served most requests while the others idled."""

import http.client
import os
import socket
import time
from pathlib import Path

import pytest

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tcp_sockets(port: int) -> dict[int, str]:
    """inode -> TCP state ("0A" listening, "01" established) of the sockets bound to `port`
    on this machine's side (/proc/net/tcp)."""
    found = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        if local_port == port:
            found[int(fields[9])] = fields[3]
    return found


def owners(inodes: set[int], pids: list[int]) -> dict[int, int]:
    """inode -> the pid (of `pids`) holding that socket open."""
    held = {}
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inode = int(target[8:-1])
                if inode in inodes:
                    held[inode] = pid
    return held


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.fixture
def server(tmp_path):
    from bench.server import gunicorn_start, gunicorn_stop, production_env

    require(Path("/proc/net/tcp").exists(), "needs Linux's /proc")
    port = free_port()
    env = production_env(
        database="postgres://postgres@127.0.0.1:9/none",  # never reached: no page is asked
        redis="redis://127.0.0.1:9/0",
        static_root=str(tmp_path / "static"),
        bind=f"127.0.0.1:{port}",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(WEB_CONCURRENCY=str(WORKERS), GUNICORN_THREADS="2")
    process = gunicorn_start(env, f"http://127.0.0.1:{port}")
    try:
        for _ in range(100):  # every worker booted
            if len(children(process.pid)) == WORKERS:
                break
            time.sleep(0.1)
        yield port, process.pid
    finally:
        gunicorn_stop(process)


def test_each_worker_listens_on_its_own_socket_and_connections_are_shared_out(server):
    port, master = server
    workers = children(master)
    assert len(workers) == WORKERS
    listening = {inode for inode, state in tcp_sockets(port).items() if state == "0A"}
    by_worker = owners(listening, workers)
    assert len(listening) == WORKERS  # one shared socket before
    assert sorted(by_worker.values()) == sorted(workers)

    clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(24)]
    for client in clients:
        client.connect()
    try:
        accepted: dict[int, int] = {}
        for _ in range(50):  # until every connection is accepted by a worker
            established = {i for i, state in tcp_sockets(port).items() if state == "01"}
            accepted = owners(established, workers)
            if len(accepted) == len(clients):
                break
            time.sleep(0.1)
        assert len(accepted) == len(clients)
        # Shared out by the kernel's hash of each connection: 24 on one of 3 workers would
        # happen about once in 10^11 runs.
        assert len(set(accepted.values())) >= 2
    finally:
        for client in clients:
            client.close()
