"""The simulated Zalo on its own port on 127.0.0.1, started on demand in the process whose
adapter talks to it (the web server, a worker, a test). Zalo's headers have underscores
(``access_token``, ``secret_key``); Django's development server drops such headers, the
standard library's HTTP server keeps them."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from shop.httpjson import MAX_RESPONSE_BYTES
from shop.zns.simulator.core import ZnsSimulatorCore

__all__ = ["serve"]


def _handler_for(core: ZnsSimulatorCore) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), MAX_RESPONSE_BYTES)
            body = self.rfile.read(length) if length else b""
            status, answer = core.handle(
                self.command, urlsplit(self.path).path, dict(self.headers.items()), body
            )
            raw = json.dumps(answer, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = _answer

    return Handler


def serve(core: ZnsSimulatorCore) -> tuple[str, ThreadingHTTPServer]:
    """Serve ``core`` on a free port of 127.0.0.1 in a daemon thread: its URL and server."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(core))
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="zns-simulator",
        daemon=True,
    ).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server
