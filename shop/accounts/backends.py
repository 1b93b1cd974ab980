"""Django's authentication chain: the login throttle first, then the two ways to sign in (an
e-mail address, Oscar's; a username, Django's), each reading the signed-in account from the
cache (`CachedUser`)."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import cache
from django.db import transaction
from oscar.apps.customer.auth_backends import EmailBackend as OscarEmailBackend

# How long a copy of an account is kept. Every save or deletion of the account replaces the
# copy at once (`user_changed`); this only bounds a copy's life should that write be lost
# (Redis unreachable at that moment).
USER_CACHE_SECONDS = 60
# After a change, readers neither use nor store a copy for this long: a request that read the
# row just before the change committed cannot put its old copy back.
USER_CHANGED_SECONDS = 10
_CHANGED = "changed"

# Sessions signed in before the backends moved here name the classes they extend.
LEGACY_BACKENDS = {
    "oscar.apps.customer.auth_backends.EmailBackend": "shop.accounts.backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend": "shop.accounts.backends.ModelBackend",
}


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


def user_cache_key(user_id) -> str:
    return f"auth-user:{user_id}"


class CachedUser:
    """The signed-in account of every request, read from the cache rather than the database:
    on a page served from the page cache, it was the one query left.

    The copy is the row as the database returned it, taken before the request touches it.
    Django checks the session against it as against the row (the password's hash, so a new
    password signs out other sessions), and an account that is no longer active is refused.
    A miss, or Redis down (the cache fails soft), reads the row."""

    def get_user(self, user_id):
        key = user_cache_key(user_id)
        copy = cache.get(key)
        if isinstance(copy, get_user_model()):
            return copy if self.user_can_authenticate(copy) else None
        user = super().get_user(user_id)
        if user is not None and copy is None:  # not just after a change (`user_changed`)
            cache.add(key, user, USER_CACHE_SECONDS)
        return user


class EmailBackend(CachedUser, OscarEmailBackend):
    pass


class ModelBackend(CachedUser, DjangoModelBackend):
    pass


def user_changed(sender, instance, **kwargs) -> None:
    """An account was saved or deleted: its copy goes when the transaction commits, and until
    shortly after, readers read the row and keep no copy. It goes at once too, so that what
    runs after the change in the same transaction reads the changed row."""
    key = user_cache_key(instance.pk)

    def forget() -> None:
        cache.set(key, _CHANGED, USER_CHANGED_SECONDS)

    forget()
    transaction.on_commit(forget, robust=True)
