from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from shop import geo, pagecache, people, richtext
from shop.order import statuses

register = template.Library()


@register.filter
def clean_html(value) -> SafeString:
    """Untrusted HTML (what producers and applicants write) reduced to the allow-list of
    `shop.richtext`, safe to show: `{{ product.description|clean_html }}`."""
    return mark_safe(richtext.clean_html(value))  # noqa: S308 (nh3 output)


@register.filter
def status_label(status) -> str:
    """An order's or line's stored status (English text) as the reader reads it:
    `{{ order.status|status_label }}`."""
    return statuses.label(status)


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in each language, query string kept.

    A Wagtail page links to its translation in each language (whose slug may differ); shop
    pages translate their URL. Computed once per request: the header and the <head> both use it.
    """
    request = context.get("request")
    current = get_language()
    cached = getattr(request, "_language_links", None)
    if cached is not None and cached[0] == current:
        return cached[1]
    path = request.path if request else "/"
    query = request.META.get("QUERY_STRING", "") if request else ""
    page_urls = _wagtail_page_urls(context.get("page"), request)
    links = []
    for code, name in settings.LANGUAGES:
        url = page_urls.get(code) or translate_url(path if not page_urls else "/", code)
        links.append(
            {
                "code": code,
                "name": name,
                "url": f"{url}?{query}" if query else url,
                "active": code == current,
            }
        )
    if request is not None:
        request._language_links = (current, links)
    return links


def _wagtail_page_urls(page, request) -> dict[str, str]:
    """Language code -> URL of each live translation of a Wagtail page (one query, kept in the
    cache for the pages' generation: publishing or moving a page starts a new one)."""
    from django.core.cache import cache
    from wagtail.models import Page

    if not isinstance(page, Page) or page.pk is None:
        return {}
    if request is None or getattr(request, "is_preview", False):
        return _page_translation_urls(page, request)
    generation = pagecache.generation(request)
    key = f"page-languages:{generation}:{page.translation_key}:{request.get_host()}"
    urls = cache.get(key)
    if urls is None:
        urls = _page_translation_urls(page, request)
        cache.set(key, urls, 600)
    return urls


def _page_translation_urls(page, request) -> dict[str, str]:
    translations = page.get_translations(inclusive=True).live().select_related("locale")
    urls = {}
    for translation in translations:
        url = translation.get_url(request)
        if url:
            urls[translation.locale.language_code] = url
    return urls


@register.filter
def province_name(code) -> str:
    """A province's name in the page's language, from its code."""
    return geo.place_name(geo.province(code))


@register.filter
def ward_name(code) -> str:
    """A ward's or commune's name in the page's language, from its code."""
    return geo.place_name(geo.ward(code))


@register.filter
def place_name(unit) -> str:
    """A province's or commune's name in the page's language ("Đồng Văn Commune" on /en/)."""
    return geo.place_name(unit)


@register.inclusion_tag("oscar/partials/ocop_stars.html")
def ocop_stars(stars):
    return {"stars": stars, "range": range(stars or 0)}


@register.filter
def quantity_max(availability) -> int:
    """The quantity field's maximum on a product page: the stock left when few are left
    (`STOCK_EXACT_AT_MOST`), else `QUANTITY_FIELD_MAX`. The page is cached and only an order
    that leaves few renews it (shop/partner/stock.py)."""
    left = getattr(availability, "num_available", None)
    if left is not None and left <= settings.STOCK_EXACT_AT_MOST:
        return left
    return settings.QUANTITY_FIELD_MAX


@register.simple_tag
def page_cache_generation() -> int:
    """Part of fragment cache keys, so fragments are dropped with the pages (see pagecache)."""
    return pagecache.generation()


@register.filter
def full_name(user) -> str:
    """The person's full name as written, family name first: `{{ user|full_name }}`."""
    return people.full_name(user)
