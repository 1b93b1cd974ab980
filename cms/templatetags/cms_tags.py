from django import template
from django.conf import settings
from oscar.core.loading import get_model
from wagtail.models import Page, Site

from cms import seo
from shop.templatetags.shop_tags import language_links

register = template.Library()
Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")


@register.inclusion_tag("cms/partials/social_meta.html", takes_context=True)
def social_meta(context) -> dict:
    """OpenGraph tags, canonical URL and hreflang alternates of the page being shown."""
    request = context.get("request")
    if request is None:
        return {}
    page, product = context.get("page"), context.get("product")
    category, producer = context.get("category"), context.get("producer")
    if isinstance(page, Page) and page.pk:
        social = seo.page_social(request, page)
    elif isinstance(product, Product) and context.get("view") is not None:
        social = seo.product_social(request, product)
    elif isinstance(category, Category) and context.get("view") is not None:
        social = seo.category_social(request, category)
    elif isinstance(producer, Partner) and context.get("view") is not None:
        social = seo.producer_social(request, producer)
    else:
        social = None
    links = [
        {**link, "absolute_url": request.build_absolute_uri(link["url"])}
        for link in language_links(context)
    ]
    current = next((link for link in links if link["active"]), None)
    return {
        "social": social,
        "site_name": settings.OSCAR_SHOP_NAME,
        "alternates": links,
        "default_url": next(
            (link["absolute_url"] for link in links if link["code"] == settings.LANGUAGE_CODE),
            "",
        ),
        "og_locale": seo.OG_LOCALES.get(current["code"], "") if current else "",
        "og_alternate_locales": [
            seo.OG_LOCALES[link["code"]]
            for link in links
            if not link["active"] and link["code"] in seo.OG_LOCALES
        ],
    }


@register.simple_tag(takes_context=True)
def organization_json_ld(context, page):
    return seo.json_ld(seo.organization_ld(context["request"], page))


@register.simple_tag(takes_context=True)
def article_json_ld(context, page):
    return seo.json_ld(seo.article_ld(context["request"], page))


@register.simple_tag
def faq_json_ld(page):
    return seo.json_ld(seo.faq_ld(page))


@register.simple_tag(takes_context=True)
def product_json_ld(context, product):
    request = context["request"]
    if product.is_parent:
        info = request.strategy.fetch_for_parent(product)
    else:
        info = request.strategy.fetch_for_product(product)
    # The reviews the product page shows (shop.catalogue.views.ProductDetailView): no query.
    return seo.json_ld(seo.product_ld(request, product, info, context.get("reviews") or ()))


@register.simple_tag(takes_context=True)
def producer_json_ld(context, producer):
    return seo.json_ld(seo.producer_ld(context["request"], producer))


@register.inclusion_tag("cms/partials/breadcrumbs.html", takes_context=True)
def content_breadcrumbs(context, page) -> dict:
    """The trail from the home page down to `page` (nothing on the home page itself)."""
    request = context.get("request")
    ancestors = list(page.get_ancestors().filter(depth__gt=1)) if page.depth > 2 else []
    return {
        "trail": [(p.title, p.get_url(request)) for p in ancestors],
        "page": page,
    }


@register.simple_tag(takes_context=True)
def content_menu(context, in_menus_only=True) -> list[dict]:
    """The home page's children (those marked "show in menus", unless `in_menus_only` is
    False), in the language being shown. Templates cache the result with the page cache's
    generation, so it costs no query on most requests."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    children = site.root_page.localized.get_children().live().public()
    if in_menus_only:
        children = children.in_menu()
    return [
        {"title": page.title, "url": page.get_url(request)} for page in children.order_by("path")
    ]
