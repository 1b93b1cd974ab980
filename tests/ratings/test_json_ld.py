"""Structured data for search engines: the product's AggregateRating and the reviews the page
shows (given names only), the producer's Organization with its AggregateRating; none of it
without reviews, and never a hidden review."""

import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.ratings import helpers

pytestmark = pytest.mark.django_db
LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def structured(url: str, kind: str) -> dict:
    html = Client().get(url).content.decode()
    found = [json.loads(text) for text in LD.findall(html)]
    return next(data for data in found if data.get("@type") == kind)


@pytest.fixture
def honey():
    return helpers.line_of(helpers.delivered_order(), "Mật ong")


def test_the_product_carries_its_rating_and_latest_reviews(honey):
    now = timezone.now()
    older, newer, hidden = [honey, *helpers.more_lines(honey, 2)]
    helpers.review(older, score=4, title="Ngọt dịu", body="Ngon.\n  Sẽ mua lại.", at=now)
    helpers.review(newer, score=5, title="Thơm", body="Rất thơm </script>")
    helpers.review(hidden, score=1, title="Bị ẩn", status=helpers.ProductReview.REJECTED)

    data = structured(honey.product.get_absolute_url(), "Product")

    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 4.5,
        "reviewCount": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert [review["name"] for review in data["review"]] == ["Thơm", "Ngọt dịu"]
    first, second = data["review"]
    assert first["author"] == {"@type": "Person", "name": "Mai"}  # given name only
    assert first["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 5,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert first["reviewBody"] == "Rất thơm </script>"  # escaped inside the element, intact
    assert second["reviewBody"] == "Ngon. Sẽ mua lại."
    assert second["datePublished"] == timezone.localdate(now).isoformat()


def test_at_most_five_reviews_and_a_nameless_buyer_is_a_verified_buyer(honey):
    buyer = honey.order.user
    buyer.first_name = ""
    buyer.save(update_fields=["first_name"])
    for line in [honey, *helpers.more_lines(honey, 6)]:
        helpers.review(line, score=4, refresh=False)
    helpers.ratings_refresh(product_id=honey.product_id, partner_id=honey.partner_id)

    data = structured(honey.product.get_absolute_url(), "Product")

    assert data["aggregateRating"]["reviewCount"] == 7
    assert len(data["review"]) == 5
    assert {review["author"]["name"] for review in data["review"]} == {"Người mua đã xác minh"}


def test_no_rating_without_reviews(honey):
    helpers.review(honey, status=helpers.ProductReview.REJECTED)  # hidden: counts for nothing
    data = structured(honey.product.get_absolute_url(), "Product")
    assert "aggregateRating" not in data
    assert "review" not in data
    producer = structured(honey.partner.get_absolute_url(), "Organization")
    assert "aggregateRating" not in producer


def test_the_producer_page_carries_its_rating(honey):
    helpers.review(honey, score=5)
    helpers.review(helpers.more_lines(honey, 1)[0], score=2)
    data = structured(honey.partner.get_absolute_url(), "Organization")
    assert data["name"] == honey.partner.name
    assert data["aggregateRating"]["ratingValue"] == 3.5
    assert data["aggregateRating"]["reviewCount"] == 2
    assert data["address"]["addressCountry"] == "VN"
