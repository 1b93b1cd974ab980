"""Pages cost a fixed number of queries, whatever the size of the catalogue.

Each page is requested once to warm per-image thumbnail records (a one-time cost per image),
then measured with the page cache off for a logged-in buyer with a basket, the costlier case
(with it on, the buyer is served the shared copy: tests/shop/test_personal_pages.py).
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

BUDGETS = {
    "category": 15,
    "category-filtered": 15,
    "search": 15,
    "product": 15,
    "home": 15,
    "catalogue": 15,
}


def build_floor(n_products: int):
    honey = factories.category("Mật ong")
    makers = [factories.producer(name=f"HTX số {i}") for i in range(6)]
    for i in range(n_products):
        factories.product(
            f"Mật ong bạc hà số {i}",
            maker=makers[i % 6],
            categories=[honey],
            ocop_stars=(3, 4, 5, None)[i % 4],
            image=i < 24,
        )
    return honey


@pytest.fixture
def buyer(django_user_model):
    user = django_user_model.objects.create_user("buyer", "buyer@example.com", "pw-123456789")
    client = Client()
    client.force_login(user)
    return client


def page_urls(honey):
    product = factories.Product.objects.order_by("pk").first()
    return {
        "category": honey.get_absolute_url(),
        "category-filtered": honey.get_absolute_url()
        + "?sort=-price&province=8&price_min=1.000&price_max=900000&ocop=3",
        "search": reverse("search:search") + "?q=mat+ong",
        "product": product.get_absolute_url(),
        "home": "/",
        "catalogue": reverse("catalogue:index"),
    }


@pytest.mark.parametrize("n_products", [40, 400])
@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_page_query_budget(buyer, django_assert_max_num_queries, n_products, page, settings):
    from cms.services import home_page_ensure

    settings.PAGE_CACHE_SECONDS = 0
    home_page_ensure()
    honey = build_floor(n_products)
    product = factories.Product.objects.order_by("pk").first()
    buyer.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    url = page_urls(honey)[page]
    assert buyer.get(url).status_code == 200
    with django_assert_max_num_queries(BUDGETS[page]):
        response = buyer.get(url)
    assert response.status_code == 200
    if page in ("category", "search", "catalogue"):  # the filtered one has fewer
        assert len(response.context["products"]) == 20


@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_anonymous_cached_page_costs_no_query(django_assert_max_num_queries, page):
    from cms.services import home_page_ensure

    home_page_ensure()
    honey = build_floor(40)
    url = page_urls(honey)[page]
    assert Client().get(url)["X-Page-Cache"] == "miss"
    with django_assert_max_num_queries(0):
        assert Client().get(url)["X-Page-Cache"] == "hit"
