import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_product_origin_must_be_a_commune_of_its_province():
    item = factories.product()
    item.origin_ward_code = 26734  # a ward of Ho Chi Minh City, not of Tuyên Quang
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "origin_ward_code" in error.value.message_dict


def test_unknown_province_is_refused():
    item = factories.product()
    item.origin_province_code = 99
    with pytest.raises(ValidationError):
        item.full_clean()


def test_ocop_stars_are_three_to_five_in_the_database():
    item = factories.product()
    item.ocop_stars = 2
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()


def test_product_page_shows_origin_and_producer(client):
    maker = factories.producer(name="HTX Chè Shan Tuyết Hoàng Su Phì")
    item = factories.product("Chè Shan Tuyết cổ thụ", maker=maker, ocop_stars=5)
    item.geographical_indication = "Chè Shan Tuyết Hà Giang"
    item.season = "Vụ xuân"
    item.save()
    html = client.get(item.get_absolute_url()).content.decode()
    assert "Xã Đồng Văn, Tuyên Quang" in html
    assert maker.get_absolute_url() in html
    assert "Chè Shan Tuyết Hà Giang" in html
    assert "Vụ xuân" in html
    assert "350.000\xa0₫" in html


def test_category_page_lists_only_its_products(client):
    honey, tea = factories.category("Mật ong"), factories.category("Chè")
    factories.product("Mật ong bạc hà", categories=[honey])
    factories.product("Chè Shan Tuyết", categories=[tea])
    html = client.get(honey.get_absolute_url()).content.decode()
    assert "Mật ong bạc hà" in html
    assert "Chè Shan Tuyết" not in html


def test_browse_by_origin_province_and_commune(client):
    factories.product("Mật ong Đồng Văn", ward=factories.DONG_VAN)
    factories.product("Thịt trâu Mèo Vạc", ward=factories.MEO_VAC)
    index = client.get(reverse("catalogue:origin-index")).content.decode()
    assert "Tuyên Quang" in index and "Xã Mèo Vạc" in index

    item = factories.Product.objects.get(title="Thịt trâu Mèo Vạc")
    commune = client.get(item.get_origin_url()).content.decode()
    assert "Thịt trâu Mèo Vạc" in commune
    assert "Mật ong Đồng Văn" not in commune

    province = client.get(
        reverse("catalogue:origin", kwargs={"province": 8, "slug": "tuyen-quang"})
    )
    assert "Mật ong Đồng Văn" in province.content.decode()


def test_browse_by_producer(client):
    a = factories.producer(name="Hộ Sùng Mí Chá")
    b = factories.producer(name="HTX Cam sành")
    factories.product("Thịt trâu gác bếp", maker=a)
    factories.product("Cam sành 5kg", maker=b)
    html = client.get(a.get_absolute_url()).content.decode()
    assert "Thịt trâu gác bếp" in html and "Cam sành 5kg" not in html
    listing = client.get(reverse("producers:index")).content.decode()
    assert "Hộ Sùng Mí Chá" in listing and "HTX Cam sành" in listing


def test_browse_by_ocop_stars(client):
    factories.product("Năm sao", ocop_stars=5)
    factories.product("Ba sao", ocop_stars=3)
    factories.product("Không sao")
    html = client.get(reverse("catalogue:index"), {"ocop": "4"}).content.decode()
    assert "Năm sao" in html
    assert "Ba sao" not in html and "Không sao" not in html
    # An out-of-range filter is ignored, not an error.
    assert client.get(reverse("catalogue:index"), {"ocop": "9"}).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/shop/catalogue/khong-co_999999/",
        "/shop/catalogue/category/khong-co_999999/",
        "/shop/producers/khong-co/",
        "/shop/catalogue/origin/99-khong-co/",
        "/shop/catalogue/origin/8/1-khong-co/",
    ],
)
def test_unknown_urls_get_the_styled_404_in_the_current_language(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    english = client.get(f"/en{url}")
    assert english.status_code == 404
    assert "Page not found" in english.content.decode()
    assert 'lang="en"' in english.content.decode()


def test_hidden_products_are_not_listed_or_viewable(client):
    item = factories.product("Sản phẩm ẩn", public=False)
    assert "Sản phẩm ẩn" not in client.get(reverse("catalogue:index")).content.decode()
    assert client.get(item.get_absolute_url()).status_code == 404
