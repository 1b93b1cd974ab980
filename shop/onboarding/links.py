"""Signed links to an applicant's status page: whoever holds the link may see and answer.

A link works for ONBOARDING_STATUS_LINK_MAX_AGE; the applicant then asks for a fresh one
(``views.status_resend``), which is e-mailed to the application's address.
"""

from django.conf import settings
from django.core import signing

from shop.links import page_url

SALT = "shop.onboarding.status"


class LinkExpired(Exception):
    """A genuine status link, older than ONBOARDING_STATUS_LINK_MAX_AGE."""


def status_token(application_id: int) -> str:
    return signing.dumps({"application": application_id}, salt=SALT, compress=True)


def application_id_from(token: str) -> int | None:
    """The application a token was made for, or None when it is forged or altered; raises
    LinkExpired when it is genuine but too old."""
    try:
        value = signing.loads(token, salt=SALT, max_age=settings.ONBOARDING_STATUS_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        return None
    application_id = value.get("application") if isinstance(value, dict) else None
    return application_id if isinstance(application_id, int) else None


def status_url(application_id: int, *, language: str) -> str:
    return page_url("onboarding:status", language=language, token=status_token(application_id))
