"""Absolute links to the site, all from SITE_URL: e-mails, labels, gateways' return addresses.

Links are never built from the request's Host header (which a client chooses) nor from a
database record that nobody set. Django's Sites record and Wagtail's default site are kept in
step with SITE_URL after every migrate (``shop.apps``), for the code of Oscar and Wagtail that
reads them; a database check warns when they drift.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def absolute_url(path: str) -> str:
    """``SITE_URL`` + ``path`` (a path from ``reverse`` or a model's ``get_absolute_url``)."""
    if not path.startswith("/"):
        raise ValueError(f"not a path: {path!r}")
    return settings.SITE_URL + path


def page_url(viewname: str, *, language: str, **kwargs) -> str:
    """The full address of a page in `language` (English pages are under /en/), for a message
    written in that language."""
    with translation.override(language):
        return absolute_url(reverse(viewname, kwargs=kwargs or None))


def site_scheme() -> str:
    return urlsplit(settings.SITE_URL).scheme


def site_domain() -> str:
    """Host and port as Django's Sites keep them: ``chophien.vn``, ``127.0.0.1:8000``."""
    return urlsplit(settings.SITE_URL).netloc


def site_host_and_port() -> tuple[str, int]:
    """As Wagtail's Site keeps them."""
    parts = urlsplit(settings.SITE_URL)
    return parts.hostname or "localhost", parts.port or (443 if parts.scheme == "https" else 80)


def sites_sync(**kwargs) -> None:
    """Set Django's Sites record (SITE_ID) and Wagtail's default site from SITE_URL."""
    from django.contrib.sites.models import Site
    from wagtail.models import Site as WagtailSite

    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": site_domain(), "name": settings.OSCAR_SHOP_NAME},
    )
    hostname, port = site_host_and_port()
    WagtailSite.objects.filter(is_default_site=True).exclude(hostname=hostname, port=port).update(
        hostname=hostname, port=port
    )


def sites_out_of_step() -> list[str]:
    """What differs from SITE_URL in the Sites records (empty when all agree)."""
    from django.contrib.sites.models import Site
    from wagtail.models import Site as WagtailSite

    problems = []
    site = Site.objects.filter(pk=settings.SITE_ID).first()
    if site is None or site.domain != site_domain():
        problems.append(f"Django's Sites record is {site.domain if site else None!r}")
    hostname, port = site_host_and_port()
    wagtail = WagtailSite.objects.filter(is_default_site=True).first()
    if wagtail is not None and (wagtail.hostname, wagtail.port) != (hostname, port):
        problems.append(f"Wagtail's default site is {wagtail.hostname}:{wagtail.port}")
    return problems
