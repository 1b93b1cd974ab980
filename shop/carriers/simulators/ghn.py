"""The GHN simulator on this site, mounted under /shipping/simulator/ghn/ (development, tests).

``shiip/public-api/<path>`` answers GHN's API (the adapter's ``api_url`` is
``{SITE_URL}/shipping/simulator/ghn/shiip/public-api``, as GHN's is
``https://online-gateway.ghn.vn/shiip/public-api``), ``a5/public-api/printA5`` shows the A5
labels of a print token, and the page at the root lists the parcels with buttons that push
GHN's statuses to ``{SITE_URL}/shipping/callback/ghn/<webhook_token>/``. What GHN does is in
:mod:`shop.carriers.simulators.ghn_core`.

Every view is a 404 unless settings.CARRIER_SIMULATORS is on (production settings force it
off). The parcels live in this process's memory; when
``settings.CARRIER_SIMULATOR_STATE_DIR`` is set (development settings set it to
``VAR_DIR/simulators``) they are also kept in ``ghn.json`` there and survive a restart.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shop.carriers.simulators._shared import simulator_only
from shop.carriers.simulators.ghn_core import GHN_STATUSES, GHNSimulatorCore

__all__ = ["API_PATH", "GHNSimulatorCore", "options", "simulator_core", "urlpatterns"]

API_PATH = "/shipping/simulator/ghn/shiip/public-api"
logger = logging.getLogger(__name__)
_lock = threading.Lock()
_cores: dict[tuple, GHNSimulatorCore] = {}


def options(options: dict) -> dict:
    """The adapter's options, pointed at the simulator on this site as it runs now
    (``settings.SITE_URL``, which tests set to their live server) unless they name another
    API than the simulator's."""
    api_url = str(options.get("api_url", ""))
    if api_url and not api_url.endswith(API_PATH):
        return options
    return {**options, "api_url": settings.SITE_URL.rstrip("/") + API_PATH}


def _options() -> dict:
    for entry in settings.CARRIERS.values():
        if entry.get("SIMULATOR") == __name__:
            return entry.get("OPTIONS", {})
    raise Http404("No carrier uses this simulator.")


def simulator_core() -> GHNSimulatorCore:
    """The process's simulated GHN, one per token, shop and callback address."""
    if not settings.CARRIER_SIMULATORS:
        raise Http404("No simulators here.")
    entry = _options()
    callback = f"{settings.SITE_URL}/shipping/callback/ghn/{entry.get('webhook_token', '')}/"
    directory = getattr(settings, "CARRIER_SIMULATOR_STATE_DIR", None)
    state = Path(directory) / "ghn.json" if directory else None
    key = (str(entry.get("token", "")), str(entry.get("shop_id", "")), callback, state)
    with _lock:
        if key not in _cores:
            _cores[key] = GHNSimulatorCore(
                token=key[0], shop_id=key[1], callback_url=callback, state_path=state
            )
        return _cores[key]


@simulator_only
@csrf_exempt
@require_http_methods(["GET", "POST"])
def api(request, endpoint: str):
    """GHN's public API v2: JSON in, GHN's envelope out."""
    status, envelope = simulator_core().handle(
        endpoint, request.body, dict(request.headers), request.GET.dict()
    )
    return JsonResponse(envelope, status=status, json_dumps_params={"ensure_ascii": False})


@simulator_only
@never_cache
@require_GET
def print_a5(request):
    """GHN's A5 label page for a print token."""
    orders = simulator_core().labelled(request.GET.get("token", ""))
    return render(
        request,
        "carriers/simulators/ghn_label.html",
        {"orders": orders},
        status=200 if orders else 404,
    )


@simulator_only
@never_cache
@require_GET
def parcels(request):
    """The development page: every parcel and buttons to push its next status."""
    context = {"parcels": simulator_core().parcels(), "statuses": list(GHN_STATUSES.items())}
    return render(request, "carriers/simulators/ghn_parcels.html", context)


@simulator_only
@require_POST
def push(request, code: str):
    """Move a parcel to the status chosen and post GHN's callback to our site."""
    status = request.POST.get("status", "")
    try:
        pushed = simulator_core().advance(code, status, reason=request.POST.get("reason", "")[:200])
    except KeyError:
        raise Http404("No such parcel.") from None
    except ValueError:
        return JsonResponse({"error": "unknown status"}, status=400)
    logger.info("simulated GHN callback for %s (%s): %s", code, status, pushed.status)
    return redirect("shipping:sim-ghn-parcels")


urlpatterns = [
    path("", parcels, name="sim-ghn-parcels"),
    path("push/<str:code>/", push, name="sim-ghn-push"),
    path("a5/public-api/printA5", print_a5, name="sim-ghn-print"),
    path("shiip/public-api/<path:endpoint>", api, name="sim-ghn-api"),
]
