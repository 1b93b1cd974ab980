"""Reads of the catalogue. Every list is built for a fixed number of queries."""

from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from oscar.core.loading import get_model

from shop import pagecache
from shop.text import search_terms

Product = get_model("catalogue", "Product")
Option = get_model("catalogue", "Option")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
Category = get_model("catalogue", "Category")
ProductReview = get_model("reviews", "ProductReview")
ReviewPhoto = get_model("reviews", "ReviewPhoto")

REVIEWS_PER_PAGE = 10
SORTS = {
    "relevance": None,
    "newest": ("-date_created", "-pk"),
    "title": ("title", "pk"),
    # A product without a price (nothing to sell yet) comes last either way.
    "price": (F("lowest_price").asc(nulls_last=True), "pk"),
    "-price": (F("lowest_price").desc(nulls_last=True), "pk"),
    # Best rated first (the average of approved reviews, a column kept by
    # `reviews.services.ratings_refresh`); the more reviews, the earlier among equals; products
    # nobody has rated yet last.
    "-rating": (F("rating").desc(nulls_last=True), "-reviews_count", "-date_created", "-pk"),
}


def lowest_price() -> Subquery:
    """The lowest price a product sells at: its own stock records' or its variants'."""
    return Subquery(
        StockRecord.objects.filter(Q(product=OuterRef("pk")) | Q(product__parent=OuterRef("pk")))
        .order_by("price")
        .values("price")[:1]
    )


def shown(field: str):
    """A translated field as the page shows it, for ordering: the page's language, else the
    Vietnamese (an English page sorts "Shan Tuyet tea" and an untranslated "Mật ong" together)."""
    code = (get_language() or "vi").split("-")[0]
    if code == "vi":
        return F(f"{field}_vi")
    return Coalesce(
        NullIf(F(f"{field}_{code}"), Value("")), F(f"{field}_vi"), output_field=CharField()
    )


def _ordering(fields) -> list:
    return [shown("title").asc() if field == "title" else field for field in fields]


def product_cards() -> QuerySet:
    """Public, browsable products with what a product card shows, prefetched."""
    return (
        Product.objects.browsable()
        .select_related("producer", "product_class")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
            Prefetch("stockrecords", queryset=StockRecord.objects.order_by("pk")),
        )
    )


def product_detail() -> QuerySet:
    """Any product (public or not: the view decides) with what its page shows, prefetched."""
    return Product.objects.select_related("producer", "product_class").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
        Prefetch("stockrecords", queryset=StockRecord.objects.order_by("pk")),
        "categories",
    )


def product_to_add() -> QuerySet:
    """Any product (the basket's checks decide) with what adding it to a basket asks of it, in
    two queries: its class, whether it has options (its class's or its own: Oscar's annotations)
    and its stock records, the one the strategy picks first among them."""
    return (
        Product.objects.select_related("product_class", "parent__product_class")
        .annotate(
            has_product_class_options=Exists(
                Option.objects.filter(productclass=OuterRef("product_class"))
            ),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
        )
        .prefetch_related(Prefetch("stockrecords", queryset=StockRecord.objects.order_by("pk")))
    )


