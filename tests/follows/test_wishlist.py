"""Yêu thích: the heart on product cards and pages (a POST form, works without JavaScript),
one private list per buyer, the list page in the account, and what anonymous visitors see."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from shop.customer.wishlists import services
from tests import factories

pytestmark = pytest.mark.django_db
Line = get_model("wishlists", "Line")
WishList = get_model("wishlists", "WishList")


def signed_in(name="lan"):
    user = get_user_model().objects.create_user(name, f"{name}@example.com", "pw-123456789")
    client = Client()
    client.force_login(user)
    return user, client


def heart_url(product):
    return reverse("customer:wishlists-add-product", kwargs={"product_pk": product.pk})


def pressed(html: str, product) -> bool:
    """Whether the heart of `product` on the page is pressed."""
    action = heart_url(product)
    start = html.index(f'action="{action}"')
    button = html[start : html.index("</button>", start)]
    assert 'aria-pressed="' in button
    return 'aria-pressed="true"' in button


def test_the_heart_keeps_a_product_once_and_lets_it_go():
    honey = factories.product()
    user, client = signed_in()
    page = honey.get_absolute_url()
    assert not pressed(client.get(page).content.decode(), honey)

    for _ in range(2):  # the same press twice keeps it once
        response = client.post(heart_url(honey), {"wanted": "1", "next": page})
        assert response.status_code == 302 and response["Location"] == page
    assert Line.objects.filter(wishlist__owner=user, product=honey).count() == 1
    assert WishList.objects.filter(owner=user).count() == 1
    assert WishList.objects.get(owner=user).visibility == WishList.PRIVATE
    assert pressed(client.get(page).content.decode(), honey)

    client.post(heart_url(honey), {"wanted": "0", "next": page})
    assert not Line.objects.filter(product=honey).exists()
    assert not pressed(client.get(page).content.decode(), honey)


@pytest.mark.parametrize("wanted", ["", "2", "yes"])
def test_a_press_without_a_clear_choice_changes_nothing(wanted):
    honey = factories.product()
    user, client = signed_in()
    response = client.post(heart_url(honey), {"wanted": wanted}, follow=True)
    assert response.status_code == 200
    assert not Line.objects.exists()
    assert "Vui lòng chọn thêm hoặc bỏ sản phẩm này" in response.content.decode()


def test_hidden_products_cannot_be_kept_and_unknown_ones_are_not_found():
    hidden = factories.product(public=False)
    user, client = signed_in()
    response = client.post(heart_url(hidden), {"wanted": "1"})
    assert response.status_code == 302
    assert not Line.objects.exists()
    response = client.post(
        reverse("customer:wishlists-add-product", kwargs={"product_pk": 999999}), {"wanted": "1"}
    )
    assert response.status_code == 404


def test_the_way_back_is_one_of_our_pages():
    honey = factories.product()
    _user, client = signed_in()
    response = client.post(heart_url(honey), {"wanted": "1", "next": "https://evil.example/x"})
    assert response["Location"] == honey.get_absolute_url()


def test_an_anonymous_visitor_signs_in_and_comes_back_to_the_product():
    honey = factories.product()
    client = Client()
    response = client.post(heart_url(honey), {"wanted": "1"})
    assert response.status_code == 302
    login = reverse("customer:login")
    assert response["Location"].startswith(login) and "next=" in response["Location"]
    user = get_user_model().objects.create_user("mai", "mai@example.com", "pw-123456789")
    client.force_login(user)
    # after signing in, the login page sends them to the heart's URL: shown the product,
    # nothing written by a GET
    back = client.get(heart_url(honey))
    assert back.status_code == 302 and back["Location"] == honey.get_absolute_url()
    assert not Line.objects.exists()


def test_anonymous_visitors_all_see_the_same_heart_on_cached_pages():
    honey = factories.product()
    user, client = signed_in()
    client.post(heart_url(honey), {"wanted": "1"})
    first = Client().get(honey.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    assert not pressed(first.content.decode(), honey)
    second = Client().get(honey.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert not pressed(second.content.decode(), honey)
    # the buyer's own page is never the cached one
    assert pressed(client.get(honey.get_absolute_url()).content.decode(), honey)


def test_hearts_on_a_list_page_cost_one_query_however_many_are_kept(
    django_assert_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    honey = factories.category("Mật ong")
    maker = factories.producer()
    products = [
        factories.product(f"Mật ong số {i}", maker=maker, categories=[honey]) for i in range(8)
    ]
    user, client = signed_in()
    url = honey.get_absolute_url()

    def cost() -> tuple[int, str]:
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        return len(queries), html

    services.wishlist_product_set(user=user, product=products[0], wanted=True)
    one, _html = cost()
    for product in products[1:6]:
        services.wishlist_product_set(user=user, product=product, wanted=True)
    six, html = cost()
    assert one == six
    assert [pressed(html, p) for p in products] == [True] * 6 + [False] * 2


def test_the_favourites_page_shows_my_products_and_producers_only():
    honey, tea = factories.product("Mật ong"), factories.product("Chè Shan tuyết")
    gone = factories.product("Mận hậu")
    lan, lan_client = signed_in("lan")
    mai, _mai_client = signed_in("mai")
    services.wishlist_product_set(user=lan, product=honey, wanted=True)
    services.wishlist_product_set(user=lan, product=gone, wanted=True)
    services.wishlist_product_set(user=mai, product=tea, wanted=True)
    gone.is_public = False
    gone.save()

    response = lan_client.get(reverse("customer:wishlists-list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert [p.pk for p in response.context["products"]] == [honey.pk]
    assert [line.product_id for line in response.context["gone"]] == [gone.pk]
    assert "Chè Shan tuyết" not in html
    assert pressed(html, honey)

    # Oscar's pages for several lists lead to the one list; another's list is not shown
    mai_list = WishList.objects.get(owner=mai)
    other = lan_client.get(reverse("customer:wishlists-detail", kwargs={"key": mai_list.key}))
    assert other.status_code == 302 and other["Location"] == reverse("customer:wishlists-list")
    # nor can a line of someone else's list be removed
    mai_line = Line.objects.get(wishlist=mai_list)
    url = reverse(
        "customer:wishlists-remove-product", kwargs={"key": mai_list.key, "line_pk": mai_line.pk}
    )
    assert lan_client.post(url).status_code == 404
    assert Line.objects.filter(pk=mai_line.pk).exists()


def test_the_favourites_page_needs_signing_in_and_reads_in_both_languages():
    response = Client().get(reverse("customer:wishlists-list"))
    assert response.status_code == 302
    _user, client = signed_in()
    vi = client.get(reverse("customer:wishlists-list")).content.decode()
    assert "Yêu thích" in vi and "Nhà sản xuất tôi theo dõi" in vi
    en = client.get("/en" + reverse("customer:wishlists-list")).content.decode()
    assert "Favourites" in en and "Producers I follow" in en
