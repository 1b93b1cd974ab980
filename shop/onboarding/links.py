"""Signed links to an applicant's status page: whoever holds the link may see and answer."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

SALT = "shop.onboarding.status"


def status_token(application_id: int) -> str:
    return signing.dumps({"application": application_id}, salt=SALT, compress=True)


def application_id_from(token: str) -> int | None:
    """The application a token was made for, or None when it is forged or altered."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    application_id = value.get("application") if isinstance(value, dict) else None
    return application_id if isinstance(application_id, int) else None


def status_url(application_id: int, *, language: str) -> str:
    with translation.override(language):
        path = reverse("onboarding:status", kwargs={"token": status_token(application_id)})
    return settings.SITE_URL + path
