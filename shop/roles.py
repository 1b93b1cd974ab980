"""Who is who on the floor, decided in one place.

- An *operator* runs the floor (approves producers, pays statements, reads every order): an
  active staff user. Operators and superusers sign in with a second factor (shop/accounts).
- A *producer* user works for one producer (an Oscar partner): an active user holding the
  ``partner.dashboard_access`` permission, among the partner's users, whose partner is not
  suspended. Taking any of these away (suspending the producer, removing the user from its
  users, withdrawing the permission, deactivating the user) ends every producer page at once:
  the producer dashboard, orders, statements, lots, labels and lot events.
- An *inspector* signs lot inspections: an active user in the "Inspectors" group.

Every view, menu entry and template asks these functions (templates through the ``roles``
template tags). The module touches no model at import time, so settings may import it.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

INSPECTORS_GROUP = "Inspectors"
PRODUCER_PERMISSION = "partner.dashboard_access"


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_operator(user: Any) -> bool:
    return _active(user) and user.is_staff


def needs_second_factor(user: Any) -> bool:
    """Operators and superusers prove a second factor before anything else."""
    return _active(user) and (user.is_staff or user.is_superuser)


def producer_of(user: Any):
    """The producer (partner) this user works for, or None when they have no access (any more)."""
    if not _active(user) or not user.has_perm(PRODUCER_PERMISSION):
        return None
    return user.partners.filter(suspended_at__isnull=True).order_by("pk").first()


def is_producer(user: Any) -> bool:
    return producer_of(user) is not None


def is_inspector(user: Any) -> bool:
    return _active(user) and user.groups.filter(name=INSPECTORS_GROUP).exists()


def work_of(user: Any) -> dict[str, bool]:
    """Which work pages the header links to for `user` (``producer``, ``inspector``), asked in
    one query and kept on the user for the request (every page's header asks)."""
    if not _active(user) or user.is_staff:
        return {"producer": False, "inspector": False}
    cached = getattr(user, "_work_of", None)
    if cached is None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission
        from django.db.models import Exists, OuterRef, Q
        from oscar.core.loading import get_model

        app_label, codename = PRODUCER_PERMISSION.split(".")
        user_row = get_user_model().objects.filter(pk=user.pk)
        permitted = Permission.objects.filter(
            Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")),
            content_type__app_label=app_label,
            codename=codename,
        )
        partners = get_model("partner", "Partner").objects.filter(
            users=OuterRef("pk"), suspended_at__isnull=True
        )
        inspectors = Group.objects.filter(user=OuterRef("pk"), name=INSPECTORS_GROUP)
        row = user_row.annotate(
            producer=Exists(permitted) & Exists(partners), inspector=Exists(inspectors)
        ).values("producer", "inspector")
        cached = user._work_of = dict(row.first() or {"producer": False, "inspector": False})
    return cached


def producers_with_access():
    """Partners whose users may use their producer pages (not suspended)."""
    from oscar.core.loading import get_model

    return get_model("partner", "Partner").objects.filter(suspended_at__isnull=True)


# --------------------------------------------------------------------------- views


def _guard(check):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            from django.contrib.auth.views import redirect_to_login
            from django.core.exceptions import PermissionDenied
            from django.urls import reverse

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("dashboard:login"))
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


operator_required = _guard(is_operator)
"""Operators only: anonymous users go to the login page, anyone else gets 403."""

producer_or_operator_required = _guard(lambda user: is_operator(user) or is_producer(user))
"""Pages of a producer's own (lots, labels): its users while they have access, and operators."""

inspector_required = _guard(is_inspector)
"""Inspectors only: anonymous users go to the login page, anyone else gets 403."""

inspector_or_operator_required = _guard(lambda user: is_inspector(user) or is_operator(user))
"""Pages of signing keys and certificates: inspectors and operators (who sign with their own
accredited key); anonymous users go to the login page, anyone else gets 403."""


# --------------------------------------------------------------------------- producer pages
# A producer's user belongs to exactly one partner and sees that partner's data only. An
# operator can act on behalf of any producer, chosen in the session; what they do is recorded
# as theirs, with ``on_behalf`` set. Every producer page goes through ``producer_required``, and
# every query on those pages is filtered by ``request.producer``.

SESSION_KEY = "acting_for_producer"


def acting_producer(request):
    """The producer this request works for: the user's own, or the one an operator chose."""
    from oscar.core.loading import get_model

    if is_operator(request.user):
        pk = request.session.get(SESSION_KEY)
        Partner = get_model("partner", "Partner")
        return Partner.objects.filter(pk=pk).first() if pk else None
    return producer_of(request.user)


def act_for(request, partner) -> None:
    from django.core.exceptions import PermissionDenied

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
        from django.contrib.auth.views import redirect_to_login
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect
        from django.urls import reverse

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
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect

        user = request.user
        if user.is_authenticated and not is_operator(user):
            if name == "index" and producer_of(user) is not None:
                return redirect("producer-dashboard:index")
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def start_page(user: Any) -> str:
    """Where someone lands after signing in: their work first. Operators the dashboard,
    inspectors their inspection queue, producers their shop's dashboard, buyers the shop."""
    from django.urls import reverse

    if is_operator(user):
        return reverse("dashboard:index")
    if is_inspector(user):
        return reverse("traceability:inspections")
    if is_producer(user):
        return reverse("producer-dashboard:index")
    return reverse("wagtail_serve", args=[""])


# --------------------------------------------------------------------------- dashboard menu
# Oscar's menu calls ``access_fn(user, url_name, url_args, url_kwargs)``.


def menu_operators(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    return is_operator(user)


def menu_producers(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    """The producer's own pages: producers, and operators (who act on a producer's behalf).
    Asked once per request (the menu asks for each of its entries); the views check again."""
    if is_operator(user):
        return True
    cached = getattr(user, "_menu_producer", None)
    if cached is None:
        cached = is_producer(user)
        if _active(user):
            user._menu_producer = cached
    return cached
