"""Zalo's notification service simulated for development and tests (settings.ZNS_SIMULATOR;
production forces it off). Zalo's two endpoints are served by
:class:`~shop.zns.simulator.core.ZnsSimulatorCore` on a port of its own, started on demand
(``server.py``): ``options()`` points the adapter's ``api_url`` and ``oauth_url`` at it. A
development page under /messages/simulator/zns/ lists the messages "sent" and has a button
that expires the access tokens. When ``settings.CARRIER_SIMULATOR_STATE_DIR`` is set (the
development settings set it) the simulated Zalo keeps its state in ``zns.json`` there, so
the web server's page sees what a worker's simulator sent; in tests it lives in memory.
"""

from __future__ import annotations

import functools
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shop.zns.simulator.core import NOT_ON_ZALO_SUFFIX, REFUSING_SUFFIX, ZnsSimulatorCore
from shop.zns.simulator.server import serve

__all__ = ["options", "reset", "simulator_core", "urlpatterns"]

_lock = threading.Lock()
_cores: dict[tuple[str, ...], tuple[ZnsSimulatorCore, str, ThreadingHTTPServer]] = {}


def options(options: dict) -> dict:
    """The adapter's options, pointed at the simulated Zalo of this process."""
    _core, url = _served()
    return {**options, "api_url": url, "oauth_url": f"{url}/v4/oa/access_token"}


def simulator_core() -> ZnsSimulatorCore:
    """The process's simulated Zalo for the configured application."""
    return _served()[0]


def _served() -> tuple[ZnsSimulatorCore, str]:
    if not settings.ZNS_SIMULATOR or settings.ZNS.get("SIMULATOR") != __name__:
        raise Http404("No simulator here.")
    found = settings.ZNS["OPTIONS"]
    key = (str(found["app_id"]), str(found["secret_key"]), str(found["refresh_token"]))
    with _lock:
        if key not in _cores:
            directory = getattr(settings, "CARRIER_SIMULATOR_STATE_DIR", None)
            core = ZnsSimulatorCore(
                app_id=key[0],
                secret_key=key[1],
                refresh_token=key[2],
                state_path=Path(directory) / "zns.json" if directory else None,
            )
            url, server = serve(core)
            _cores[key] = (core, url, server)
        core, url, _server = _cores[key]
        return core, url


def reset() -> None:
    """Stop and forget every simulated Zalo (tests start from a fresh one)."""
    with _lock:
        for _core, _url, server in _cores.values():
            server.shutdown()
            server.server_close()
        _cores.clear()


def simulator_only(view):
    """A view that is a 404 unless settings.ZNS_SIMULATOR is on and ZNS uses the simulator."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.ZNS_SIMULATOR or settings.ZNS.get("SIMULATOR") != __name__:
            raise Http404("No simulator here.")
        return view(request, *args, **kwargs)

    return guarded


@simulator_only
@never_cache
@require_GET
def sent(request):
    """The messages the simulated Zalo delivered, newest first."""
    core = simulator_core()
    return render(
        request,
        "zns/simulator.html",
        {
            "sent": core.sent(),
            "quota": core.quota,
            "not_on_zalo": NOT_ON_ZALO_SUFFIX,
            "refusing": REFUSING_SUFFIX,
        },
    )


@simulator_only
@require_POST
def expire(request):
    simulator_core().expire_tokens()
    messages.info(request, _("The simulated Zalo access tokens have expired."))
    return redirect("zns-simulator:sent")


app_name = "zns-simulator"
urlpatterns = [
    path("", sent, name="sent"),
    path("expire/", expire, name="expire"),
]
