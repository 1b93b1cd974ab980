"""Who is the producer behind a dashboard request.

A producer's user belongs to exactly one partner and sees that partner's data only (who counts
as a producer or an operator is decided in ``shop.roles``). An operator can act on behalf of
any producer, chosen in the session; what they do is recorded as theirs, with ``on_behalf``
set. Every producer page goes through :func:`producer_required`, and every query on those pages
is filtered by ``request.producer``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from oscar.core.loading import get_model

from shop.roles import is_operator, producer_of

SESSION_KEY = "acting_for_producer"


def acting_producer(request):
    """The producer this request works for: the user's own, or the one an operator chose."""
    if is_operator(request.user):
        pk = request.session.get(SESSION_KEY)
        Partner = get_model("partner", "Partner")
        return Partner.objects.filter(pk=pk).first() if pk else None
    return producer_of(request.user)


def act_for(request, partner) -> None:
    if not is_operator(request.user):
        raise PermissionDenied
    request.session[SESSION_KEY] = partner.pk


def stop_acting(request) -> None:
    request.session.pop(SESSION_KEY, None)


def producer_required(view):
    """Anonymous users go to the login page; users who are neither a producer nor an operator
    acting for one get 403; operators who have not chosen a producer are sent to choose one.
    Sets ``request.producer`` and ``request.on_behalf``."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("dashboard:login"))
        producer = acting_producer(request)
        if producer is None:
            if is_operator(request.user):
                return redirect(reverse("producer-dashboard:choose") + f"?next={request.path}")
            raise PermissionDenied
        request.producer = producer
        request.on_behalf = is_operator(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def staff_only_dashboard(patterns, *, open_names=frozenset({"login", "logout"})):
    """Oscar's dashboard is for operators. Oscar lets partner users into its order and product
    pages, where they would see other producers' lines and could cancel a whole order (the
    marketplace has its own pages for producers). Wrap every Oscar dashboard view so that a
    signed-in user who is not staff gets 403 (a producer asking for the dashboard's home is sent
    to their own); anonymous users are left to Oscar, which sends them to log in."""
    from django.urls import URLPattern, URLResolver

    for entry in patterns:
        if isinstance(entry, URLResolver):
            staff_only_dashboard(entry.url_patterns, open_names=open_names)
        elif isinstance(entry, URLPattern) and entry.name not in open_names:
            entry.callback = _staff_only(entry.callback, entry.name)
    return patterns


def _staff_only(view, name):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not is_operator(user):
            if name == "index" and producer_of(user) is not None:
                return redirect("producer-dashboard:index")
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
