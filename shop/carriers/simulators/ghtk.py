"""The GHTK simulator on this site, mounted under /shipping/simulator/ghtk/: GHTK's API at the
paths GHTK serves it (the adapter's ``api_url`` is ``{SITE_URL}/shipping/simulator/ghtk``, as
GHTK's is ``https://services.giaohangtietkiem.vn``) and a development page listing the parcels
with buttons that push their statuses.

What GHTK does is :class:`~shop.carriers.simulators.ghtk_core.GHTKSimulatorCore` (plain
Python). Here it is keyed by the CARRIERS entry's token and partner code, and calls back
``/shipping/callback/ghtk/<webhook_token>/?hash=<webhook_token>`` on the site that serves it.
Its parcels are kept in memory; when ``settings.CARRIER_SIMULATOR_STATE_DIR`` is set (the
development settings set it to ``VAR_DIR/simulators``) they are also saved to ``ghtk.json``
there and survive a restart. Every view is a 404 unless
settings.CARRIER_SIMULATORS is on, which production settings force off.
"""

from __future__ import annotations

import logging
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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shop.carriers.ports import TrackingStatus
from shop.carriers.simulators._shared import entry_options, simulator_only
from shop.carriers.simulators.ghtk_core import STATUS_TEXTS, GHTKSimulatorCore, ghtk_status_id

__all__ = ["GHTKSimulatorCore", "options", "simulator_core", "urlpatterns"]

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_cores: dict[tuple[str, ...], GHTKSimulatorCore] = {}
MOUNT = "/shipping/simulator/ghtk"


def options(options: dict) -> dict:
    """The CARRIERS entry's OPTIONS as the adapter gets them (nothing to fill in)."""
    return options


def callback_url(api_url: str, webhook_token: str) -> str:
    """Where GHTK calls the shop back: the site serving the simulator, GHTK's ``hash`` on."""
    site = api_url.rstrip("/").removesuffix(MOUNT)
    return f"{site}/shipping/callback/ghtk/{webhook_token}/?hash={webhook_token}"


def simulator_core() -> GHTKSimulatorCore:
    """The process's simulated GHTK for the configured token, partner code and site."""
    found = entry_options(__name__)
    key = (
        str(found.get("token", "")),
        str(found.get("client_source", "")),
        callback_url(str(found.get("api_url", "")), str(found.get("webhook_token", ""))),
    )
    with _lock:
        if key not in _cores:
            directory = getattr(settings, "CARRIER_SIMULATOR_STATE_DIR", None)
            state = Path(directory) / "ghtk.json" if directory else None
            _cores[key] = GHTKSimulatorCore(
                token=key[0], client_source=key[1], callback_url=key[2], state_path=state
            )
        return _cores[key]


@simulator_only
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def api(request, rest: str):
    """GHTK's API: fee, order, v2 status, cancel, label."""
    status, content_type, body = simulator_core().handle(
        request.method,
        "/services/" + rest,
        headers=dict(request.headers),
        query=request.GET.dict(),
        body=request.body,
    )
    return HttpResponse(body, status=status, content_type=content_type)


PUSHABLE = (
    TrackingStatus.PICKED,
    TrackingStatus.DELIVERING,
    TrackingStatus.FAILED_ATTEMPT,
    TrackingStatus.DELIVERED,
    TrackingStatus.RETURNING,
    TrackingStatus.RETURNED,
    TrackingStatus.LOST,
)


@simulator_only
@never_cache
@require_GET
def parcels(request):
    """The simulated GHTK's parcels, newest first, each with buttons to move it on."""
    core = simulator_core()
    rows = sorted(core.orders.values(), key=lambda o: o.created, reverse=True)
    choices = [(status, STATUS_TEXTS[ghtk_status_id(status)[0]]) for status in PUSHABLE]
    context = {"parcels": rows, "choices": choices, "callback_url": core.callback_url}
    return render(request, "carriers/simulators/ghtk.html", context)


@simulator_only
@require_POST
def push(request, label: str):
    """Move one parcel on and post GHTK's callback to the shop."""
    core = simulator_core()
    status = request.POST.get("status", "")
    if core.find(label) is None or status not in PUSHABLE:
        raise Http404("No such parcel or status.")
    fields, answered = core.advance(label, status)
    logger.info("simulated GHTK callback for %s (%s): %s", label, fields["status_id"], answered)
    messages.info(
        request,
        _("GHTK status %(status)s sent for %(label)s; the shop answered %(answer)s.")
        % {"status": fields["status_id"], "label": label, "answer": answered or "-"},
    )
    return redirect("shipping:sim-ghtk-parcels")


urlpatterns = [
    path("", parcels, name="sim-ghtk-parcels"),
    path("parcels/<str:label>/push/", push, name="sim-ghtk-push"),
    path("services/<path:rest>", api, name="sim-ghtk-api"),
]
