import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

IN_CI = os.environ.get("CI", "").lower() == "true"

pytest_plugins = ["tests.browser"]

# Browser tests keep Playwright's sync API (an event loop in the main thread) open for the whole
# session, while every test uses Django's ORM from plain synchronous code. Subprocesses that
# run production settings drop this variable again (see tests/shop/test_settings.py).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def require(condition: bool, reason: str) -> None:
    """Skip when a real service is missing, except in CI, where that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _clean_cache():
    from celery._state import _set_task_join_will_block

    from shop.address.selectors import countries_forget
    from shop.order.kinds import kinds_forget_all

    cache.clear()
    kinds_forget_all()  # the rows a process keeps, of a database rolled back since
    countries_forget()
    # A test worker's pool marks the process as a worker, where waiting for a result would
    # block; left behind, it refuses a later test's `.delay().get()`.
    _set_task_join_will_block(False)
    yield
    cache.clear()
    kinds_forget_all()
    countries_forget()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Vietnamese, whatever the previous request activated."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True, scope="session")
def _media_root(tmp_path_factory):
    root = Path(settings.MEDIA_ROOT)
    yield
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(autouse=True)
def _operators_pass_the_second_factor(monkeypatch):
    """``client.force_login(operator)`` signs in with the second factor too (see tests/otp.py)."""
    from django.test import Client

    from shop import roles
    from tests import otp

    def force_login(client, user, backend=None):
        otp.password_only_login(client, user, backend)
        if roles.needs_second_factor(user):
            otp.verify_session(client, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def uses_postgres():
    from django.db import connection

    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture(scope="module")
def demo_floor(django_db_setup, django_db_blocker):
    """The demo (floor, lots, content) loaded once for a module's tests, which see it through
    their own transactions; rolled back after the module, so other tests never meet it."""
    from django.db import transaction

    from shop import demo

    with django_db_blocker.unblock(), transaction.atomic():
        translation.activate(settings.LANGUAGE_CODE)
        demo.demo_load()
        yield
        transaction.set_rollback(True)
