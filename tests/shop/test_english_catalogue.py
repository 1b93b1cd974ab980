"""Every English page of the demo catalogue speaks English: no Vietnamese product or category name
on the home page, the content pages, categories, products, producers, origin pages and search
results under /en/ (the demo loaded once, its pages crawled with Django's test client)."""

import html
import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")

pytestmark = pytest.mark.django_db

# Where a buyer browses the catalogue; not their basket, account, checkout or the dashboards.
NOT_CATALOGUE = re.compile(
    r"^/en/(shop/(basket|checkout|accounts|sell|reviews|wishlists|offers)|dashboard|payments|"
    r"shipping|trace|second-factor|jsi18n|cms-admin|documents)"
)
LINK = re.compile(r'href="(/en/[^"#]*)"')
SEARCHES = ("honey", "tea", "orange", "mật ong", "cam sanh")


def vietnamese_names() -> set[str]:
    """The Vietnamese product and category names that an English page must not show (those
    whose English differs, or is missing)."""
    names = set()
    for model, field in ((Product, "title"), (Category, "name")):
        for vi, en in model.objects.values_list(f"{field}_vi", f"{field}_en"):
            if vi and vi != en:
                names.add(vi)
    return names


def start_pages() -> list[str]:
    with translation.override("en"):
        pages = ["/en/", reverse("catalogue:index"), reverse("catalogue:origin-index")]
        pages += [reverse("producers:index")]
        pages += [category.get_absolute_url() for category in Category.objects.all()]
        pages += [product.get_absolute_url() for product in Product.objects.all()]
        pages += [producer.get_absolute_url() for producer in Partner.objects.all()]
        search = reverse("search:search")
    return pages + [f"{search}?{urlencode({'q': words})}" for words in SEARCHES]


def crawl(client, limit: int = 400) -> dict[str, str]:
    """The English catalogue pages reachable from the start pages: {path: text}."""
    queue, seen, pages = start_pages(), set(), {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302):  # e.g. /en/shop/ to the home page
            if response["Location"].startswith("/en/"):
                queue.append(response["Location"])
            continue
        assert response.status_code == 200, (url, response.status_code)
        pages[url] = html.unescape(response.content.decode())
        for link in LINK.findall(response.content.decode()):
            path = urlsplit(html.unescape(link)).path  # sorted or paged: the page once is enough
            if not NOT_CATALOGUE.match(path) and path not in seen:
                queue.append(path)
    return pages


def test_english_catalogue_pages_show_no_vietnamese_product_or_category_name(demo_floor, client):
    names = vietnamese_names()
    assert len(names) >= 40  # the demo's products and categories, named in both languages
    pages = crawl(client)
    with translation.override("en"):
        origin = reverse("catalogue:origin-index")
    assert set(start_pages()) - {"/en/shop/catalogue/"} <= set(pages)  # every product, …
    assert any(url.startswith(origin) and url != origin for url in pages)  # origin pages
    assert any(not url.startswith("/en/shop/") for url in pages if url != "/en/")  # content
    found = {
        url: sorted(name for name in names if name in text)
        for url, text in pages.items()
        if any(name in text for name in names)
    }
    assert not found, found


def test_the_check_sees_a_vietnamese_name_when_the_english_is_missing(demo_floor, client):
    product = Product.objects.get(upc="CP00001")
    product.title_en = ""
    product.save()
    assert product.title_vi in vietnamese_names()
    with translation.override("en"):
        url = product.get_absolute_url()
    page = html.unescape(client.get(url).content.decode())
    assert product.title_vi in page  # falls back to Vietnamese: the crawl above would fail
