"""Django's authentication chain: the login throttle first, then the two ways to sign in (an
e-mail address, Oscar's; a username, Django's), each reading the signed-in account from the
cache (`CachedUser`)."""

from uuid import uuid4

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import cache
from django.db import transaction
from oscar.apps.customer.auth_backends import EmailBackend as OscarEmailBackend

# How long a copy of an account is kept. Every save or deletion of the account outdates the
# copy at once (`user_changed`); this only bounds a copy's life should that write be lost
# (Redis unreachable at that moment).
USER_CACHE_SECONDS = 60
# An account's version lives longer than any copy of it. Should it go all the same (evicted),
# readers start a new one, which no copy carries.
USER_VERSION_SECONDS = 24 * 60 * 60

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


def user_version_key(user_id) -> str:
    return f"auth-user-version:{user_id}"


class CachedUser:
    """The signed-in account of every request, read from the cache rather than the database:
    on a page served from the page cache, it was the one query left.

    The copy is the row as the database returned it, taken before the request touches it.
    Django checks the session against it as against the row (the password's hash, so a new
    password signs out other sessions), and an account that is no longer active is refused.

    Each copy carries the account's version as it stood before its row was read; a change to
    the account gives it a new version when it commits (`user_changed`). A copy whose version
    is not the account's is not used, so a request that read the row just before a change
    committed and stored its copy just after stores one nobody uses. Copy and version come in
    one round trip. A miss, or Redis down (the cache fails soft), reads the row."""

    def get_user(self, user_id):
        key, version_key = user_cache_key(user_id), user_version_key(user_id)
        found = cache.get_many([key, version_key])
        version = found.get(version_key)
        copy = found.get(key)
        if version is not None and isinstance(copy, tuple) and copy[0] == version:
            user = copy[1]
            return user if self.user_can_authenticate(user) else None
        if version is None:  # first sign-in, or evicted: a version to read the row under
            version = uuid4().hex
            if not cache.add(version_key, version, USER_VERSION_SECONDS):
                version = None  # another request started one; this one keeps no copy
        user = super().get_user(user_id)
        if user is not None and version is not None:
            cache.set(key, (version, user), USER_CACHE_SECONDS)
        return user


class EmailBackend(CachedUser, OscarEmailBackend):
    pass


class ModelBackend(CachedUser, DjangoModelBackend):
    pass


def user_changed(sender, instance, **kwargs) -> None:
    """An account was saved or deleted: it gets a new version when the transaction commits,
    which outdates every copy. It gets one at once too, so that what runs after the change in
    the same transaction reads the changed row."""
    version_key = user_version_key(instance.pk)

    def outdate() -> None:
        cache.set(version_key, uuid4().hex, USER_VERSION_SECONDS)

    outdate()
    transaction.on_commit(outdate, robust=True)
