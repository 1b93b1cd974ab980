"""Sessions: Django's cached_db backend (the row in the database, a copy in the cache), with an
existing session's row updated by one UPDATE on its own.

Django wraps every save in a transaction, so that a failed INSERT of a new session leaves an
enclosing transaction usable. An update outside any transaction is one statement, atomic by
itself: its BEGIN and COMMIT were two more round trips on every request that changes the
session (each checkout step). A new session, and a save inside a transaction, go Django's way.
"""

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, connections, router


class SessionStore(cached_db.SessionStore):
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
