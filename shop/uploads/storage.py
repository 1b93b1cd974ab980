"""Where uploads live: Django's storage API only, so any web or worker node reads what another
wrote (an S3-compatible store in production, the filesystem on one machine).

``STORAGES["default"]`` holds public media (product images); ``STORAGES["private"]`` holds
what is only ever sent through views, which decide who may have it (applicants' documents,
lot-event attachments, lab reports). Private files have no URL.
"""

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

from shop.uploads import content


class PrivateFileSystemStorage(FileSystemStorage):
    """The filesystem under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, refusing to make a URL."""

    def __init__(self, **kwargs):
        kwargs.setdefault("location", settings.PRIVATE_MEDIA_ROOT)
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    def url(self, name):
        raise ValueError("Private files have no URL; they are downloaded through a view.")


class _PrivateStorage(LazyObject):
    """``storages["private"]``, looked up on first use and again after STORAGES changes."""

    def _setup(self):
        self._wrapped = storages["private"]


private = _PrivateStorage()


@receiver(setting_changed)
def _reset(*, setting, **kwargs):
    if setting in {"STORAGES", "PRIVATE_MEDIA_ROOT"}:
        private._wrapped = empty
        storages._storages = {}


def private_storage():
    """For ``FileField(storage=...)``: a callable, so migrations name it instead of a path."""
    return private


def random_name(folder: str, content_type: str) -> str:
    """A name we choose, never the uploader's: ``folder/<32 hex>.<extension of the kind>``."""
    extension = content.EXTENSIONS.get(content_type, ("",))[0]
    return f"{folder}/{uuid.uuid4().hex}{extension}"
