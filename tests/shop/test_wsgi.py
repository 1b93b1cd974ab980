"""The WSGI application gunicorn serves lets go of each request once its response is sent:
what the middleware hangs on a request is freed by reference counting, not left in reference
cycles for the garbage collector (whose collections held a worker's threads still)."""

import gc
import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse

from bench.session import signed_in_session
from shop.wsgi import Handler, application

pytestmark = pytest.mark.django_db


def signed_in_cookie() -> str:
    user = get_user_model().objects.create_user("mai", "mai@example.com", "pw-123456789")
    return f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}"


def serve(app, path: str, cookie: str) -> int:
    """One GET through `app` as a WSGI server sends it: read, then closed."""
    statuses = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": cookie,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
    }
    # As Django's test client does: the test's connection (and transaction) stays open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = app(environ, lambda status, headers: statuses.append(status))
        b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(statuses[0].split()[0])


def left_to_the_collector(app, path: str, cookie: str, requests: int = 10) -> float:
    """Objects per request that only the garbage collector could free."""
    for _ in range(3):  # lasting caches (templates, lookups) filled first
        assert serve(app, path, cookie) == 200
    gc.collect()
    gc.disable()
    try:
        for _ in range(requests):
            serve(app, path, cookie)
        return gc.collect() / requests
    finally:
        gc.enable()


def test_a_shared_page_leaves_next_to_nothing_to_the_garbage_collector():
    """A signed-in buyer's browsing page, from the page cache with their parts filled in."""
    from django.core.handlers.wsgi import WSGIHandler

    cookie = signed_in_cookie()
    path = reverse("catalogue:index")
    djangos = left_to_the_collector(WSGIHandler(), path, cookie)
    ours = left_to_the_collector(application, path, cookie)
    assert djangos > 40  # what the comparison stands on: Django's handler leaves cycles
    assert ours < 20, (ours, djangos)


def test_the_application_is_this_handler():
    assert isinstance(application, Handler)
