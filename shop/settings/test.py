"""Test settings: fast hashing, local e-mail, the same database switch as everywhere."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret-cho-phien"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "shop.uploads.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run inline unless a test starts a real worker (tests/test_celery.py does, over Redis).
CELERY_TASK_ALWAYS_EAGER = True
# Each test run gets its own in-process cache; tests that need Redis say so.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One media folder per test process: a worker that finishes first removes its own, not the files
# another worker's tests are still serving.
MEDIA_ROOT = VAR_DIR / f"test-media-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"  # noqa: F405
THUMBNAIL_DEBUG = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# Payment gateways are simulated locally (shop/settings/simulators.py).
from .base import SITE_URL  # noqa: E402
from .simulators import simulated_carriers, simulated_gateways, simulated_zns  # noqa: E402

PAYMENT_SIMULATORS = True
PAYMENT_GATEWAYS = {**simulated_gateways(SITE_URL), **PAYMENT_GATEWAYS}  # noqa: F405
CARRIER_SIMULATORS = True
CARRIERS = {**simulated_carriers(SITE_URL), **CARRIERS}  # noqa: F405
ZNS_SIMULATOR = True
ZNS = ZNS or simulated_zns()  # noqa: F405
