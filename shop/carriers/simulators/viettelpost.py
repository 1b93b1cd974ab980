"""The Viettel Post simulator on this site, mounted under /shipping/simulator/viettelpost/.

``v2/<endpoint>`` is Viettel Post's partner API (the adapter's ``api_url`` is
``{SITE_URL}/shipping/simulator/viettelpost/v2``, as Viettel Post's is
``https://partner.viettelpost.vn/v2``), answered by
:class:`~shop.carriers.simulators.viettelpost_core.ViettelPostSimulatorCore`; ``print`` is its
label page; the index lists the parcels with buttons that push their statuses to
``{SITE_URL}/shipping/callback/viettelpost/<webhook_token>/`` as Viettel Post's webhook.

Every page is a 404 unless settings.CARRIER_SIMULATORS is on (production settings refuse it).
The parcels are in memory; with settings.CARRIER_SIMULATOR_STATE_DIR set (development) they
are also kept in ``viettelpost.json`` there and survive a restart.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from shop.carriers.simulators._shared import simulator_only
from shop.carriers.simulators.viettelpost_core import (
    PUSHED_STATUS,
    STATUS_NAMES,
    ViettelPostSimulatorCore,
)

__all__ = ["ViettelPostSimulatorCore", "options", "simulator_core", "urlpatterns"]

_lock = threading.Lock()
_cores: dict[tuple, ViettelPostSimulatorCore] = {}


def options(options: dict) -> dict:
    """The registry's hook: labels print on this simulator's page."""
    api_url = str(options.get("api_url", "")).rstrip("/")
    if api_url.endswith("/v2") and "print_url" not in options:
        options = {**options, "print_url": api_url.removesuffix("/v2") + "/print"}
    return options


def _entry() -> tuple[str, dict]:
    for name, entry in settings.CARRIERS.items():
        if entry.get("SIMULATOR") == __name__:
            return name, dict(entry.get("OPTIONS", {}))
    raise Http404("No carrier uses this simulator.")


def simulator_core() -> ViettelPostSimulatorCore:
    """The process's simulated Viettel Post for the account in the settings."""
    if not settings.CARRIER_SIMULATORS:
        raise Http404("No simulators here.")
    name, opts = _entry()
    token = str(opts.get("webhook_token", ""))
    callback = f"{settings.SITE_URL}/shipping/callback/{name}/{token}/"
    folder = getattr(settings, "CARRIER_SIMULATOR_STATE_DIR", None)
    state = Path(folder) / "viettelpost.json" if folder else None
    key = (opts.get("username"), opts.get("password"), token, callback, state)
    with _lock:
        if key not in _cores:
            _cores[key] = ViettelPostSimulatorCore(
                username=str(opts.get("username", "")),
                password=str(opts.get("password", "")),
                webhook_token=token,
                callback_url=callback,
                state_path=state,
            )
        return _cores[key]


@simulator_only
@csrf_exempt
@require_http_methods(["GET", "POST"])
def api(request, endpoint: str):
    """Viettel Post's partner API: the envelope as JSON, HTTP 200 as Viettel Post answers."""
    answer = simulator_core().answer(
        request.method,
        "/" + endpoint,
        headers=dict(request.headers),
        body=request.body,
        query=request.GET.dict(),
    )
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})


@simulator_only
@never_cache
@require_http_methods(["GET", "POST"])
def parcels(request):
    """The parcels Viettel Post holds, each with buttons pushing its next statuses."""
    core = simulator_core()
    if request.method == "POST":
        code, status = request.POST.get("code", ""), request.POST.get("status", "")
        try:
            http_status, _body = core.advance(code, status)
        except (KeyError, ValueError):
            messages.error(request, _("That parcel cannot take that status."))
        else:
            messages.info(
                request,
                _("Status pushed; the shop answered HTTP %(status)s.") % {"status": http_status},
            )
        return redirect(request.path)
    context = {
        "parcels": core.parcels(),
        "statuses": [(ours, code, STATUS_NAMES[code]) for ours, code in PUSHED_STATUS.items()],
    }
    return render(request, "carriers/simulators/viettelpost.html", context)


@simulator_only
@never_cache
@require_GET
def label(request):
    """Viettel Post's printed label (DigitalizePrint), for a printing code."""
    core = simulator_core()
    codes = core.printing.get(request.GET.get("bill", ""), [])
    shown = [o for o in core.parcels() if o["code"] in codes]
    template = "carriers/simulators/viettelpost_label.html"
    return render(request, template, {"parcels": shown}, status=200 if shown else 404)


urlpatterns = [
    path("", parcels, name="carrier-simulator-viettelpost"),
    path("print", label, name="carrier-simulator-viettelpost-print"),
    path("v2/<path:endpoint>", api, name="carrier-simulator-viettelpost-api"),
]
