"""What the simulators' pages share: they exist only while PAYMENT_SIMULATORS is on (production
settings force it off), find their gateway's settings by the module named as the entry's
SIMULATOR, and call our own site over HTTP as the gateway would."""

import functools
import threading
import urllib.error
import urllib.request

from django.conf import settings
from django.http import Http404

lock = threading.Lock()


def simulator_only(view):
    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.PAYMENT_SIMULATORS:
            raise Http404("No simulators here.")
        return view(request, *args, **kwargs)

    return guarded


def simulated_options(module: str) -> dict:
    """The OPTIONS of the payment gateway whose SIMULATOR is `module` (a 404 if none is)."""
    for entry in settings.PAYMENT_GATEWAYS.values():
        if entry.get("SIMULATOR") == module:
            return entry.get("OPTIONS", {})
    raise Http404("No gateway uses this simulator.")


def http_call(
    url: str, *, data: bytes | None = None, headers: dict | None = None
) -> tuple[int, str]:
    """Call our own site as the gateway would (its IPN or webhook): status and body."""
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our own site)
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
