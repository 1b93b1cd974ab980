"""Sessions: Django's cached_db backend (the row in the database, a copy in the cache), with an
existing session's row updated by one UPDATE on its own.

Django wraps every save in a transaction, so that a failed INSERT of a new session leaves an
enclosing transaction usable. An update outside any transaction is one statement, atomic by
itself: its BEGIN and COMMIT were two more round trips on every request that changes the
session (each checkout step). A new session, and a save inside a transaction, go Django's way.

A session signed in through a backend that has since moved names the backend it moved to as it
is loaded (shop.accounts.backends.LEGACY_BACKENDS): nobody is signed out by the move.
"""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, connections, router

from shop.accounts.backends import LEGACY_BACKENDS


class SessionStore(cached_db.SessionStore):
    def load(self):
        data = super().load()
        moved = LEGACY_BACKENDS.get(data.get(BACKEND_SESSION_KEY))
        if moved:
            data[BACKEND_SESSION_KEY] = moved
        return data

    def save(self, must_create=False):
        using = router.db_for_write(self.model)
        if must_create or self.session_key is None or connections[using].in_atomic_block:
            return super().save(must_create)
        obj = self.create_model_instance(self._get_session())
        try:
            obj.save(force_update=True, using=using)
        except DatabaseError as exc:  # the row is gone (expired, signed out elsewhere)
            raise UpdateError from exc
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:  # noqa: BLE001 (as Django's: the row is saved, the copy expires)
            cached_db.logger.exception("Error saving to cache (%s)", self._cache)
