"""The footer's legal part: the floor's MOIT registration notice and its three legal pages."""

from django import template
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cms.selectors import LEGAL_PAGE_SLUGS, legal_page_urls

register = template.Library()

LEGAL_PAGE_LABELS = {
    "regulation": _("Operating regulations"),
    "complaints": _("Complaints policy"),
    "privacy": _("Privacy policy"),
}


@register.simple_tag(takes_context=True)
def legal_links(context) -> dict:
    """`links`: (label, url) of each legal page an editor has published, in the page's
    language; `urls`: their addresses (the footer lists them apart from other pages)."""
    request = context.get("request")
    urls = legal_page_urls(request=request)
    links = [(LEGAL_PAGE_LABELS[key], urls[key]) for key in LEGAL_PAGE_SLUGS if key in urls]
    return {"links": links, "urls": [url for _label, url in links]}


@register.simple_tag
def moit_registration() -> dict | None:
    """The floor's MOIT registration (settings.MOIT_REGISTRATION), or None when not set."""
    registration = getattr(settings, "MOIT_REGISTRATION", None) or {}
    return registration if registration.get("number") else None
