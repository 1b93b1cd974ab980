"""sitemap.xml: content pages, products, categories and producers, each in every language,
with hreflang alternates.

URLs are absolute on the host the sitemap was requested from (which `ALLOWED_HOSTS` bounds), so
the same code serves a laptop, the test server and production.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from oscar.core.loading import get_model
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.models import Page

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")


class ContentSitemap(WagtailSitemap):
    """Live, public pages of every language tree of the site; untranslated aliases are left
    out (their text is the source language's)."""

    def items(self):
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        under_a_root = Q()
        for root in roots:
            under_a_root |= Q(path__startswith=root.path)
        return (
            Page.objects.live()
            .public()
            .filter(under_a_root, alias_of__isnull=True)
            .select_related("locale")
            .order_by("path")
        )

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)
        siblings = defaultdict(list)
        for other in (
            Page.objects.live()
            .public()
            .filter(translation_key__in={p.translation_key for p in pages}, alias_of__isnull=True)
            .select_related("locale")
        ):
            siblings[other.translation_key].append(other)
        urls = []
        for item in pages:
            lastmod = self.lastmod(item)
            alternates = [
                {"lang_code": other.locale.language_code, "location": self._absolute(other)}
                for other in sorted(siblings[item.translation_key], key=lambda p: p.locale_id)
            ]
            default = next(
                (a for a in alternates if a["lang_code"] == settings.LANGUAGE_CODE), None
            )
            if default:
                alternates.append({"lang_code": "x-default", "location": default["location"]})
            urls.append(
                {
                    "item": item,
                    "location": self._absolute(item),
                    "lastmod": lastmod,
                    "alternates": alternates if len(alternates) > 2 else [],
                }
            )
        dates = [url["lastmod"] for url in urls if url["lastmod"]]
        if dates:
            self.latest_lastmod = max(dates)
        return urls

    def _absolute(self, page) -> str:
        return self.request.build_absolute_uri(page.get_url(self.request))


class CatalogueSitemap(DjangoSitemap):
    """Catalogue pages, each once per language with its hreflang alternates (Django's i18n
    sitemap: the same path under each language's prefix)."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "daily"

    def __init__(self, request):
        self.request = request

    def get_protocol(self, protocol=None):
        return self.request.scheme

    def get_domain(self, site=None):
        return self.request.get_host()


class ProductSitemap(CatalogueSitemap):
    """Every product on sale."""

    def items(self):
        return Product.objects.browsable().only("pk", "slug", "date_updated").order_by("pk")

    def lastmod(self, item):
        return item.date_updated


class CategorySitemap(CatalogueSitemap):
    """Every public category."""

    changefreq = "weekly"

    def items(self):
        return Category.objects.filter(is_public=True, ancestors_are_public=True).order_by("path")


class ProducerSitemap(CatalogueSitemap):
    """Every public producer's page."""

    changefreq = "weekly"

    def items(self):
        return Partner.objects.on_floor().only("pk", "code").order_by("pk")


def sitemap(request):
    sitemaps = {
        "pages": ContentSitemap(request),
        "products": ProductSitemap(request),
        "categories": CategorySitemap(request),
        "producers": ProducerSitemap(request),
    }
    return sitemap_views.sitemap(request, sitemaps)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /dashboard/",
        "Disallow: /cms-admin/",
        "Disallow: /django-admin/",
        "Disallow: /shop/basket/",
        "Disallow: /shop/checkout/",
        "Disallow: /en/shop/basket/",
        "Disallow: /en/shop/checkout/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
