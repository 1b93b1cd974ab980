"""Content pages cost a fixed number of queries, whatever the number of featured items.

Each page is built twice, with few and with many featured items, requested once to warm
per-image thumbnail and rendition records, then measured as a logged-in buyer with a basket
(the page cache bypassed), the costlier case.
"""

import pytest
from django.test import Client
from django.urls import reverse

from cms import services
from tests import factories
from tests.cms import content

pytestmark = pytest.mark.django_db
BUDGETS = dict.fromkeys(
    ["home", "region", "story", "article_index", "article", "regions", "faq"], 1
)

# Measured, plus a little room. Of these, 7 are the buyer's basket and 4-6 Wagtail's routing.
BUDGETS = {
    "home": 33,
    "region": 39,
    "story": 31,
    "article_index": 23,
    "article": 22,
    "regions": 22,
    "faq": 19,
}


@pytest.fixture
def buyer(django_user_model):
    user = django_user_model.objects.create_user("buyer", "buyer@example.com", "pw-123456789")
    client = Client()
    client.force_login(user)
    return client


def build(n: int) -> dict[str, str]:
    """A site whose pages feature `n` items of each kind, in Vietnamese and English."""
    home = content.home()
    english = content.english()
    makers = [factories.producer(name=f"HTX số {i}") for i in range(n)]
    products = [
        factories.product(f"Mật ong số {i}", maker=makers[i % n], image=i < 12) for i in range(n)
    ]
    regions = content.region_index(home)
    stories = content.story_index(home)
    articles = content.article_index(home)
    picture = content.image()
    region_pages = [
        content.region(regions, title=f"Vùng {i}", image=picture if i < 6 else None)
        for i in range(n)
    ]
    for maker in makers:
        content.story(stories, maker, title=f"Chuyện {maker.name}", image=picture)
    for i in range(n):
        content.article(articles, title=f"Tin {i}", image=picture if i < 6 else None)
    palette = [
        content.hero_block(picture=picture),
        content.products_block(*products),
        content.producers_block(*makers),
        content.pages_block(*region_pages),
        content.articles_block(count=min(n, 12)),
        content.products_block(*reversed(products), heading="Thêm nữa"),
        ("quote", {"text": "Mật nào cũng có mùa.", "attribution": "Sính"}),
        (
            "image",
            {"image": {"image": picture.pk, "alt_text": "Núi", "decorative": False}, "caption": ""},
        ),
    ]
    home.body = content.stream(*palette)
    home.save_revision().publish()
    services.page_translation_save(
        page=home, locale=english, strings={**content.HOME_EN, **_identity(home)}
    )
    region = region_pages[0]
    region.body = content.stream(
        content.products_block(*products), content.pages_block(*region_pages)
    )
    region.save_revision().publish()
    story = makers[0].story_pages.get()
    story.body = content.stream(content.products_block(*products))
    story.save_revision().publish()
    faq = content.faq(home, questions=[(f"Câu {i}?", f"Đáp {i}.") for i in range(n)])
    return {
        "home": "/",
        "region": region.url,
        "story": story.url,
        "article_index": articles.url,
        "article": articles.get_children().first().url,
        "regions": regions.url,
        "faq": faq.url,
    }


def _identity(page) -> dict[str, str]:
    """Strings of a page mapped to themselves (enough to translate it for a test)."""
    from wagtail_localize.models import StringSegment, TranslationSource

    source, _ = TranslationSource.update_or_create_from_instance(page)
    return {s.string.data: s.string.data for s in StringSegment.objects.filter(source=source)}


@pytest.mark.parametrize("n", [3, 24])
@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_content_page_query_budget(buyer, django_assert_max_num_queries, n, page):
    url = build(n)[page]
    product = factories.Product.objects.order_by("pk").first()
    buyer.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    assert buyer.get(url).status_code == 200
    with django_assert_max_num_queries(BUDGETS[page]):
        response = buyer.get(url)
    assert response.status_code == 200


def test_english_home_costs_the_same(buyer, django_assert_max_num_queries):
    build(24)
    assert buyer.get("/en/").status_code == 200
    with django_assert_max_num_queries(BUDGETS["home"]):
        assert buyer.get("/en/").status_code == 200
