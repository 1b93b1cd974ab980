"""Findable: sitemap.xml, titles and descriptions, OpenGraph, schema.org JSON-LD."""

import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from oscar.core.loading import get_model

from cms import seo, services
from tests import factories
from tests.cms import content

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def translate(page, strings):
    return services.page_translation_save(page=page, locale=content.english(), strings=strings)


def json_ld(html: str) -> list[dict]:
    soup = BeautifulSoup(html, "html.parser")
    return [json.loads(s.string) for s in soup.select('script[type="application/ld+json"]')]


def meta(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    found = {m.get("property") or m.get("name"): m.get("content") for m in soup.select("meta")}
    found["title"] = soup.title.get_text()
    canonical = soup.select_one('link[rel="canonical"]')
    found["canonical"] = canonical["href"] if canonical else None
    found["alternates"] = {
        link["hreflang"]: link["href"] for link in soup.select('link[rel="alternate"][hreflang]')
    }
    return found


@pytest.fixture
def site():
    home = content.home()
    translate(home, content.HOME_EN)
    regions = content.region_index(home)
    translate(regions, {"Vùng đặc sản": "Regions", "vung-dac-san": "regions"})
    picture = content.image("Núi đá Đồng Văn")
    region = content.region(
        regions,
        title="Cao nguyên đá Đồng Văn",
        slug="dong-van",
        seo_title="Đồng Văn: mật ong bạc hà",
        search_description="Mật ong bạc hà từ cao nguyên đá.",
        image=picture,
        image_alt="Núi đá tai mèo",
    )
    english = translate(
        region,
        {
            "Cao nguyên đá Đồng Văn": "The Đồng Văn plateau",
            "dong-van": "dong-van",
            "Đồng Văn: mật ong bạc hà": "Đồng Văn: mint honey",
            "Mật ong bạc hà từ cao nguyên đá.": "Mint honey from the stone plateau.",
            "Núi đá tai mèo": "Jagged limestone",
        },
    )
    honey = factories.product("Mật ong bạc hà 500ml", price="350000", stock=3, image=True)
    hidden = factories.product("Mật ong thử nghiệm", public=False)
    return locals()


def test_sitemap_lists_content_and_products_in_both_languages(client, site):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    urls = {u.find("s:loc", NS).text: u for u in root.findall("s:url", NS)}
    base = "http://testserver"
    for path in ("/", "/en/", "/vung-dac-san/dong-van/", "/en/regions/dong-van/"):
        assert base + path in urls, path
    region = urls[base + "/vung-dac-san/dong-van/"]
    alternates = {a.get("hreflang"): a.get("href") for a in region.findall("x:link", NS)}
    assert alternates == {
        "vi": base + "/vung-dac-san/dong-van/",
        "en": base + "/en/regions/dong-van/",
        "x-default": base + "/vung-dac-san/dong-van/",
    }
    assert region.find("s:lastmod", NS) is not None

    honey, hidden = site["honey"], site["hidden"]
    assert base + honey.get_absolute_url() in urls
    assert base + "/en" + honey.get_absolute_url() in urls
    assert not [loc for loc in urls if hidden.slug in loc]


def test_untranslated_aliases_stay_out_of_the_sitemap(client, site):
    about = content.standard(site["home"], title="Giới thiệu", slug="gioi-thieu")
    about.copy_for_translation(content.english(), alias=True)
    locs = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/gioi-thieu/" in locs
    assert "/en/gioi-thieu/" not in locs


def test_robots_txt_points_at_the_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /cms-admin/" in text


def test_each_page_has_its_title_description_and_opengraph(client, site):
    tags = meta(client.get("/vung-dac-san/dong-van/").content.decode())
    assert tags["title"] == "Đồng Văn: mật ong bạc hà | Chợ Phiên"
    assert tags["description"] == "Mật ong bạc hà từ cao nguyên đá."
    assert tags["og:title"] == "Đồng Văn: mật ong bạc hà"
    assert tags["og:description"] == "Mật ong bạc hà từ cao nguyên đá."
    assert tags["og:url"] == tags["canonical"] == "http://testserver/vung-dac-san/dong-van/"
    assert tags["og:image"].startswith("http://testserver/media/images/")
    assert tags["og:image"].endswith(".jpg") or ".fill-1200x630" in tags["og:image"]
    assert tags["og:image:alt"] == "Núi đá tai mèo"
    assert tags["og:locale"] == "vi_VN" and tags["og:locale:alternate"] == "en_US"
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["alternates"] == {
        "vi": "http://testserver/vung-dac-san/dong-van/",
        "en": "http://testserver/en/regions/dong-van/",
        "x-default": "http://testserver/vung-dac-san/dong-van/",
    }

    english = meta(client.get("/en/regions/dong-van/").content.decode())
    assert english["title"] == "Đồng Văn: mint honey | Chợ Phiên"
    assert english["og:image:alt"] == "Jagged limestone"
    assert english["og:locale"] == "en_US"


def test_without_a_search_description_the_introduction_describes_the_page(client, site):
    page = content.standard(site["home"], title="Giới thiệu", intro="Về sàn đặc sản.")
    tags = meta(client.get(page.url).content.decode())
    assert tags["description"] == tags["og:description"] == "Về sàn đặc sản."
    assert tags["title"] == "Giới thiệu | Chợ Phiên"


def test_product_pages_carry_product_and_offer_in_vnd(client, site):
    honey = site["honey"]
    html = client.get(honey.get_absolute_url()).content.decode()
    [product] = [d for d in json_ld(html) if d["@type"] == "Product"]
    assert product["name"] == "Mật ong bạc hà 500ml"
    assert product["url"] == "http://testserver" + honey.get_absolute_url()
    assert product["brand"] == {"@type": "Brand", "name": honey.producer.name}
    assert product["image"][0].startswith("http://testserver/media/")
    offer = product["offers"]
    assert offer["@type"] == "Offer"
    assert offer["price"] == "350000" and offer["priceCurrency"] == "VND"
    assert offer["availability"] == "https://schema.org/InStock"
    tags = meta(html)
    assert tags["og:type"] == "product" and tags["og:image"] == product["image"][0]

    StockRecord.objects.filter(product=honey).update(num_in_stock=0)
    honey.save()
    html = client.get(honey.get_absolute_url()).content.decode()
    [product] = [d for d in json_ld(html) if d["@type"] == "Product"]
    assert product["offers"]["availability"] == "https://schema.org/OutOfStock"


def test_home_page_carries_the_organization(client, site):
    html = client.get("/").content.decode()
    [data] = json_ld(html)
    types = {node["@type"]: node for node in data["@graph"]}
    assert types["Organization"]["name"] == "Chợ Phiên"
    assert types["Organization"]["url"] == "http://testserver/"
    assert types["WebSite"]["potentialAction"]["target"].startswith(
        "http://testserver/shop/search/?q="
    )


def test_articles_carry_an_article(client, site):
    index = content.article_index(site["home"])
    article = content.article(
        index,
        title="Cách xác minh nguồn gốc",
        kind="guide",
        date="2025-10-20",
        author="Ban biên tập",
        intro="Quét tem QR.",
        image=content.image("Tem QR", seed=3),
    )
    html = client.get(article.url).content.decode()
    [data] = json_ld(html)
    assert data["@type"] == "Article"
    assert data["headline"] == "Cách xác minh nguồn gốc"
    assert data["datePublished"] == "2025-10-20"
    assert data["author"] == {"@type": "Person", "name": "Ban biên tập"}
    assert data["inLanguage"] == "vi"
    assert data["image"][0].startswith("http://testserver/media/images/")
    assert meta(html)["og:type"] == "article"


def test_faq_pages_carry_their_questions(client, site):
    page = content.faq(site["home"], questions=[("Bao lâu thì nhận hàng?", "2 đến 5 ngày.")])
    [data] = json_ld(client.get(page.url).content.decode())
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"][0]["name"] == "Bao lâu thì nhận hàng?"
    assert data["mainEntity"][0]["acceptedAnswer"]["text"] == "2 đến 5 ngày."


def test_json_ld_cannot_close_its_script_element():
    script = seo.json_ld({"name": "</script><script>alert(1)</script> & Co"})
    assert script.count("</script>") == 1
    body = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(body)["name"] == "</script><script>alert(1)</script> & Co"
