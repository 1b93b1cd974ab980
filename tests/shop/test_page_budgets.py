"""The pages a buyer browses render within a fixed number of queries, whatever the size of the
catalogue and of the buyer's basket.

The floor is the demo's (producers, categories, products with images, lots, the home page's
blocks, region and story pages, the legal pages), with reviews, and grown to the catalogue size
with more products like them. Each page is rendered with the page cache off, once to warm what a
first visit writes (thumbnail records) and the buyer's state (shop/personal: computed in a
fixed number of queries whatever their basket, tests/shop/test_personal_pages.py), then measured.
"""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_class, get_model

from tests import factories

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
ProductReview = get_model("reviews", "ProductReview")
Selector = get_class("partner.strategy", "Selector")

BUDGETS = {"home": 12, "category": 10, "search": 10, "product": 10}
CATALOGUE_SIZES = (40, 400)
BASKET_SIZES = (1, 20)


def _reviews(products) -> None:
    from shop.catalogue.reviews.services import ratings_refresh

    author = factories.operator("reviewer@example.com")
    for index, product in enumerate(products):
        for score in (5, 4, 5)[: 1 + index % 3]:
            ProductReview.objects.create(
                product=product,
                partner=product.producer,
                user=author,
                score=score,
                title=f"Ngon lắm {score}",
                body="Đóng gói cẩn thận, giao nhanh.",
                status=ProductReview.APPROVED,
            )
        ratings_refresh(product_id=product.pk, partner_id=product.producer_id)


def _grow(size: int) -> None:
    """The demo floor with `size` public products: the demo's, then more like them (every
    fourth without an image, as some producers upload none)."""
    Product = factories.Product
    demo = list(Product.objects.filter(is_public=True).order_by("pk"))
    for surplus in demo[size:]:
        surplus.is_public = False
        surplus.save(update_fields=["is_public"])
    producers = list(factories.Partner.objects.order_by("pk"))
    categories = list(factories.Category.objects.filter(depth=1).order_by("path"))
    for i in range(len(demo), size):
        factories.product(
            f"Mật ong bạc hà mùa {i}",
            price=str(90_000 + 1_000 * i),
            maker=producers[i % len(producers)],
            categories=[categories[i % len(categories)]],
            ocop_stars=(3, 4, 5, None)[i % 4],
            image=i % 4 != 3,
        )
    _reviews(Product.objects.filter(is_public=True).order_by("pk")[: min(size, 60)])


@pytest.fixture(scope="module", params=CATALOGUE_SIZES, ids=lambda n: f"{n}-products")
def floor(request, django_db_setup, django_db_blocker):
    """The demo floor grown to the catalogue size, loaded once per size for this module's
    tests (which see it through their own transactions), rolled back afterwards."""
    from cms.demo import content_demo_load
    from shop import demo
    from traceability.demo import demo_traceability_load

    with django_db_blocker.unblock(), transaction.atomic():
        translation.activate(settings.LANGUAGE_CODE)
        demo.floor_load()
        demo_traceability_load()
        content_demo_load(password=demo.DEMO_PASSWORD)
        _grow(request.param)
        yield request.param
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    settings.PAGE_CACHE_SECONDS = 0


def page_urls() -> dict[str, str]:
    honey = factories.Category.objects.filter(depth=1).order_by("path").first()
    product = factories.Product.objects.filter(is_public=True, reviews_count__gt=0).order_by("pk")
    return {
        "home": "/",
        "category": honey.get_absolute_url(),
        "search": reverse("search:search") + "?q=mat+ong",
        "product": product.first().get_absolute_url(),
    }


def buyer_with_basket(lines: int) -> Client:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        "budget-buyer", "budget-buyer@example.com", "pw-123456789"
    )
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    for product in factories.Product.objects.filter(is_public=True).order_by("-pk")[:lines]:
        basket.add_product(product, quantity=1)
    assert basket.num_lines == lines
    client = Client()
    client.force_login(user)
    return client


def measured(client: Client, url: str, budget: int, django_assert_max_num_queries):
    assert client.get(url).status_code == 200  # warms the thumbnails' records
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    if "paginator" in response.context:  # a list shows a full page of what it found
        found = response.context["paginator"].count
        assert found > 0
        assert len(response.context["products"]) == min(found, settings.OSCAR_PRODUCTS_PER_PAGE)
    return response


@pytest.mark.parametrize("lines", BASKET_SIZES, ids=lambda n: f"basket-{n}")
@pytest.mark.parametrize("page", list(BUDGETS))
def test_buyer_page_budget(floor, django_assert_max_num_queries, page, lines):
    client = buyer_with_basket(lines)
    measured(client, page_urls()[page], BUDGETS[page], django_assert_max_num_queries)


@pytest.mark.parametrize("page", list(BUDGETS))
def test_anonymous_page_budget(floor, django_assert_max_num_queries, page):
    measured(Client(), page_urls()[page], BUDGETS[page], django_assert_max_num_queries)


def test_the_floor_is_as_large_as_asked(floor):
    assert factories.Product.objects.filter(is_public=True).count() == floor
    assert factories.Product.objects.filter(reviews_count__gt=0).exists()
