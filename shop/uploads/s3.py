"""The private store on an S3-compatible service (django-storages, boto3)."""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """A private bucket: objects readable only with the keys, and no URL handed out."""

    default_acl = "private"

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no URL; they are downloaded through a view.")
