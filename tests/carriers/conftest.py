"""Carriers' simulators on real sockets, for adapters tested at the HTTP seam.

``http_stub(app)`` serves ``app(method, path, headers, body) -> (status, content_type, bytes)``
on a ThreadingHTTPServer bound to port 0 and returns a :class:`Served`: its ``url``, the
requests it saw, and a ``mode`` a test switches to make the carrier misbehave (``"slow"``:
answer after ``delay`` seconds; ``"error500"``: HTTP 500; ``"garbage"``: a body that is not
JSON). ``json_app(handle, prefix)`` turns a simulator core's
``handle(path, body, headers, query) -> (status, dict)`` into such an app.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

App = Callable[[str, str, dict[str, str], bytes], tuple[int, str, bytes]]


@dataclass
class Served:
    url: str = ""
    mode: str = "normal"
    delay: float = 0.0
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)


def json_app(handle: Callable, prefix: str = "") -> App:
    """An app answering ``prefix``-ed paths with a core's ``handle`` (JSON envelopes)."""

    def app(method: str, target: str, headers: dict[str, str], body: bytes):
        parts = urlsplit(target)
        if not parts.path.startswith(prefix):
            return 404, "application/json", b'{"code":404,"message":"Not Found"}'
        query = dict(parse_qsl(parts.query))
        status, answer = handle(parts.path[len(prefix) :], body, headers, query)
        return status, "application/json", json.dumps(answer, ensure_ascii=False).encode()

    return app


def _handler_for(served: Served, app: App) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = dict(self.headers.items())
            served.requests.append((self.command, self.path, headers, body))
            if served.mode == "slow":
                time.sleep(served.delay)
            if served.mode == "error500":
                status, kind, raw = 500, "text/html", b"<h1>Internal Server Error</h1>"
            elif served.mode == "garbage":
                status, kind, raw = 200, "text/html", b"<html>maintenance</html>"
            else:
                status, kind, raw = app(self.command, self.path, headers, body)
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = _answer

    return Handler


@pytest.fixture
def http_stub() -> Iterator[Callable[[App], Served]]:
    servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start(app: App) -> Served:
        served = Served()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(served, app))
        server.daemon_threads = True
        served.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        servers.append((server, thread))
        return served

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
