"""What the public sees of buyers' reviews: the product page's reviews (approved only, newest
first, verified purchase with its month, photos, the producer's answer, escaped text), ratings on
cards and on producer pages, in both languages, a page at a time, for a fixed number of
queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests import factories
from tests.ratings import helpers

pytestmark = pytest.mark.django_db
ProductReview = helpers.ProductReview
DAY = dt.timedelta(days=1)


@pytest.fixture
def order():
    return helpers.delivered_order()


@pytest.fixture
def honey(order):
    return helpers.line_of(order, "Mật ong")


@pytest.fixture
def tea(order):
    return helpers.line_of(order, "Trà")


def page(url: str, **params) -> str:
    response = Client().get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def reviews_section(html: str) -> str:
    start = html.index('id="reviews"')
    return html[start : html.index("</section>", start)]


def test_the_product_page_lists_approved_reviews_newest_first_with_what_each_says(honey):
    older, newer, hidden = [honey, *helpers.more_lines(honey, 2)]
    now = timezone.now()
    helpers.review(
        older,
        score=4,
        title="Ngọt dịu",
        body="<script>alert(1)</script>\nLần sau mua tiếp.",
        at=now - 2 * DAY,
        photos=2,
        answer="Cảm ơn <b>chị</b>!",
    )
    helpers.review(newer, score=5, title="Thơm mùi bạc hà", at=now - DAY)
    helpers.review(hidden, score=1, title="Bị ẩn đi", status=ProductReview.REJECTED)

    html = page(honey.product.get_absolute_url())
    section = reviews_section(html)

    assert section.index("Thơm mùi bạc hà") < section.index("Ngọt dịu")  # newest first
    assert "Bị ẩn đi" not in html  # a hidden review never shows, nor counts
    assert "4,5 trên 5 sao, 2 đánh giá" in section
    assert section.count("Đã mua hàng · tháng 11/2026") == 2
    # Plain text, escaped; line breaks kept.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Lần sau mua tiếp." in section
    assert "<script>alert(1)" not in html
    # The author by given name only.
    assert '<span class="review-author">Mai</span>' in section
    assert "Phạm Thị Mai" not in html
    # Photos: thumbnails linking to the public image, described.
    photos = list(ProductReview.objects.get(title="Ngọt dịu").photos.all())
    for n, photo in enumerate(photos, start=1):
        assert f'href="{photo.image.url}"' in section
        assert f'alt="Ảnh {n} trong đánh giá của Mai"' in section
    # The producer's answer, escaped too.
    assert "Phản hồi của HTX Mật ong Đồng Văn" in section
    assert "Cảm ơn &lt;b&gt;chị&lt;/b&gt;!" in section
    # The rating under the OCOP stars links to the list.
    assert '<a href="#reviews">' in html


def test_in_english_the_month_and_figures_read_in_english(honey):
    helpers.review(honey, score=4)
    buyer = honey.order.user
    buyer.first_name = ""
    buyer.save(update_fields=["first_name"])
    with translation.override("en"):
        url = honey.product.get_absolute_url()
    assert url.startswith("/en/")
    section = reviews_section(page(url))
    assert "Verified purchase · November 2026" in section
    assert "4.0 out of 5 stars, 1 review" in section
    assert '<span class="review-author">Verified buyer</span>' in section


def test_a_product_nobody_reviewed_says_so(honey):
    html = page(honey.product.get_absolute_url())
    assert "Chưa có đánh giá" in html
    assert "aggregateRating" not in html
    assert 'class="review-list"' not in html


def test_reviews_come_ten_at_a_time_and_any_page_number_shows_a_page(honey):
    now = timezone.now()
    lines = [honey, *helpers.more_lines(honey, 11)]
    for n, line in enumerate(lines):  # review 0 is the oldest
        helpers.review(line, title=f"Đánh giá số {n:02d}", at=now - (20 - n) * DAY, refresh=False)
    helpers.ratings_refresh(product_id=honey.product_id, partner_id=honey.partner_id)
    url = honey.product.get_absolute_url()

    first = reviews_section(page(url))
    assert [f"Đánh giá số {n:02d}" in first for n in range(12)] == [False] * 2 + [True] * 10
    assert 'href="?page=2#reviews"' in first
    second = reviews_section(page(url, page=2))
    assert [f"Đánh giá số {n:02d}" in second for n in range(12)] == [True] * 2 + [False] * 10
    assert 'aria-current="page">2<' in second
    # Nonsense or out of range: a page all the same, never an error.
    assert "Đánh giá số 11" in reviews_section(page(url, page="abc"))
    assert "Đánh giá số 00" in reviews_section(page(url, page=99))


def test_the_product_page_costs_the_same_queries_with_2_or_12_reviews(honey, tea, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for line in [honey, *helpers.more_lines(honey, 11)]:
        helpers.review(line, photos=2, answer="Cảm ơn bạn.", refresh=False)
    for line in [tea, *helpers.more_lines(tea, 1)]:
        helpers.review(line, photos=2, answer="Cảm ơn bạn.", refresh=False)
    for line in (honey, tea):
        helpers.ratings_refresh(product_id=line.product_id, partner_id=line.partner_id)

    def queries(product) -> int:
        client = Client()
        assert client.get(product.get_absolute_url()).status_code == 200  # thumbnails made
        with CaptureQueriesContext(connection) as captured:
            assert client.get(product.get_absolute_url()).status_code == 200
        return len(captured)

    assert queries(honey.product) == queries(tea.product) <= 15


def test_cards_show_the_rating_and_lists_sort_best_rated_first(honey, tea):
    unrated = factories.product("Măng khô", maker=honey.partner)
    helpers.review(honey, score=3)
    helpers.review(helpers.more_lines(honey, 1)[0], score=4)
    helpers.review(tea, score=5)

    response = Client().get(reverse("catalogue:index"), {"sort": "-rating"})
    assert [p.pk for p in response.context["products"]] == [
        tea.product_id,
        honey.product_id,
        unrated.pk,
    ]
    html = response.content.decode()
    assert "5,0 trên 5 sao, 1 đánh giá" in html
    assert "3,5 trên 5 sao, 2 đánh giá" in html
    assert html.count('class="card-rating"') == 2  # nothing on the unrated card
    assert '<option value="-rating" selected>Đánh giá cao nhất</option>' in html


def test_among_equal_ratings_more_reviews_come_first(honey, tea):
    from shop.catalogue import selectors

    helpers.review(tea, score=5)
    for line in [honey, *helpers.more_lines(honey, 2)]:
        helpers.review(line, score=5)
    ranked = list(selectors.product_list(sort="-rating").values_list("pk", flat=True))
    assert ranked == [honey.product_id, tea.product_id]


def test_the_page_cache_shows_a_new_review_and_keeps_sorts_apart(honey, tea):
    url = honey.product.get_absolute_url()
    helpers.review(honey, score=5)
    first = Client().get(url)
    assert first["X-Page-Cache"] == "miss"
    assert Client().get(url)["X-Page-Cache"] == "hit"

    helpers.review(helpers.more_lines(honey, 1)[0], score=3)  # refreshes the figures
    again = Client().get(url)
    assert again["X-Page-Cache"] == "miss"
    assert "4,0 trên 5 sao, 2 đánh giá" in again.content.decode()

    listing = reverse("catalogue:index")
    helpers.review(tea, score=5)

    def first_title(response) -> str:
        html = response.content.decode()
        return "tea" if html.index("Trà Shan tuyết") < html.index("Mật ong bạc hà") else "honey"

    by_rating = Client().get(listing, {"sort": "-rating"})
    by_name = Client().get(listing, {"sort": "title"})
    assert (by_rating["X-Page-Cache"], by_name["X-Page-Cache"]) == ("miss", "miss")
    assert (first_title(by_rating), first_title(by_name)) == ("tea", "honey")
    cached = Client().get(listing, {"sort": "-rating", "utm_source": "zalo"})
    assert cached["X-Page-Cache"] == "hit"
    assert first_title(cached) == "tea"


def test_the_producer_page_shows_its_rating(honey, tea):
    helpers.review(honey, score=5)
    helpers.review(helpers.more_lines(honey, 1)[0], score=4)
    html = page(honey.partner.get_absolute_url())
    assert "4,5 trên 5 sao, 2 đánh giá" in html
    other = page(tea.partner.get_absolute_url())
    assert "Chưa có đánh giá" in other
    listing = page(reverse("producers:index"))
    assert listing.count('class="card-rating"') == 1
    assert "4,5 trên 5 sao, 2 đánh giá" in listing
