"""Reads for content pages: catalogue items chosen by editors, live lists, search.

Every function here costs a fixed number of queries, whatever the number of items asked for.
Page models are looked up through the app registry because `cms.models` imports this module
(through its blocks).
"""

import hashlib
from collections.abc import Iterable

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Length, Substr
from oscar.core.loading import get_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction

from shop import pagecache
from shop.catalogue import selectors as catalogue
from shop.text import fold, search_terms

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")


def _page_model(name: str):
    return apps.get_model("cms", name)


def public(pages: QuerySet) -> QuerySet:
    """`pages` outside any private section, as Wagtail's ``.public()``, without the query it
    spends listing the restrictions first: a restricted page is one whose path begins with a
    restricted page's path."""
    restricted = PageViewRestriction.objects.annotate(
        prefix=Substr(OuterRef("path"), 1, Length("page__path"))
    ).filter(prefix=F("page__path"))
    return pages.exclude(Exists(restricted))


def view_restrictions(page: Page) -> QuerySet:
    """The restrictions that apply to `page`, as Wagtail's ``Page.get_view_restrictions``, in
    one query instead of two: those of the page and its ancestors (by path), an alias taking its
    source page's restrictions instead of its own."""
    steplen = page.steplen
    paths = [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]
    on_path = Page.objects.filter(path__in=paths)
    return PageViewRestriction.objects.filter(
        Q(page__in=on_path.filter(alias_of__isnull=True).values("pk"))
        | Q(page__in=on_path.filter(alias_of__isnull=False).values("alias_of_id"))
    )


# Catalogue items chosen in the admin -------------------------------------------------------


def product_choices() -> QuerySet:
    """What the product chooser lists: products on sale, with their producer."""
    return Product.objects.browsable().select_related("producer")


def product_ids_matching(query: str) -> QuerySet:
    return catalogue.product_list(query=query).order_by().values("pk")


def producer_choices() -> QuerySet:
    return Partner.objects.filter(is_public=True)


def producer_ids_matching(query: str) -> list[int]:
    """Producers whose folded name contains every folded word of `query`.

    Producers number in the hundreds, so their names (Vietnamese and English) are folded here
    rather than stored folded.
    """
    terms = search_terms(query)
    names = Partner.objects.filter(is_public=True).values_list("pk", "name_vi", "name_en")
    return [
        pk
        for pk, *both in names
        if all(term in fold(" ".join(filter(None, both))) for term in terms)
    ]


def products_by_id(ids: Iterable[int]) -> dict[int, Product]:
    """Chosen products, on sale or not, with what a product card shows prefetched.

    Withdrawn products are returned too, so the admin keeps showing the editor's choice; pages
    render only those `on_sale`.
    """
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return {}
    products = (
        Product.objects.filter(pk__in=ids)
        .select_related("producer", "product_class")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
            Prefetch("stockrecords", queryset=StockRecord.objects.order_by("pk")),
        )
    )
    return {product.pk: product for product in products}


def on_sale(product) -> bool:
    """Whether a chosen product may still be shown to buyers: public, canonical, with a price.

    A product that is out of stock is still on sale (its card says so); one that was withdrawn,
    deleted or has no price is not.
    """
    if product is None or not product.is_public or product.parent_id is not None:
        return False
    return any(record.price is not None for record in product.stockrecords.all())


def producers_by_id(ids: Iterable[int]) -> dict[int, Partner]:
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return {}
    producers = Partner.objects.filter(pk__in=ids).annotate(
        n_products=Count("products", filter=Q(products__is_public=True))
    )
    return {producer.pk: producer for producer in producers}


# Pages ---------------------------------------------------------------------------------------


