"""The public figures page, by commune, against producers, products and payments built by hand.

Đồng Văn: producers A and B (and D, suspended: off the floor); A has two products on sale and
one hidden, B one. Mèo Vạc: producer C, one product. Income paid this year: A 1,000,000 and
500,000, C 2,000,000 (Mèo Vạc first, then); A's payment of last year and B's statement still
to pay do not count; D's payment this year does (the money reached Đồng Văn).
"""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from shop.figures import selectors
from shop.reporting import local_zone
from tests import factories
from tests.figures import floor

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes():
    now = timezone.localtime(timezone.now(), local_zone())
    this_year = now - timedelta(days=1) if now.timetuple().tm_yday > 1 else now
    last_year = datetime(now.year - 1, 12, 31, 23, 30, tzinfo=local_zone())
    a = factories.producer("HTX Mật ong A", code="a")
    b = factories.producer("Hộ chè B", code="b")
    c = factories.producer("HTX Cam C", code="c", ward=factories.MEO_VAC)
    d = factories.producer("Hộ D (tạm ngừng)", code="d")
    factories.product("Mật ong bạc hà", maker=a)
    factories.product("Mật ong rừng", maker=a)
    factories.product("Mật ong ẩn", maker=a, public=False)
    factories.product("Chè Shan Tuyết", maker=b)
    factories.product("Cam sành", maker=c)
    factories.product("Sản phẩm của D", maker=d)
    type(d).objects.filter(pk=d.pk).update(suspended_at=now)
    floor.paid_statement(a, net=1_000_000, paid_at=this_year, reference="A1")
    floor.paid_statement(a, net=500_000, paid_at=this_year - timedelta(hours=1), reference="A2")
    floor.paid_statement(a, net=9_000_000, paid_at=last_year, reference="A0")
    floor.paid_statement(c, net=2_000_000, paid_at=this_year, reference="C1")
    floor.paid_statement(d, net=300_000, paid_at=this_year, reference="D1")
    floor.paid_statement(b, net=700_000, paid_at=this_year, reference="B1", paid=False)
    return {"a": a, "c": c, "year": now.year}


def test_the_figures_by_commune(communes, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        figures = selectors.public_figures()
    rows = [(c.ward_code, c.producers, c.products, c.income) for c in figures.communes]
    assert rows == [
        (factories.MEO_VAC, 1, 1, Decimal(2_000_000)),
        (factories.DONG_VAN, 2, 3, Decimal(1_800_000)),
    ]
    assert (figures.producers, figures.products, figures.income) == (3, 4, Decimal(3_800_000))


def test_the_page_in_vietnamese_and_english(communes, django_assert_max_num_queries):
    client = Client()
    with translation.override("vi"):
        assert reverse("figures:index") == "/so-lieu/"
    with translation.override("en"):
        assert reverse("figures:index") == "/en/figures/"
    with django_assert_max_num_queries(12):
        page = client.get("/so-lieu/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Sàn qua những con số" in body
    assert "<caption>Nhà sản xuất, sản phẩm đang bán và thu nhập" in body
    assert '<th scope="row">Xã Mèo Vạc</th>' in body and '<th scope="col">Xã/phường</th>' in body
    assert "3.800.000" in body  # the total income, in đồng
    assert 'id="figures-chart-data" type="application/json"' in body
    assert 'src="/static/shop/charts.js"' in body or "shop/charts." in body
    assert 'data-chart="income" data-chart-source="figures-chart-data"' in body
    assert "<script>" not in body  # every script is a file (CSP)

    english = client.get("/en/figures/").content.decode()
    assert "The floor in figures" in english and "Mèo Vạc Commune" in english
    assert f"Income paid to producers in {communes['year']}" in english


def test_the_footer_links_to_the_page(communes):
    body = Client().get("/so-lieu/").content.decode()
    assert '<a href="/so-lieu/">Sàn qua những con số</a>' in body
    english = Client().get("/en/figures/").content.decode()
    assert '<a href="/en/figures/">The floor in figures</a>' in english


def test_the_figures_are_cached(communes, django_assert_num_queries):
    first = selectors.public_figures()
    floor.paid_statement(communes["a"], net=4_000_000, paid_at=timezone.now(), reference="A9")
    with django_assert_num_queries(0):
        again = selectors.public_figures()
    assert again.income == first.income  # until the cache expires
    from django.core.cache import cache

    cache.clear()
    assert selectors.public_figures().income == first.income + 4_000_000


def test_a_visitor_s_second_look_costs_no_query(communes, django_assert_num_queries):
    client = Client()
    assert client.get("/so-lieu/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/so-lieu/").status_code == 200


def test_an_empty_floor_says_so():
    body = Client().get("/so-lieu/").content.decode()
    assert "Chưa có nhà sản xuất nào bán trên sàn." in body
    assert "figures-chart-data" not in body
