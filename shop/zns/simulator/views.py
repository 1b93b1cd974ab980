"""Zalo's notification service simulated on this site, mounted under
/messages/simulator/zns/ when settings.ZNS_SIMULATOR is on (development and tests; production
forces it off): Zalo's two endpoints at the paths the adapter's ``api_url`` and ``oauth_url``
point at, and a development page listing the messages "sent", with a button that expires the
access tokens. What Zalo does is :class:`~shop.zns.simulator.core.ZnsSimulatorCore`; its
state is kept in ``zns.json`` under ``settings.CARRIER_SIMULATOR_STATE_DIR`` when set.
"""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from shop.zns.simulator.core import NOT_ON_ZALO_SUFFIX, REFUSING_SUFFIX, ZnsSimulatorCore

__all__ = ["options", "simulator_core", "urlpatterns"]

MOUNT = "/messages/simulator/zns"
_lock = threading.Lock()
_cores: dict[tuple[str, ...], ZnsSimulatorCore] = {}


def options(options: dict) -> dict:
    """The adapter's options, pointed at this site as it runs now (SITE_URL)."""
    site = settings.SITE_URL.rstrip("/")
    return {
        **options,
        "api_url": f"{site}{MOUNT}",
        "oauth_url": f"{site}{MOUNT}/v4/oa/access_token",
    }


def simulator_only(view):
    """A view that is a 404 unless settings.ZNS_SIMULATOR is on and ZNS uses the simulator."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.ZNS_SIMULATOR or settings.ZNS.get("SIMULATOR") != __name__:
            raise Http404("No simulator here.")
        return view(request, *args, **kwargs)

    return guarded


def simulator_core() -> ZnsSimulatorCore:
    """The process's simulated Zalo for the configured application."""
    found = settings.ZNS.get("OPTIONS", {})
    key = (str(found["app_id"]), str(found["secret_key"]), str(found["refresh_token"]))
    with _lock:
        if key not in _cores:
            directory = getattr(settings, "CARRIER_SIMULATOR_STATE_DIR", None)
            _cores[key] = ZnsSimulatorCore(
                app_id=key[0],
                secret_key=key[1],
                refresh_token=key[2],
                state_path=Path(directory) / "zns.json" if directory else None,
            )
        return _cores[key]


def reset() -> None:
    """Forget every simulated Zalo (tests start from a fresh one)."""
    with _lock:
        _cores.clear()


@simulator_only
@csrf_exempt
@never_cache
def api(request, rest: str):
    status, answer = simulator_core().handle(
        request.method, "/" + rest, dict(request.headers), request.body
    )
    return HttpResponse(
        json.dumps(answer, ensure_ascii=False), status=status, content_type="application/json"
    )


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
            "sent": list(reversed(core.messages)),
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
    path("<path:rest>", api, name="api"),
]
