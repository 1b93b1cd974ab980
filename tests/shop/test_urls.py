"""The URL layout: Wagtail at the root, Oscar under /shop/, dashboards apart, English under /en/."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_oscar_is_mounted_under_shop_and_wagtail_serves_the_root(client):
    from cms.services import home_page_ensure

    home_page_ensure()
    assert reverse("catalogue:index") == "/shop/catalogue/"
    assert reverse("basket:summary") == "/shop/basket/"
    home = client.get("/")
    assert home.status_code == 200
    assert home.resolver_match.url_name == "wagtail_serve"


def test_dashboard_is_mounted_apart_and_asks_for_a_login(client):
    assert reverse("dashboard:index") == "/dashboard/"
    response = client.get("/dashboard/", follow=True)
    assert response.redirect_chain[0][0].startswith("/dashboard/login/")
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_login_url_is_oscars_login(client):
    response = client.get(reverse("customer:summary"))
    assert response.status_code == 302
    assert response["Location"].startswith("/shop/accounts/login/")


def test_wagtail_admin_is_at_cms_admin(client):
    response = client.get("/cms-admin/")
    assert response.status_code == 302
    assert "/cms-admin/login/" in response["Location"]


def test_every_storefront_page_offers_the_other_language(client):
    html = client.get("/shop/catalogue/?ocop=4").content.decode()
    assert 'href="/en/shop/catalogue/?ocop=4" hreflang="en"' in html
    english = client.get("/en/shop/catalogue/").content.decode()
    assert 'href="/shop/catalogue/" hreflang="vi"' in english


def test_set_language_is_routed_for_oscar_templates(client):
    assert reverse("set_language") == "/i18n/setlang/"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/shop/catalogue/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/shop/catalogue/"
