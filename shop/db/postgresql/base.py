"""Django's PostgreSQL backend, whose health check (`conn_health_checks`) costs no round trip
while the connection is idle and quiet.

Django checks a kept connection before each request's first query with ``SELECT 1``: one more
round trip per request, a few percent of a payment callback's time. A connection the server
closed (a restart, a terminated backend, an idle timeout) has its socket readable while idle:
the server's goodbye, or the end of the stream, is waiting in it. So an idle connection whose
socket has nothing to read passes at once; any other goes through Django's ``SELECT 1``, and is
replaced when that fails.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and self._idle_and_quiet()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _idle_and_quiet(self) -> bool:
        """Open, outside any transaction, and nothing from the server waiting to be read."""
        connection = self.connection
        if connection.closed or connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return False
        poller = select.poll()  # not select(): a worker may hold descriptors past 1024
        try:
            poller.register(connection.fileno(), select.POLLIN)
            return not poller.poll(0)
        except (OSError, ValueError):
            return False
