"""Sessions (shop/sessions.py): an update is one statement outside any transaction, kept in the
cache too; a new session and a vanished one behave as Django's."""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.sessions import SessionStore

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_update_is_one_statement_and_reaches_the_cache():
    session = SessionStore()
    session["basket"] = 1
    session.create()
    session["basket"] = 2
    with CaptureQueriesContext(connection) as queries:
        session.save()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"]
    again = SessionStore(session.session_key)
    assert again["basket"] == 2
    Session.objects.all().update(session_data="")  # the cache's copy answers
    assert SessionStore(session.session_key)["basket"] == 2


def test_a_vanished_session_is_not_written_again():
    session = SessionStore()
    session["basket"] = 1
    session.create()
    Session.objects.filter(session_key=session.session_key).delete()
    session["basket"] = 2
    with pytest.raises(UpdateError):
        session.save()
    assert not Session.objects.exists()
