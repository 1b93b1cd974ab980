"""Catalogue items inside content: current price, stock and link; gone when no longer sold."""

import pytest
from bs4 import BeautifulSoup
from oscar.core.loading import get_model

from cms import blocks, selectors
from tests import factories
from tests.cms import content

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def region_with():
    def build(*blocks_):
        home = content.home()
        return content.region(
            content.region_index(home), title="Đồng Văn", ward=factories.MEO_VAC, body=blocks_
        )

    return build


def price(card) -> str:
    return " ".join(card.select_one(".price").get_text().split())


def featured(html: str):
    soup = BeautifulSoup(html, "html.parser")
    return soup.select_one(".featured-products")


def test_a_chosen_product_shows_its_current_price_stock_and_link(client, region_with):
    honey = factories.product("Mật ong bạc hà 500ml", price="350000", stock=5, image=True)
    page = region_with(content.products_block(honey, heading="Đang vào mùa"))

    section = featured(client.get(page.url).content.decode())
    assert section.h2.get_text() == "Đang vào mùa"
    card = section.select_one(".product-card")
    assert card.select_one("a.product-card-link")["href"] == honey.get_absolute_url()
    assert card.img["alt"] == "Mật ong bạc hà 500ml"
    assert price(card) == "350.000 ₫"
    assert card.select_one("form.quick-add")  # in stock: can be added to the basket

    # The price changes and the stock runs out: the page says so at once.
    StockRecord.objects.filter(product=honey).update(price=390000, num_in_stock=0)
    honey.save()  # what the dashboard does; bumps the page cache generation
    card = featured(client.get(page.url).content.decode()).select_one(".product-card")
    assert price(card) == "390.000 ₫"
    assert card.select_one(".availability.unavailable").get_text() == "Hết hàng"
    assert card.select_one("form.quick-add") is None


def test_a_withdrawn_product_disappears_and_its_neighbours_stay(client, region_with):
    honey = factories.product("Mật ong bạc hà 500ml")
    tea = factories.product("Chè Shan Tuyết 200g")
    page = region_with(content.products_block(honey, tea))
    assert len(featured(client.get(page.url).content.decode()).select(".product-card")) == 2

    honey.is_public = False
    honey.save()
    response = client.get(page.url)
    assert response.status_code == 200
    cards = featured(response.content.decode()).select(".product-card-title")
    assert [c.get_text() for c in cards] == ["Chè Shan Tuyết 200g"]


def test_a_block_whose_products_are_all_gone_is_not_shown(client, region_with):
    honey = factories.product("Mật ong bạc hà 500ml")
    unpriced = factories.product("Phấn hoa 200g")
    StockRecord.objects.filter(product=unpriced).update(price=None)
    page = region_with(content.products_block(honey, unpriced, heading="Đang vào mùa"))

    honey.is_public = False
    honey.save()
    html = client.get(page.url).content.decode()
    assert featured(html) is None
    assert "Đang vào mùa" not in html

    # Deleted outright, the choice is dropped silently too.
    tea = factories.product("Chè Shan Tuyết 200g")
    page.body = content.stream(content.products_block(tea, honey))
    page.save_revision().publish()
    tea.stockrecords.all().delete()
    tea.delete()
    response = client.get(page.url)
    assert response.status_code == 200
    assert featured(response.content.decode()) is None


def test_the_admin_keeps_a_withdrawn_choice_so_nothing_is_lost_on_save():
    honey = factories.product("Mật ong bạc hà 500ml", public=False)
    block = blocks.ProductChooserBlock()
    assert block.bulk_to_python([honey.pk, None, 999_999]) == [honey, None, None]
    assert not selectors.on_sale(honey)


def test_featured_producers_link_to_their_story_and_hide_private_producers(client):
    home = content.home()
    shown = factories.producer("HTX Mật ong bạc hà Đồng Văn")
    hidden = factories.producer("Hộ đã nghỉ bán")
    hidden.is_public = False
    hidden.save()
    factories.product(maker=shown)
    story = content.story(content.story_index(home), shown, title="Những người giữ ong")
    home.body = content.stream(content.producers_block(shown, hidden))
    home.save_revision().publish()

    soup = BeautifulSoup(client.get("/").content.decode(), "html.parser")
    cards = soup.select(".producer-card")
    assert [c.h3.get_text() for c in cards] == ["HTX Mật ong bạc hà Đồng Văn"]
    assert cards[0].h3.a["href"] == story.url
    assert "1 sản phẩm" in cards[0].get_text()


def test_featured_pages_show_only_live_pages(client):
    home = content.home()
    regions = content.region_index(home)
    live = content.region(regions, title="Đồng Văn")
    draft = content.region(regions, title="Mèo Vạc", publish=False)
    home.body = content.stream(content.pages_block(live, draft))
    home.save_revision().publish()

    titles = [
        t.get_text()
        for t in BeautifulSoup(client.get("/").content.decode(), "html.parser").select(
            ".featured-pages .page-card-title"
        )
    ]
    assert titles == ["Đồng Văn"]


def test_latest_articles_by_kind(client):
    home = content.home()
    index = content.article_index(home)
    content.article(index, title="Cách quét mã QR", kind="guide", date="2025-11-01")
    content.article(index, title="Mùa mật ong", kind="news", date="2025-11-10")
    content.article(index, title="Xác minh nguồn gốc", kind="guide", date="2025-10-01")
    home.body = content.stream(content.articles_block(count=1, kind="guide"))
    home.save_revision().publish()

    titles = [
        t.get_text()
        for t in BeautifulSoup(client.get("/").content.decode(), "html.parser").select(
            ".latest-articles .page-card-title"
        )
    ]
    assert titles == ["Cách quét mã QR"]


def test_hero_links_shop_addresses_in_the_language_shown(client):
    home = content.home()
    content.english()
    picture = content.image()
    home.body = content.stream(content.hero_block(picture=picture, url="/shop/catalogue/"))
    home.save_revision().publish()

    soup = BeautifulSoup(client.get("/").content.decode(), "html.parser")
    hero = soup.select_one(".hero")
    assert hero.h1.get_text() == "Đặc sản vùng cao"  # the home page's title
    assert hero.select_one("a.btn")["href"] == "/shop/catalogue/"
    assert hero.img["alt"] == "Ruộng bậc thang"
    english = BeautifulSoup(client.get("/en/").content.decode(), "html.parser")
    assert english.select_one(".hero a.btn")["href"] == "/en/shop/catalogue/"


def test_featured_producers_render_from_the_editors_form_as_in_a_preview():
    """A preview renders the value the form gives (plain producers), not the stored one."""
    producer = factories.producer("HTX Chè Shan Tuyết")
    factories.product(maker=producer)
    factories.product(maker=producer)
    block = blocks.FeaturedProducersBlock()
    value = block.to_python({"heading": "Nhà sản xuất", "producers": []})
    value["producers"] = [blocks.ProducerChooserBlock().value_from_form(producer.pk)]
    soup = BeautifulSoup(block.render(value), "html.parser")
    assert "2 sản phẩm" in soup.select_one(".producer-card").get_text()
