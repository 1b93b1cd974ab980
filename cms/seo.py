"""What search engines and link previews read: OpenGraph tags and schema.org JSON-LD.

Builders return plain dicts; `json_ld` serialises one safely into a <script> element.
"""

import json
from decimal import Decimal

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from shop import geo
from shop.catalogue import ratings
from shop.richtext import clean_html

OG_LOCALES = {"vi": "vi_VN", "en": "en_US"}
COUNTRY = {"vi": "Việt Nam", "en": "Vietnam"}
SOCIAL_RENDITION = "fill-1200x630"
SCHEMA = "https://schema.org"
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    """A <script type="application/ld+json"> element; `<`, `>` and `&` are escaped so no text
    inside can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def plain_text(html: str, limit: int = 300) -> str:
    text = " ".join(strip_tags(html or "").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def image_url(request, image) -> str:
    """Absolute URL of a Wagtail image's social rendition."""
    return request.build_absolute_uri(image.get_rendition(SOCIAL_RENDITION).url)


def page_description(page) -> str:
    return page.search_description or getattr(page, "intro", "") or str(settings.OSCAR_SHOP_TAGLINE)


def page_social(request, page) -> dict:
    image = getattr(page, "social_image", None)
    return {
        "type": "article" if page.specific_class.__name__ == "ArticlePage" else "website",
        "title": page.seo_title or page.title,
        "description": page_description(page),
        "url": request.build_absolute_uri(page.get_url(request) or request.path),
        "image": image_url(request, image) if image else "",
        "image_alt": getattr(page, "main_image_alt", "") if image else "",
    }


def product_social(request, product) -> dict:
    image = product.primary_image()
    return {
        "type": "product",
        "title": product.get_title(),
        "description": plain_text(clean_html(product.description), 200),
        "url": request.build_absolute_uri(product.get_absolute_url()),
        "image": (
            request.build_absolute_uri(image.original.url)
            if not isinstance(image, dict) and image.original
            else ""
        ),
        "image_alt": getattr(image, "caption", "") or product.get_title(),
    }


def catalogue_social(request, *, title: str, text: str, url: str, image=None) -> dict:
    """OpenGraph of a category's or producer's page, in the page's language (their fields
    read in it, falling back to Vietnamese)."""
    return {
        "type": "website",
        "title": title,
        "description": plain_text(clean_html(text), 200) or str(settings.OSCAR_SHOP_TAGLINE),
        "url": request.build_absolute_uri(url),
        "image": request.build_absolute_uri(image.url) if image else "",
        "image_alt": title if image else "",
    }


def category_social(request, category) -> dict:
    return catalogue_social(
        request,
        title=category.name,
        text=category.description,
        url=category.get_absolute_url(),
        image=category.image or None,
    )


def producer_social(request, producer) -> dict:
    return catalogue_social(
        request, title=producer.name, text=producer.story, url=producer.get_absolute_url()
    )


def _organization(request) -> dict:
    return {
        "@type": "Organization",
        "@id": request.build_absolute_uri("/") + "#organization",
        "name": settings.OSCAR_SHOP_NAME,
        "url": request.build_absolute_uri("/"),
        "logo": request.build_absolute_uri(static("shop/favicon.svg")),
    }


def organization_ld(request, page) -> dict:
    search = request.build_absolute_uri(reverse("search:search"))
    organization = {**_organization(request), "description": page_description(page)}
    return {
        "@context": SCHEMA,
        "@graph": [
            organization,
            {
                "@type": "WebSite",
                "name": settings.OSCAR_SHOP_NAME,
                "url": request.build_absolute_uri(page.get_url(request)),
                "inLanguage": get_language(),
                "publisher": {"@id": organization["@id"]},
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": f"{search}?q={{search_term_string}}",
                    "query-input": "required name=search_term_string",
                },
            },
        ],
    }


def article_ld(request, page) -> dict:
    data = {
        "@context": SCHEMA,
        "@type": "Article",
        "headline": (page.seo_title or page.title)[:110],
        "description": page_description(page),
        "datePublished": page.date.isoformat(),
        "inLanguage": get_language(),
        "mainEntityOfPage": request.build_absolute_uri(page.get_url(request)),
        "author": (
            {"@type": "Person", "name": page.author}
            if page.author
            else {"@type": "Organization", "name": settings.OSCAR_SHOP_NAME}
        ),
        "publisher": _organization(request),
    }
    if page.last_published_at:
        data["dateModified"] = page.last_published_at.isoformat()
    if page.image:
        data["image"] = [image_url(request, page.image)]
    return data


