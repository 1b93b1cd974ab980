"""The login throttle in Django's authentication chain (first in AUTHENTICATION_BACKENDS)."""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a locked-out account+address before any password is checked, on every login
    form (shop, dashboard, Wagtail admin, Django admin): those all pass the request.

    ``authenticate()`` without a request is not a login form: Oscar calls it right after a
    buyer registers, with the password just chosen. Axes would refuse those calls outright;
    here they pass to the next backend, unthrottled, as there is no address to throttle."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
