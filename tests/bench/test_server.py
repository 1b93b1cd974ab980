"""The benchmarks' server refuses a port another server already answers on: gunicorn's workers
bind with SO_REUSEPORT, so a server left running there would silently share the load."""

import socket
import subprocess

import pytest

from bench import server


def test_a_port_already_served_is_refused_before_anything_starts(monkeypatch):
    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda *args, **kwargs: started.append(args))
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(SystemExit, match="already served"):
            server.gunicorn_start({}, f"http://127.0.0.1:{port}")
    assert started == []
