"""The server-side gate in front of everything an operator can do.

- An operator or superuser (``shop.roles.needs_second_factor``) signed in with a password only
  reaches nothing but the second-factor pages and logging out: every other request goes to
  verify (or, the first time, to enrol). That covers Oscar's dashboard and our operator pages,
  /trace/, the Wagtail admin, the Django admin and any page added later. Producers, inspectors,
  editors and buyers are never asked.
- The Django admin does not exist for a signed-in user who is not an operator: 404, even its
  login page. Anonymous visitors get its login page (throttled like every login form).

Placed after django-otp's OTPMiddleware (which sets ``request.user.is_verified``); it acts
in ``process_view``, once every middleware has set up the request (a 404 page needs the basket).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from shop import roles
from shop.accounts import selectors

# Pages an operator still needs before their second factor is proven.
OPEN_NAMES = {"set_language", "javascript-catalog", "healthz"}
LOGOUT_NAMES = {"logout", "wagtailadmin_logout"}


class OperatorGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        user = request.user
        if roles.needs_second_factor(user) and not user.is_verified() and not _open(match):
            name = "verify" if selectors.has_authenticator(user=user) else "enrol"
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('second-factor:' + name)}?{query}")
        if "admin" in match.namespaces and user.is_authenticated and not roles.is_operator(user):
            raise Http404
        return None


def _open(match) -> bool:
    return (
        "second-factor" in match.namespaces
        or match.url_name in LOGOUT_NAMES
        or match.url_name in OPEN_NAMES
    )