def faq_ld(page) -> dict:
    return {
        "@context": SCHEMA,
        "@type": "FAQPage",
        "inLanguage": get_language(),
        "mainEntity": [
            {
                "@type": "Question",
                "name": item.value["question"],
                "acceptedAnswer": {
                    "@type": "Answer",
                    "text": plain_text(item.value["answer"].source, 1000),
                },
            }
            for item in page.questions
        ],
    }


def _money(amount: Decimal) -> str:
    """Schema.org prices are plain decimals with a dot: "350000", "12.5"."""
    return format(amount.normalize(), "f") if amount == amount.to_integral() else f"{amount:f}"


REVIEWS_IN_LD = 5
REVIEW_BODY_LIMIT = 2000


def aggregate_rating(rating, count: int) -> dict | None:
    """schema.org `AggregateRating` of approved reviews (None when there are none)."""
    if not count or rating is None:
        return None
    return {
        "@type": "AggregateRating",
        "ratingValue": float(ratings.rating_value(rating)),
        "reviewCount": count,
        "bestRating": ratings.BEST,
        "worstRating": ratings.WORST,
    }


def review_ld(review) -> dict:
    """One buyer's `Review`: their given name only (or "Verified buyer"), the score, the day."""
    data = {
        "@type": "Review",
        "author": {"@type": "Person", "name": ratings.review_author(review)},
        "datePublished": timezone.localdate(review.date_created).isoformat(),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": review.score,
            "bestRating": ratings.BEST,
            "worstRating": ratings.WORST,
        },
        "reviewBody": " ".join(review.body.split())[:REVIEW_BODY_LIMIT],  # plain text already
    }
    if review.title:
        data["name"] = review.title
    if review.language:
        data["inLanguage"] = review.language
    return data


def product_ld(request, product, info, reviews=()) -> dict:
    """`Product` with an `Offer` in its currency (VND) and its availability; with buyers'
    reviews, their `AggregateRating` and the approved `reviews` shown on the page (the latest
    few: structured data describes what the page shows)."""
    url = request.build_absolute_uri(product.get_absolute_url())
    social = product_social(request, product)
    data = {
        "@context": SCHEMA,
        "@type": "Product",
        "name": product.get_title(),
        "url": url,
        "description": plain_text(clean_html(product.description), 500),
    }
    if social["image"]:
        data["image"] = [social["image"]]
    if product.upc:
        data["sku"] = product.upc
    if product.producer_id:
        data["brand"] = {"@type": "Brand", "name": product.producer.name}
    if product.origin_label:
        country = COUNTRY.get(get_language(), COUNTRY["vi"])
        data["countryOfOrigin"] = {"@type": "Country", "name": country}
        data["additionalProperty"] = [
            {"@type": "PropertyValue", "name": "origin", "value": product.origin_label}
        ]
    if getattr(product, "ocop_stars", None):
        data["award"] = f"OCOP {product.ocop_stars}★"
    price = info.price
    if price.exists:
        amount = price.incl_tax if price.is_tax_known else price.excl_tax
        if not product.is_public:
            availability = "Discontinued"
        elif info.availability.is_available_to_buy:
            availability = "InStock"
        else:
            availability = "OutOfStock"
        offer = {
            "@type": "Offer",
            "url": url,
            "price": _money(amount),
            "priceCurrency": price.currency,
            "availability": f"{SCHEMA}/{availability}",
            "itemCondition": f"{SCHEMA}/NewCondition",
        }
        if product.producer_id:
            offer["seller"] = {"@type": "Organization", "name": product.producer.name}
        data["offers"] = offer
    rating = aggregate_rating(product.rating, product.reviews_count)
    if rating is not None:
        data["aggregateRating"] = rating
        shown = [review for review in reviews if review.status == review.APPROVED]
        if shown:
            data["review"] = [review_ld(review) for review in shown[:REVIEWS_IN_LD]]
    return data


def producer_ld(request, producer) -> dict:
    """The producer as an `Organization` on its page, with the `AggregateRating` of buyers'
    reviews of its products when there are any."""
    data = {
        "@context": SCHEMA,
        "@type": "Organization",
        "name": producer.name,
        "url": request.build_absolute_uri(producer.get_absolute_url()),
    }
    description = plain_text(clean_html(producer.story), 300)
    if description:
        data["description"] = description
    province, ward = geo.province(producer.province_code), geo.ward(producer.ward_code)
    if province is not None:
        address = {
            "@type": "PostalAddress",
            "addressRegion": geo.place_name(province),
            "addressCountry": "VN",
        }
        if ward is not None:
            address["addressLocality"] = geo.place_name(ward)
        data["address"] = address
    rating = aggregate_rating(producer.rating, producer.reviews_count)
    if rating is not None:
        data["aggregateRating"] = rating
    return data
