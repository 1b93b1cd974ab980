"""Content and shop pages share one base template: header with search, basket and language
switch, and the footer."""

import pytest
from bs4 import BeautifulSoup

from tests import factories
from tests.cms import content

pytestmark = pytest.mark.django_db


def chrome(html: str) -> dict:
    soup = BeautifulSoup(html, "html.parser")
    search = soup.select_one("form.site-search[role=search]")
    return {
        "skip": soup.select_one("a.skip-link[href='#main']") is not None,
        "main": soup.select_one("main#main") is not None,
        "search": search["action"] if search else None,
        "basket": soup.select_one(".basket-mini a.btn-basket") is not None,
        "languages": sorted(a["hreflang"] for a in soup.select(".lang-switch a[hreflang]")),
        "footer": soup.select_one("footer.site-footer") is not None,
    }


def test_content_and_shop_pages_share_the_header_and_footer(client):
    home = content.home()
    region = content.region(content.region_index(home))
    article = content.article(content.article_index(home))
    story = content.story(content.story_index(home), factories.producer())
    product = factories.product("Mật ong bạc hà 500ml")
    expected = {
        "skip": True,
        "main": True,
        "search": "/shop/search/",
        "basket": True,
        "languages": ["en", "vi"],
        "footer": True,
    }
    shop = ["/shop/catalogue/", product.get_absolute_url()]
    for path in ["/", region.url, article.url, story.url, *shop]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert chrome(response.content.decode()) == expected, path

    response = client.get("/en/shop/catalogue/")
    assert chrome(response.content.decode()) == {**expected, "search": "/en/shop/search/"}
