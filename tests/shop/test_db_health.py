"""The PostgreSQL connection's health check between requests (shop/db/postgresql): a quiet idle
connection is kept without a round trip; one the server closed is replaced before the request's
first query fails on it."""

import tempfile
import time

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def fresh_connection() -> None:
    """A new kept connection, far from its maximum age (DB_CONN_MAX_AGE)."""
    connection.close()
    connection.ensure_connection()
    assert connection.close_at is None or connection.close_at > time.monotonic() + 5


def next_request() -> None:
    """What Django does between two requests on a kept connection."""
    connection.close_if_unusable_or_obsolete()


def sent_statements(run) -> list[str]:
    """The statements sent to the server while `run()` runs, from libpq's protocol trace."""
    with tempfile.TemporaryFile("w+") as trace:
        pgconn = connection.connection.pgconn
        pgconn.trace(trace.fileno())
        try:
            run()
        finally:
            pgconn.untrace()  # flushes the trace
        trace.seek(0)
        lines = trace.read().splitlines()
    return [line for line in lines if "\tParse\t" in line or "\tQuery\t" in line]


def test_a_quiet_idle_connection_is_kept_without_a_round_trip(uses_postgres):
    assert connection.health_check_enabled
    fresh_connection()
    next_request()

    def first_query():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 42")

    sent = sent_statements(first_query)
    assert len(sent) == 1 and "SELECT 42" in sent[0], sent


def test_a_connection_the_server_closed_is_replaced(uses_postgres):
    fresh_connection()
    old = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [old])
    time.sleep(0.2)  # the server's goodbye reaches the socket
    next_request()

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != old
