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


# --------------------------------------------------------------------------- dashboard menu
# Oscar's menu calls ``access_fn(user, url_name, url_args, url_kwargs)``.


def menu_operators(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    return is_operator(user)


def menu_producers(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    """The producer's own pages: producers, and operators (who act on a producer's behalf)."""
    return is_operator(user) or is_producer(user)
