"""Where applicants' documents are stored: the private store (``STORAGES["private"]``), under a
random name. Operators download them through the dashboard (``dashboard.views.document_download``),
which checks who asks."""

from shop.uploads import storage


def private_storage():
    return storage.private_storage()


def document_path(instance, filename: str) -> str:
    """A random name: what the applicant called the file is kept in the database only."""
    return storage.random_name("applications", instance.content_type)
