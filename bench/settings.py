"""Production settings plus one route: a one-line view, the ceiling pages are measured against."""

from shop.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
