"""What the carrier simulators' pages share: they exist only while CARRIER_SIMULATORS is on
(production settings refuse it) and find their carrier's OPTIONS by the module named as the
CARRIERS entry's SIMULATOR."""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import Http404


def simulator_only(view):
    """A view that is a 404 unless the carrier simulators are on."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.CARRIER_SIMULATORS:
            raise Http404("No simulators here.")
        return view(request, *args, **kwargs)

    return guarded


def entry_options(module: str) -> dict:
    """The OPTIONS of the carrier whose SIMULATOR is ``module`` (a 404 when none is)."""
    if not settings.CARRIER_SIMULATORS:
        raise Http404("No simulators here.")
    for entry in settings.CARRIERS.values():
        if entry.get("SIMULATOR") == module:
            return entry.get("OPTIONS", {})
    raise Http404("No carrier uses this simulator.")
