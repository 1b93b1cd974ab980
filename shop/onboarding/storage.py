"""Private storage for applicants' documents: outside MEDIA_ROOT, with no URL.

Files here are never served by the web server or by Django's media view; operators download
them through the dashboard (see ``dashboard_views.document_download``), which checks who asks.
"""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """A FileSystemStorage rooted at ``settings.PRIVATE_MEDIA_ROOT`` (read on every use, so a
    test may point it elsewhere) that refuses to make a URL."""

    @property
    def base_location(self):
        return Path(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no URL; they are downloaded through the dashboard.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()


def document_path(instance, filename: str) -> str:
    """A random name: what the applicant called the file is kept in the database only."""
    extension = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
    return f"applications/{uuid.uuid4().hex}{extension.get(instance.content_type, '')}"
