"""What the carrier simulators share: their pages exist only while settings.CARRIER_SIMULATORS
is on, they keep their parcels in a JSON file when given one, and they call our own site back
over HTTP as the carrier would. The cores use the parts without Django."""

from __future__ import annotations

import functools
import json
import urllib.error
import urllib.request
from pathlib import Path

__all__ = ["entry_options", "post_callback", "read_state", "simulator_only", "write_state"]


def simulator_only(view):
    """A view that is a 404 unless settings.CARRIER_SIMULATORS is on."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        from django.conf import settings
        from django.http import Http404

        if not settings.CARRIER_SIMULATORS:
            raise Http404("No simulators here.")
        return view(request, *args, **kwargs)

    return guarded


def entry_options(module: str) -> dict:
    """The OPTIONS of the carrier whose SIMULATOR is ``module`` (a 404 when none is)."""
    from django.conf import settings
    from django.http import Http404

    if not settings.CARRIER_SIMULATORS:
        raise Http404("No simulators here.")
    for entry in settings.CARRIERS.values():
        if entry.get("SIMULATOR") == module:
            return entry.get("OPTIONS", {})
    raise Http404("No carrier uses this simulator.")


def read_state(path: Path | None) -> dict:
    """The state saved at ``path``; empty when there is none or it cannot be read."""
    if path is None or not path.exists():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def write_state(path: Path | None, state: dict) -> None:
    """Save ``state`` at ``path`` (replaced whole, never half-written)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(path)


def post_callback(
    url: str, body: bytes, *, content_type: str = "application/json"
) -> tuple[int, str]:
    """POST the carrier's callback ``body`` to ``url``: the HTTP status and the start of the
    answer, or (0, reason) when nobody answered."""
    request = urllib.request.Request(  # noqa: S310 - our own site's callback URL
        url, data=body, headers={"Content-Type": content_type}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read(4096).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read(4096).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as exc:
        return 0, str(exc)