def localized_pages(
    pages: Iterable[Page], *, locale: int, renditions: bool = True
) -> dict[int, Page]:
    """For each chosen page, its live version in `locale` (an id), or the page itself when it
    has none.

    Chooser blocks store the page picked in the source language; a translated page shows the
    translation instead. Pages that are not live (or not public) are left out. A fixed number of
    queries for any number of pages.
    """
    pages = [page for page in pages if page is not None]
    if not pages:
        return {}
    chosen_or_translated = Q(
        translation_key__in={page.translation_key for page in pages}, locale_id=locale
    ) | Q(pk__in=[page.pk for page in pages])
    models = {page.specific_class for page in pages}
    model = models.pop() if len(models) == 1 else None
    if model is not None and any(field.name == "image" for field in model._meta.fields):
        # Pages of one kind (a page's translations are of its kind): one query for them, with
        # their images, and one for the images' renditions.
        live = public(model.objects.live()).filter(chosen_or_translated)
        candidates = list(with_listing_images(live, renditions=renditions))
    else:
        candidates = list(public(Page.objects.live()).filter(chosen_or_translated).specific())
        attach_images(candidates, renditions=renditions)
    translated = {c.translation_key: c for c in candidates if c.locale_id == locale}
    chosen = {c.pk: c for c in candidates}
    result = {}
    for page in pages:
        found = translated.get(page.translation_key) or chosen.get(page.pk)
        if found is not None:
            result[page.pk] = found
    return result


STREAM_CONTEXT_SECONDS = 600


def stream_context(stream, *, locale) -> dict:
    """What the blocks of `stream` show from outside it, fetched in bulk for all of them, and
    kept in the cache for the pages' generation (`shop.pagecache`: any change to the catalogue
    or the pages starts a new one).

    `pages`: chosen page id -> the live page to show (its translation in `locale` when there is
    one); `stories`: producer id -> its story page; `articles`: kind ("" for any) -> the latest
    articles of that kind, as many as the blocks asking for it want (one query per kind).
    Images come without their renditions, which Wagtail finds in its own cache (a rendition
    made after this was cached is found there too).
    """
    chosen_pages, producer_ids, article_counts = [], set(), {}
    for block in stream:
        value = block.value
        if block.block_type == "region_stories":
            chosen_pages.extend(value["pages"])
        elif block.block_type == "hero" and value["link"].get("page"):
            chosen_pages.append(value["link"]["page"])
        elif block.block_type == "featured_producers":
            producer_ids.update(p.pk for p in value["producers"] if p is not None)
        elif block.block_type == "latest_articles":
            kind = value.get("kind") or ""
            article_counts[kind] = max(article_counts.get(kind, 0), value["count"])
    asked = repr(
        (
            locale,
            sorted(page.pk for page in chosen_pages if page is not None),
            sorted(producer_ids),
            sorted(article_counts.items()),
        )
    )
    digest = hashlib.sha256(asked.encode()).hexdigest()
    key = f"cms-stream:{pagecache.generation()}:{digest}"
    found = cache.get(key)
    if found is None:
        found = {
            "pages": localized_pages(chosen_pages, locale=locale, renditions=False),
            "stories": story_pages_by_producer(producer_ids, locale=locale),
            "articles": {
                kind: latest_articles(locale=locale, limit=count, kind=kind, renditions=False)
                for kind, count in article_counts.items()
            },
        }
        cache.set(key, found, STREAM_CONTEXT_SECONDS)
    return found


def attach_images(pages: list, *, renditions: bool = True) -> None:
    """Load the main images of `pages` (and their renditions unless asked not to) in two
    queries."""
    Image = get_image_model()
    ids = {getattr(page, "image_id", None) for page in pages} - {None}
    if not ids:
        return
    images = Image.objects.filter(pk__in=ids)
    if renditions:
        images = images.prefetch_related("renditions")
    images = images.in_bulk()
    for page in pages:
        if getattr(page, "image_id", None) in images:
            page.image = images[page.image_id]


def with_listing_images(pages: QuerySet, *, renditions: bool = True) -> QuerySet:
    """Pages with their image (and its renditions unless asked not to) loaded, for cards."""
    pages = pages.select_related("image")
    return pages.prefetch_related("image__renditions") if renditions else pages


def child_pages(parent: Page, model_name: str) -> QuerySet:
    model = _page_model(model_name)
    return with_listing_images(public(model.objects.child_of(parent).live()))


