"""The public producer page under the shop: story, location, certificates, live products."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_producer_page_tells_story_place_certificates_and_live_products(client):
    honey = factories.producer("HTX Mật ong bạc hà Đồng Văn", code="mat-ong")
    honey.story = "Ba thế hệ nuôi ong trên cao nguyên đá."
    honey.save()
    live = factories.product("Mật ong bạc hà 500ml", maker=honey, ocop_stars=4)
    live.geographical_indication = "Mật ong bạc hà Mèo Vạc"
    live.save()
    factories.product("Mật ong chưa duyệt", maker=honey, public=False)
    factories.product("Chè Shan Tuyết 200g", maker=factories.producer("HTX Chè"))

    page = client.get(reverse("producers:detail", kwargs={"code": "mat-ong"}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ba thế hệ nuôi ong trên cao nguyên đá." in html
    assert "Xã Đồng Văn" in html and "Tuyên Quang" in html
    assert "OCOP 4★" in html and "Mật ong bạc hà Mèo Vạc" in html
    assert "Mật ong bạc hà 500ml" in html
    assert "Mật ong chưa duyệt" not in html and "Chè Shan Tuyết 200g" not in html


def test_hidden_and_unknown_producers_are_not_found(client):
    hidden = factories.producer("HTX Ẩn", code="an")
    hidden.is_public = False
    hidden.save()
    assert client.get(reverse("producers:detail", kwargs={"code": "an"})).status_code == 404
    assert client.get(reverse("producers:detail", kwargs={"code": "khong-co"})).status_code == 404


def test_the_dashboard_carries_the_marketplace_s_name(client):
    client.force_login(factories.producer_user(factories.producer("HTX Tên", code="ten")))
    page = client.get("/dashboard/producer/").content.decode()
    assert '<a class="navbar-brand" href="#">Chợ Phiên</a>' in page
    assert '<link rel="stylesheet" href="/static/shop/dashboard.css">' in page
    stylesheet = finders.find("shop/dashboard.css")
    assert "background: none; text-indent: 0" in Path(stylesheet).read_text()  # not the logo
    for url in ("/dashboard/producer/products/", "/dashboard/producer/orders/", "/trace/lots/"):
        assert f'href="{url}"' in page  # the producer's menu
