"""Start a local anvil node for a test (``$ANVIL``, ``PATH`` or ``node_modules/.bin/anvil``)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from traceability.chain import connect

ROOT = Path(__file__).resolve().parents[2]


def anvil_binary() -> str | None:
    local = ROOT / "node_modules" / ".bin" / "anvil"
    return (
        os.environ.get("ANVIL") or shutil.which("anvil") or (str(local) if local.exists() else None)
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Anvil:
    """A running anvil process on loopback."""

    def __init__(self, binary: str, *, port: int | None = None, extra: tuple = ()) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [binary, "--host", "127.0.0.1", "--port", str(self.port), "--quiet", *extra],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        probe = connect(self.url, timeout=1.0).web3
        deadline = time.monotonic() + 20
        while True:
            try:
                probe.eth.chain_id  # noqa: B018 - the call is the readiness probe
                return
            except Exception:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise
                time.sleep(0.1)

    def rpc(self, method: str, *params):
        return connect(self.url, timeout=5).web3.provider.make_request(method, list(params))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