def latest_articles(*, locale: int, limit: int, kind: str = "", renditions: bool = True) -> list:
    ArticlePage = _page_model("ArticlePage")
    articles = public(ArticlePage.objects.live()).filter(locale=locale)
    if kind:
        articles = articles.filter(kind=kind)
    articles = with_listing_images(articles, renditions=renditions)
    return list(articles.order_by("-date", "-pk")[:limit])


def story_pages_by_producer(producer_ids: Iterable[int], *, locale: int) -> dict[int, Page]:
    """The live story page of each producer, in `locale`."""
    ids = {pk for pk in producer_ids if pk is not None}
    if not ids:
        return {}
    StoryPage = _page_model("ProducerStoryPage")
    stories = public(StoryPage.objects.live()).filter(producer_id__in=ids, locale=locale)
    return {story.producer_id: story for story in stories.order_by("pk")}


def region_products(*, province_code: int, ward_code: int | None, limit: int) -> list:
    products = catalogue.product_list(province_code=province_code, ward_code=ward_code)
    return list(products[:limit])


def region_producer_stories(*, province_code: int, ward_code: int | None, locale: int):
    StoryPage = _page_model("ProducerStoryPage")
    stories = public(StoryPage.objects.live()).filter(
        locale=locale, producer__province_code=province_code
    )
    if ward_code is not None:
        stories = stories.filter(producer__ward_code=ward_code)
    return with_listing_images(stories.select_related("producer")).order_by("title")


def producer_products(*, producer, limit: int) -> list:
    return list(catalogue.product_list(producer=producer, sort="newest")[:limit])


# Search --------------------------------------------------------------------------------------


def content_search(*, query: str, locale: int):
    """Live content pages in `locale` matching `query`, diacritics ignored.

    Pages index a folded copy of their text (see `cms.models.ContentPage.folded_text`), and the
    query is folded the same way, so "mat ong" and "Mật ong" find the same pages.
    """
    terms = search_terms(query)
    if not terms:
        return Page.objects.none()
    # The search backend takes only plain field filters, so Wagtail's own `.public()` here.
    pages = Page.objects.live().public().filter(locale=locale).exclude(depth=1)
    return pages.search(" ".join(terms), operator="and")


# The floor's legal pages -------------------------------------------------------------------

# Pages the law asks every page to link to (Decree 52/2013 as amended by 85/2021): the operating
# regulations, the complaints policy and the privacy policy. Found by their Vietnamese slug under
# the home page; ``legal_page_url`` gives the page in the language being shown.
LEGAL_PAGE_SLUGS = {
    "regulation": "quy-che-hoat-dong",
    "complaints": "chinh-sach-giai-quyet-khieu-nai",
    "privacy": "chinh-sach-bao-ve-du-lieu-ca-nhan",
}


def legal_pages() -> dict[str, Page]:
    """The published legal pages by key, each in the active language where translated: two
    queries at most, whatever the number of pages."""
    from django.utils import translation

    slugs = {slug: key for key, slug in LEGAL_PAGE_SLUGS.items()}
    found = {
        slugs[page.slug]: page
        for page in Page.objects.live().filter(slug__in=slugs, locale__language_code="vi")
    }
    language = translation.get_language() or "vi"
    if found and language != "vi":
        translated = {
            page.translation_key: page
            for page in Page.objects.live().filter(
                translation_key__in=[page.translation_key for page in found.values()],
                locale__language_code=language,
            )
        }
        found = {key: translated.get(page.translation_key, page) for key, page in found.items()}
    return found


def legal_page_urls(*, request=None) -> dict[str, str]:
    """Where each published legal page is (a page not yet published is left out)."""
    return {key: page.get_url(request) for key, page in legal_pages().items()}


def legal_page_url(*, key: str, request=None) -> str:
    """Where the legal page `key` is, or "" before an editor has published it."""
    page = legal_pages().get(key)
    return page.get_url(request) if page is not None else ""