def product_list(
    *,
    query: str = "",
    category=None,
    producer=None,
    province_code: int | None = None,
    ward_code: int | None = None,
    min_ocop_stars: int | None = None,
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
    sort: str = "relevance",
) -> QuerySet:
    """Products matching the buyer's filters, ranked: title matches before description matches.

    The query is folded like the stored search columns, so `mat ong` finds "Mật ong". A price
    range keeps the products whose lowest price is within it (both ends included).
    """
    products = product_cards()
    if min_price is not None or max_price is not None or sort in ("price", "-price"):
        products = products.annotate(lowest_price=lowest_price())
    if min_price is not None:
        products = products.filter(lowest_price__gte=min_price)
    if max_price is not None:
        products = products.filter(lowest_price__lte=max_price)
    if category is not None:
        products = products.filter(
            categories__path__startswith=category.path, categories__depth__gte=category.depth
        ).distinct()
    if producer is not None:
        products = products.filter(producer=producer)
    if province_code is not None:
        products = products.filter(origin_province_code=province_code)
    if ward_code is not None:
        products = products.filter(origin_ward_code=ward_code)
    if min_ocop_stars is not None:
        products = products.filter(ocop_stars__gte=min_ocop_stars)

    terms = search_terms(query)
    order = SORTS.get(sort) or ()
    if terms:
        for term in terms:
            needle = f" {term}"
            products = products.filter(
                Q(search_title__contains=needle) | Q(search_body__contains=needle)
            )
        title_hits = sum(
            (
                Case(
                    When(search_title__contains=f" {term}", then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
                for term in terms
            ),
            Value(0),
        )
        phrase = " " + " ".join(terms)
        title_hits += Case(
            When(search_title__startswith=phrase, then=Value(len(terms) + 1)),
            When(search_title__contains=phrase, then=Value(len(terms))),
            default=Value(0),
            output_field=IntegerField(),
        )
        products = products.annotate(title_hits=title_hits)
        if not order:
            order = ("-title_hits", "title", "pk")
    return products.order_by(*_ordering(order or ("-date_created", "-pk")))


def product_reviews(*, product) -> QuerySet:
    """The reviews the public sees of `product`: approved ones (a hidden review is REJECTED and
    never shown), newest first, with their author and photos (two queries for a page)."""
    return (
        ProductReview.objects.filter(product=product, status=ProductReview.APPROVED)
        .select_related("user")
        .prefetch_related(Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position")))
        .order_by("-date_created", "-pk")
    )


def product_score_counts(*, product) -> list[dict]:
    """How many approved reviews of `product` gave each score, 5 stars down to 1 (every score
    listed, zero included), each with its share of the whole in whole percent."""
    rows = (
        ProductReview.objects.filter(product=product, status=ProductReview.APPROVED)
        .values("score")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["score"]: row["n"] for row in rows}
    total = sum(counts.values())
    return [
        {
            "score": score,
            "n": counts.get(score, 0),
            "percent": round(100 * counts.get(score, 0) / total) if total else 0,
        }
        for score in range(5, 0, -1)
    ]


def origin_counts() -> list[dict]:
    """Each (province, commune) that has public products, with how many."""
    return list(
        Product.objects.browsable()
        .exclude(origin_province_code=None)
        .values("origin_province_code", "origin_ward_code")
        .annotate(n=Count("pk"))
        .order_by("origin_province_code", "origin_ward_code")
    )


def origin_provinces() -> list[int]:
    """The codes of the provinces public products come from. Every product list's filter form
    reads them, so they are cached until the catalogue next changes (the page cache's
    generation)."""
    return cache.get_or_set(
        f"catalogue:origin-provinces:{pagecache.generation()}",
        lambda: list(
            Product.objects.browsable()
            .exclude(origin_province_code=None)
            .values_list("origin_province_code", flat=True)
            .order_by("origin_province_code")
            .distinct()
        ),
        600,
    )


def ocop_counts() -> dict[int, int]:
    rows = (
        Product.objects.browsable()
        .exclude(ocop_stars=None)
        .values("ocop_stars")
        .annotate(n=Count("pk"))
    )
    return {row["ocop_stars"]: row["n"] for row in rows}


def public_producers() -> QuerySet:
    return (
        Partner.objects.on_floor()
        .annotate(n_products=Count("products", filter=Q(products__is_public=True)))
        .order_by(shown("name"), "pk")
    )


def top_categories() -> QuerySet:
    return Category.objects.filter(depth=1, is_public=True).order_by("path")


def producer_certificates(*, producer) -> dict:
    """What the catalogue itself certifies about a producer's live products: OCOP stars (best
    first) and geographical indications, each as (value, how many products carry it)."""
    live = Product.objects.browsable().filter(producer=producer)
    ocop = (
        live.exclude(ocop_stars=None)
        .values("ocop_stars")
        .annotate(n=Count("pk"))
        .order_by("-ocop_stars")
    )
    indications = (
        live.exclude(geographical_indication="")
        .values("geographical_indication")
        .annotate(n=Count("pk"))
        .order_by("geographical_indication")
    )
    return {
        "ocop": [(row["ocop_stars"], row["n"]) for row in ocop],
        "indications": [(row["geographical_indication"], row["n"]) for row in indications],
    }


# What operators translate (shop/translated.py): the texts buyers read, per model.
ENGLISH_TEXT = {
    "product": ("title", "description", "geographical_indication", "season", "storage"),
    "category": ("name", "description"),
    "producer": ("name", "story"),
}


def _lacking_english(queryset: QuerySet, fields: tuple[str, ...]) -> QuerySet:
    """Rows with a Vietnamese text whose English is empty, each with `missing`: those fields."""
    gaps = {
        field: Q(**{f"{field}_vi__gt": ""})
        & (Q(**{f"{field}_en__isnull": True}) | Q(**{f"{field}_en": ""}))
        for field in fields
    }
    condition = Q()
    for gap in gaps.values():
        condition |= gap
    annotations = {
        f"lacks_{field}": Case(When(gap, then=Value(1)), default=Value(0))
        for field, gap in gaps.items()
    }
    return queryset.filter(condition).annotate(**annotations)


def missing_english() -> dict[str, QuerySet]:
    """Products, categories and producers with text buyers read only in Vietnamese (English
    pages fall back to it), for operators to translate."""
    products = _lacking_english(
        Product.objects.exclude(structure=Product.CHILD).select_related("producer"),
        ENGLISH_TEXT["product"],
    ).order_by("-is_public", "title_vi", "pk")
    categories = _lacking_english(Category.objects.all(), ENGLISH_TEXT["category"]).order_by("path")
    producers = _lacking_english(Partner.objects.all(), ENGLISH_TEXT["producer"]).order_by(
        "name_vi", "pk"
    )
    return {"product": products, "category": categories, "producer": producers}


def missing_fields(row, kind: str) -> list[str]:
    """The names of the fields `row` (from `missing_english`) lacks in English."""
    return [field for field in ENGLISH_TEXT[kind] if getattr(row, f"lacks_{field}", 0)]
