"""The private store on an S3-compatible service (django-storages, boto3)."""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """A bucket kept private (no public ACL, no public policy: objects are readable with the
    keys only), for which no URL is ever handed out."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no URL; they are downloaded through a view.")
