"""Settings of a worker process a resilience test starts (and may kill): the test database and
broker from the environment, tasks through the broker, e-mail into a test backend."""

import os

from shop.settings.test import *  # noqa: F403

CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "tests.resilience.mailboxes.HangingBackend")
