"""How django-axes names an account and answers a locked-out login (settings point here).

Failures are counted per account *and* address (``AXES_LOCKOUT_PARAMETERS``). An account is
named by its e-mail address, lower-cased, whichever way it was typed: the shop and dashboard
logins take an e-mail address, the Wagtail and Django admins a username or an e-mail address,
and all of them count towards the same account. A name that matches no account is counted
as typed (lower-cased), so guessing addresses is throttled too.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import render


def login_identity(request, credentials: dict | None) -> str:
    typed = (credentials or {}).get("username") or ""
    if not typed and request is not None:
        data = getattr(request, "POST", {})
        typed = data.get("username") or data.get("login-username") or ""
    typed = str(typed).strip()
    if not typed:
        return ""
    user = (
        get_user_model()
        .objects.filter(Q(email__iexact=typed) | Q(username=typed))
        .order_by("pk")
        .only("email", "username")
        .first()
    )
    return ((user.email or user.username) if user else typed).lower()


def lockout_response(request, original_response=None, credentials=None):
    """The login page's answer once an account is locked at this address: a page in the
    site's language saying what happened, when to try again and how to get help (429)."""
    from axes.helpers import get_cool_off
    from django.conf import settings

    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    context = {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "accounts/locked_out.html", context, status=429)
