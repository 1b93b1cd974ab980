"""The carriers' real-socket stub serves the ZNS simulator core too."""

from tests.carriers.conftest import http_stub  # noqa: F401
