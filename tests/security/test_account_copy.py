"""The signed-in account is read from the cache on each request (shop.accounts.backends), and
that copy never outlives a change to the account: a deactivated account, a new password or a
deleted account takes effect on the very next request, as it did when each request read the
row; the request after that uses a copy again."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.accounts.backends import EmailBackend, user_cache_key, user_version_key
from tests.conftest import require
from tests.redis import redis_up
from tests.resilience.test_redis_down import cache_settings

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def mai():
    user = User.objects.create_user("mai", "mai@example.com", "pw-123456789")
    client = Client()
    client.force_login(user)  # saves the account (its last login): a new version
    return user, client


def signed_in(client: Client) -> bool:
    html = client.get(reverse("customer:summary"), follow=True).content.decode()
    return reverse("customer:logout") in html


def user_queries(client: Client) -> int:
    """Queries of the auth_user table while the client's account page is opened."""
    with CaptureQueriesContext(connection) as captured:
        assert signed_in(client)
    return sum('FROM "auth_user"' in query["sql"] for query in captured)


def test_a_signed_in_request_reads_its_account_from_the_cache(mai):
    user, client = mai
    assert user_queries(client) >= 1  # the first request reads the row and keeps a copy
    assert user_queries(client) == 0
    version, copy = cache.get(user_cache_key(user.pk))
    assert copy.pk == user.pk and version == cache.get(user_version_key(user.pk))


def test_a_deactivated_account_is_signed_out_at_once(mai):
    user, client = mai
    assert signed_in(client)  # the copy is cached
    user.is_active = False
    user.save()
    assert not signed_in(client)


def test_a_new_password_signs_other_sessions_out_at_once(mai):
    user, client = mai
    assert signed_in(client)
    user.set_password("another-pw-987654321")
    user.save()
    assert not signed_in(client)


def test_a_deleted_account_is_signed_out_at_once(mai):
    user, client = mai
    assert signed_in(client)
    User.objects.filter(pk=user.pk).delete()  # Django's delete sends post_delete per row
    assert not signed_in(client)


def test_after_a_change_the_next_request_reads_the_row_and_the_one_after_the_copy(mai):
    """Signing in or editing the account costs one read of the row, on the next request."""
    user, client = mai
    assert signed_in(client)
    user.first_name = "Mai"
    user.save()
    assert user_queries(client) >= 1
    assert user_queries(client) == 0
    assert EmailBackend().get_user(user.pk).first_name == "Mai"


def test_a_copy_read_before_a_change_and_stored_after_it_is_not_used(mai):
    """What a request does that read the version and the row just before a change committed,
    and stored its copy just after: the next request does not take that copy."""
    user, client = mai
    assert signed_in(client)
    before = cache.get(user_version_key(user.pk))
    old_row = User.objects.get(pk=user.pk)
    user.is_active = False
    user.save()
    cache.set(user_cache_key(user.pk), (before, old_row), 60)  # the late reader's copy
    assert not signed_in(client)


@pytest.mark.django_db(transaction=True)
def test_a_copy_of_the_row_read_during_the_change_is_outdated_by_its_commit():
    """A request between the change's save and its commit reads the old row (it is still the
    account's) and keeps a copy; after the commit, the next request reads the new row."""
    user = User.objects.create_user("lan", "lan@example.com", "pw-123456789")
    saved, committed = threading.Event(), threading.Event()

    def deactivate() -> None:
        try:
            with transaction.atomic():
                changed = User.objects.get(pk=user.pk)
                changed.is_active = False
                changed.save()
                saved.set()
                committed.wait(10)
        finally:
            connection.close()

    writer = threading.Thread(target=deactivate)
    writer.start()
    assert saved.wait(10)
    during = EmailBackend().get_user(user.pk)  # another connection: the committed row
    committed.set()
    writer.join(10)
    assert during is not None and during.is_active
    assert cache.get(user_cache_key(user.pk))[1].is_active  # it kept a copy of the old row,
    assert EmailBackend().get_user(user.pk) is None  # which the commit outdated


def test_a_session_signed_in_through_a_backend_that_moved_stays_signed_in(mai):
    """Sessions from before the backends moved to shop.accounts name Oscar's class."""
    from shop.sessions import SessionStore

    user, client = mai
    key = client.cookies["sessionid"].value
    session = SessionStore(session_key=key)
    session[BACKEND_SESSION_KEY] = "oscar.apps.customer.auth_backends.EmailBackend"
    session.save()
    cache.clear()  # neither the session's copy nor the account's
    assert signed_in(client)
    assert SessionStore(session_key=key)[BACKEND_SESSION_KEY] == (
        "shop.accounts.backends.EmailBackend"
    )


def test_the_copy_goes_through_redis_as_the_row(mai, settings):
    """With the production cache: the account read back from Redis is the row."""
    from django.core.cache import caches

    require(redis_up(), "needs Redis on 127.0.0.1:6379")
    user, client = mai
    settings.CACHES = cache_settings("redis://127.0.0.1:6379/15")
    redis = caches["default"]
    redis.delete_many([user_cache_key(user.pk), user_version_key(user.pk)])
    try:
        assert user_queries(client) >= 1
        assert user_queries(client) == 0
        version, copy = redis.get(user_cache_key(user.pk))
        assert version == redis.get(user_version_key(user.pk))
        assert (copy.pk, copy.password, copy.email) == (user.pk, user.password, user.email)
        user.is_active = False
        user.save()
        assert not signed_in(client)
    finally:
        redis.delete_many([user_cache_key(user.pk), user_version_key(user.pk)])
