"""The Celery wiring, end to end: a task goes through Redis to a real worker and back."""

from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.models import Session
from django.utils import timezone

from shop.celery import app
from shop.tasks import clear_expired_sessions
from tests.redis import REDIS, celery_through_redis


@pytest.fixture
def redis_celery():
    with (
        celery_through_redis(result_backend=REDIS),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        yield app


def test_beat_schedule_clears_sessions_daily():
    schedule = app.conf.beat_schedule["clear-expired-sessions"]
    assert schedule["task"] == clear_expired_sessions.name
    assert schedule["schedule"] == 24 * 60 * 60


@pytest.mark.django_db(transaction=True)
def test_task_runs_on_a_worker_through_redis(redis_celery):
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="new", session_data="", expire_date=now + timedelta(days=1))
    result = clear_expired_sessions.delay()
    assert result.get(timeout=30) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]
