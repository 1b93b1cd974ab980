"""The catalogue in both languages: what buyers read on /en/ (names, descriptions, facts, places,
titles, OpenGraph, JSON-LD, the sitemap), search in either language, and where the English is
written (producers' listing form, operators' dashboard forms) or still missing."""

import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model

from cms import selectors as cms_selectors
from shop import geo
from shop.producers.models import ListingChange
from tests import factories

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def english(url: str) -> str:
    return f"/en{url}"


def page(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return BeautifulSoup(response.content.decode(), "html.parser")


def metas(soup) -> dict:
    return {m.get("property") or m.get("name"): m.get("content") for m in soup.select("meta")}


def json_ld(soup) -> list[dict]:
    return [json.loads(s.string) for s in soup.select('script[type="application/ld+json"]')]


@pytest.fixture
def honey():
    category = factories.category("Mật ong")
    category.name_en, category.description_en = "Honey", "Honey from the stone plateau."
    category.save()
    maker = factories.producer("HTX Mật ong bạc hà Đồng Văn", code="mat-ong")
    maker.name_en, maker.story_vi = "Dong Van Mint Honey Cooperative", "Nuôi ong từ năm 1990."
    maker.story_en = "Keeping bees since 1990."
    maker.save()
    item = factories.product(
        "Mật ong bạc hà 500ml",
        maker=maker,
        categories=[category],
        description="<p>Mật ong hoa bạc hà.</p>",
    )
    item.title_en = "Mint flower honey 500ml"
    item.description_en = "<p>Honey from mint flowers.</p>"
    item.season_vi, item.season_en = "Tháng 10 – tháng 12", "October to December"
    item.storage_vi, item.storage_en = "Nơi khô ráo, thoáng mát", "A cool, dry place"
    item.save()
    return item


# --------------------------------------------------------------------------- places


@pytest.mark.parametrize(
    ("language", "province", "commune", "short"),
    [
        ("vi", "Tuyên Quang", "Xã Đồng Văn", "Tuyên Quang"),
        ("en", "Tuyên Quang Province", "Đồng Văn Commune", "Tuyên Quang"),
    ],
)
def test_places_are_named_in_the_page_s_language(language, province, commune, short):
    with translation.override(language):
        assert geo.place_name(geo.province(8)) == province
        assert geo.place_name(geo.ward(factories.DONG_VAN)) == commune
        assert geo.place_name(geo.province(8), short=True) == short
        assert geo.place_label(ward_code=factories.DONG_VAN, province_code=8) == (
            f"{commune}, {province}"
        )


def test_cities_wards_and_special_zones_have_their_english_kind():
    hanoi = geo.province(1)
    ward = next(w for w in geo.wards().values() if w.name == "Phường Hoàn Kiếm")
    zone = next(w for w in geo.wards().values() if w.name.startswith("Đặc khu "))
    with translation.override("en"):
        assert geo.place_name(hanoi) == "Hà Nội City"
        assert geo.place_name(hanoi, short=True) == "Hà Nội"
        assert geo.place_name(ward) == "Hoàn Kiếm Ward"
        assert geo.place_name(zone).endswith(" Special Zone")
    with translation.override("vi"):
        assert geo.place_name(hanoi) == "Thành phố Hà Nội"
        assert geo.place_name(hanoi, short=True) == "Hà Nội"


# --------------------------------------------------------------------------- buyers' pages


def test_the_english_product_page_is_english_throughout(client, honey):
    with translation.override("en"):
        url = honey.get_absolute_url()
    assert url.startswith("/en/")
    soup = page(client, url)
    text = soup.get_text(" ")
    for shown in (
        "Mint flower honey 500ml",
        "Honey from mint flowers.",
        "October to December",
        "A cool, dry place",
        "Đồng Văn Commune, Tuyên Quang Province",
        "Dong Van Mint Honey Cooperative",
    ):
        assert shown in text, shown
    for hidden in ("Mật ong bạc hà 500ml", "Tháng 10", "Nơi khô ráo", "Xã Đồng Văn"):
        assert hidden not in text, hidden
    assert soup.title.get_text().strip().startswith("Mint flower honey 500ml | ")
    found = metas(soup)
    assert found["og:title"] == "Mint flower honey 500ml"
    assert found["og:description"] == "Honey from mint flowers."
    assert found["og:locale"] == "en_US"
    product = next(d for d in json_ld(soup) if d.get("@type") == "Product")
    assert product["name"] == "Mint flower honey 500ml"
    assert product["description"] == "Honey from mint flowers."
    assert product["brand"]["name"] == "Dong Van Mint Honey Cooperative"
    assert product["countryOfOrigin"]["name"] == "Vietnam"
    assert product["additionalProperty"][0]["value"] == "Đồng Văn Commune, Tuyên Quang Province"


def test_the_vietnamese_product_page_stays_vietnamese(client, honey):
    soup = page(client, honey.get_absolute_url())
    text = soup.get_text(" ")
    assert "Mật ong bạc hà 500ml" in text and "Xã Đồng Văn, Tuyên Quang" in text
    assert "Mint flower honey" not in text
    assert soup.title.get_text().strip().startswith("Mật ong bạc hà 500ml | ")
    found = metas(soup)
    assert found["og:title"] == "Mật ong bạc hà 500ml" and found["og:locale"] == "vi_VN"
    product = next(d for d in json_ld(soup) if d.get("@type") == "Product")
    assert product["name"] == "Mật ong bạc hà 500ml"
    assert product["countryOfOrigin"]["name"] == "Việt Nam"


def test_a_missing_english_text_falls_back_to_the_vietnamese(client, honey):
    honey.storage_en = ""
    honey.save()
    plain = factories.product("Chè Shan Tuyết cổ thụ", maker=honey.producer)
    with translation.override("en"):
        text = page(client, plain.get_absolute_url()).get_text(" ")
        assert "Chè Shan Tuyết cổ thụ" in text
        assert "Nơi khô ráo, thoáng mát" in page(client, honey.get_absolute_url()).get_text(" ")


def test_category_producer_and_origin_pages_speak_english(client, honey):
    category = honey.categories.get()
    with translation.override("en"):
        category_url = category.get_absolute_url()
        producer_url = honey.producer.get_absolute_url()
        origin_url = honey.get_origin_url()
        index_url = reverse("catalogue:origin-index")
        list_url = reverse("producers:index")
    soup = page(client, category_url)
    assert soup.title.get_text().strip() == "Honey | Chợ Phiên"
    assert "Mint flower honey 500ml" in soup.get_text(" ")
    found = metas(soup)
    assert found["og:title"] == "Honey" and found["og:locale"] == "en_US"
    assert found["og:description"] == "Honey from the stone plateau."
    card = soup.select_one(".origin")
    assert card is not None and "Đồng Văn Commune, Tuyên Quang Province" in card.get_text()
    soup = page(client, producer_url)
    assert metas(soup)["og:title"] == "Dong Van Mint Honey Cooperative"
    assert metas(soup)["og:description"] == "Keeping bees since 1990."
    text = soup.get_text(" ")
    assert "Dong Van Mint Honey Cooperative" in text and "Keeping bees since 1990." in text
    assert "Đồng Văn Commune, Tuyên Quang Province" in text and "Nuôi ong" not in text
    soup = page(client, origin_url)
    assert soup.title.get_text().strip() == "Đồng Văn Commune | Chợ Phiên"
    assert "Specialties from Đồng Văn Commune, Tuyên Quang Province." in soup.get_text(" ")
    text = page(client, index_url).get_text(" ")
    assert "Tuyên Quang Province" in text and "Đồng Văn Commune" in text
    assert "Dong Van Mint Honey Cooperative" in page(client, list_url).get_text(" ")
    # and the Vietnamese pages are unchanged
    with translation.override("vi"):
        soup = page(client, category.get_absolute_url())
    assert soup.title.get_text().strip() == "Mật ong | Chợ Phiên"


def test_english_pages_sort_by_the_name_they_show(client, honey):
    factories.product("Ớt khô", maker=honey.producer)  # no English: shown and sorted as "Ớt khô"
    apple = factories.product("Táo mèo", maker=honey.producer)
    apple.title_en = "Wild apples"
    apple.save()
    with translation.override("en"):
        url = reverse("catalogue:index")
    response = client.get(url, {"sort": "title"})
    assert [p.title for p in response.context["products"]] == [
        "Mint flower honey 500ml",
        "Wild apples",
        "Ớt khô",
    ]


# --------------------------------------------------------------------------- search


def search(client, query: str, *, language="vi") -> list[str]:
    with translation.override(language):
        url = reverse("search:search")
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    return [p.title for p in response.context["products"]]


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [
        ("en", "mint honey", "Mint flower honey 500ml"),
        ("en", "HONEY", "Mint flower honey 500ml"),
        ("en", "mat ong", "Mint flower honey 500ml"),  # Vietnamese words on the English page
        ("vi", "honey", "Mật ong bạc hà 500ml"),  # and English ones on the Vietnamese page
        ("vi", "mật ong bạc hà", "Mật ong bạc hà 500ml"),
        ("vi", "mat ong bac ha", "Mật ong bạc hà 500ml"),
    ],
)
def test_search_finds_products_in_either_language(client, honey, language, query, expected):
    factories.product("Chè Shan Tuyết", description="Chè búp, hương mật ong.")
    assert search(client, query, language=language)[0] == expected


def test_english_title_matches_rank_before_description_matches(client, honey):
    tea = factories.product("Chè Shan Tuyết", maker=honey.producer)
    tea.title_en, tea.description_en = "Shan Tuyet tea", "Smells of honey and flowers."
    tea.save()
    assert search(client, "honey", language="en") == ["Mint flower honey 500ml", "Shan Tuyet tea"]


def test_an_edited_english_name_is_found_at_once(client, honey):
    honey.title_en = "Peppermint honey"
    honey.save()
    assert search(client, "peppermint", language="en") == ["Peppermint honey"]
    assert " mint flower " not in Product.objects.get(pk=honey.pk).search_title


def test_the_producer_chooser_finds_english_and_vietnamese_names(honey):
    assert list(cms_selectors.producer_ids_matching("mint honey cooperative")) == [
        honey.producer.pk
    ]
    assert list(cms_selectors.producer_ids_matching("mat ong dong van")) == [honey.producer.pk]


# --------------------------------------------------------------------------- sitemap


def test_the_sitemap_lists_catalogue_pages_in_both_languages(client, honey):
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 (our own response)
    urls = {
        u.find("s:loc", NS).text: {
            link.get("hreflang"): link.get("href") for link in u.findall("x:link", NS)
        }
        for u in root.findall("s:url", NS)
    }
    category = honey.categories.get()
    for thing in (honey, category, honey.producer):
        with translation.override("vi"):
            vi = "http://testserver" + thing.get_absolute_url()
        with translation.override("en"):
            en = "http://testserver" + thing.get_absolute_url()
        assert vi in urls and en in urls, thing
        assert urls[vi]["en"] == en and urls[en]["vi"] == vi and urls[en]["x-default"] == vi


# --------------------------------------------------------------------------- producers' form


def listing_form(**overrides):
    data = {
        "title": "Mật ong hoa bạc hà 250ml",
        "title_en": "Mint flower honey 250ml",
        "description": "Mật ong thu vào mùa hoa.",
        "description_en": "Gathered <b>when</b> the mint flowers.<script>x()</script>",
        "categories": [factories.category().pk],
        "origin_province_code": 8,
        "origin_ward_code": factories.DONG_VAN,
        "ocop_stars": "4",
        "geographical_indication": "",
        "geographical_indication_en": "",
        "season": "Tháng 10 – tháng 12",
        "season_en": "October to December",
        "net_quantity": "250",
        "net_unit": "ml",
        "shelf_life_days": "730",
        "storage": "Nơi khô ráo",
        "storage_en": "",
        "price": "180000",
        "num_in_stock": "30",
    }
    data.update(overrides)
    return data


@pytest.fixture
def maker_client(client):
    maker = factories.producer("HTX Mật ong", code="honey")
    client.force_login(factories.producer_user(maker))
    client.maker = maker
    return client


def approve(change):
    from django.test import Client

    operator = Client()
    operator.force_login(factories.operator("reviewer@example.com"))
    response = operator.post(
        reverse("listings-dashboard:detail", kwargs={"pk": change.pk}), {"decision": "approve"}
    )
    assert response.status_code == 302


def test_a_producer_lists_a_product_in_both_languages(maker_client):
    form_page = page(maker_client, reverse("producer-dashboard:product-create"))
    labels = {label.get_text(" ", strip=True) for label in form_page.select("label")}
    assert {"Tên sản phẩm *", "Tên sản phẩm (tiếng Anh)", "Bảo quản (tiếng Anh)"} <= labels
    response = maker_client.post(reverse("producer-dashboard:product-create"), listing_form())
    assert response.status_code == 302
    change = ListingChange.objects.get()
    product = change.product
    assert product.title_vi == "Mật ong hoa bạc hà 250ml"
    assert product.title_en == "Mint flower honey 250ml"
    assert "<b>when</b> the mint flowers." in product.description_en  # the allow-list's HTML
    assert "script" not in product.description_en
    assert product.season_en == "October to December" and not product.storage_en
    approve(change)
    with translation.override("en"):
        text = page(maker_client, product.get_absolute_url()).get_text(" ")
    assert "Mint flower honey 250ml" in text and "Nơi khô ráo" in text  # storage falls back


def test_english_changes_to_a_live_product_wait_for_review_then_apply(maker_client):
    product = factories.product("Mật ong 500ml", maker=maker_client.maker)
    url = reverse("producer-dashboard:product-edit", kwargs={"pk": product.pk})
    response = maker_client.post(url, listing_form(title="Mật ong 500ml", title_en="Honey 500ml"))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.title_vi == "Mật ong 500ml" and not product.title_en  # waits for review
    change = ListingChange.objects.get(product=product, status="pending")
    assert change.proposed["title_en"] == "Honey 500ml" and "title" not in change.proposed
    from django.test import Client

    operator = Client()
    operator.force_login(factories.operator("reader@example.com"))
    detail = page(operator, reverse("listings-dashboard:detail", kwargs={"pk": change.pk}))
    assert "Honey 500ml" in detail.get_text(" ")
    assert "Tên (tiếng Anh)" in detail.get_text(" ") or "(tiếng Anh)" in detail.get_text(" ")
    approve(change)
    product.refresh_from_db()
    assert product.title_vi == "Mật ong 500ml" and product.title_en == "Honey 500ml"
    assert product.season_en == "October to December"
    edit = page(maker_client, url)
    assert edit.select_one("#id_title")["value"] == "Mật ong 500ml"
    assert edit.select_one("#id_title_en")["value"] == "Honey 500ml"


def test_the_listing_form_keeps_each_language_in_its_own_column_whatever_the_page_s(honey):
    from shop.producers.forms import ProductForm

    with translation.override("en"):  # reading `title` now would give the English
        form = ProductForm(instance=honey, producer=honey.producer)
        assert form["title"].value() == "Mật ong bạc hà 500ml"
        assert form["title_en"].value() == "Mint flower honey 500ml"
        assert form["season"].value() == "Tháng 10 – tháng 12"
        assert str(form["title_en"].label) == "Product name (in English)"


# --------------------------------------------------------------------------- operators' forms


@pytest.fixture
def operator_client(client):
    operator = factories.operator()
    operator.is_superuser = True  # Oscar's catalogue and partner pages ask model permissions
    operator.save(update_fields=["is_superuser"])
    client.force_login(operator)
    return client


def form_values(soup, form_selector="form") -> dict:
    """What the browser would send for the page's form (text fields and selected options)."""
    values = {}
    form = soup.select_one(form_selector)
    for field in form.select("input[name], textarea[name], select[name]"):
        name, kind = field["name"], field.get("type", "")
        if kind in ("submit", "file") or (kind == "checkbox" and not field.has_attr("checked")):
            continue
        if field.name == "textarea":
            values[name] = field.get_text()
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            values[name] = chosen["value"] if chosen else ""
        else:
            values[name] = field.get("value", "on" if kind == "checkbox" else "")
    return values


def test_operators_write_a_product_s_english_in_oscar_s_form(operator_client, honey):
    url = reverse("dashboard:catalogue-product", kwargs={"pk": honey.pk})
    soup = page(operator_client, url)
    data = form_values(soup, "form#create_update_product_form")
    assert data["title_vi"] == "Mật ong bạc hà 500ml"
    assert data["title_en"] == "Mint flower honey 500ml"
    assert {"meta_title_vi", "meta_title_en", "meta_description_en"} <= set(data)
    data.update(title_en="Mint honey 500ml", storage_en="Keep dry", season_en="")
    data.update(meta_title_en="Mint honey from Dong Van")
    response = operator_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    honey.refresh_from_db()
    assert honey.title_vi == "Mật ong bạc hà 500ml" and honey.title_en == "Mint honey 500ml"
    assert honey.storage_en == "Keep dry" and not honey.season_en
    assert honey.meta_title_en == "Mint honey from Dong Van" and not honey.meta_title_vi
    assert search(operator_client, "mint honey", language="en") == ["Mint honey 500ml"]


def test_operators_write_a_category_s_english(operator_client):
    response = operator_client.post(
        reverse("dashboard:catalogue-category-create"),
        {
            "name_vi": "Chè",
            "name_en": "Tea",
            "description_vi": "",
            "description_en": "Tea from old trees.",
            "is_public": "on",
            "treebeard_position": "first-child",
            "treebeard_ref_node": "",
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    category = Category.objects.get(name_vi="Chè")
    assert category.name_en == "Tea" and category.description_en == "Tea from old trees."
    with translation.override("en"):
        assert category.name == "Tea"


def test_operators_write_a_producer_s_english(operator_client, honey):
    maker = honey.producer
    url = reverse("dashboard:partner-manage", kwargs={"pk": maker.pk})
    soup = page(operator_client, url)
    data = form_values(soup, "form.card")
    assert data["name_vi"] == "HTX Mật ong bạc hà Đồng Văn"
    country = soup.select_one("select[name=country] option[value]:not([value=''])")["value"]
    data.update(name_en="Dong Van Honey Co-op", story_en="Bees on the stone plateau.")
    data.update(line1="Xã Đồng Văn", country=country)
    response = operator_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    maker.refresh_from_db()
    assert maker.name_vi == "HTX Mật ong bạc hà Đồng Văn"
    assert maker.name_en == "Dong Van Honey Co-op"
    assert maker.story_en == "Bees on the stone plateau."
    assert maker.story_vi == "Nuôi ong từ năm 1990."
    created = operator_client.post(
        reverse("dashboard:partner-create"), {"name_vi": "HTX Chè", "name_en": "Tea Co-op"}
    )
    assert created.status_code == 302
    assert Partner.objects.get(name_vi="HTX Chè").name_en == "Tea Co-op"


# --------------------------------------------------------------------------- what is missing


def test_operators_see_what_lacks_english_with_links_to_write_it(operator_client, honey):
    plain = factories.product("Chè Shan Tuyết cổ thụ", maker=honey.producer)
    honey.storage_en = ""
    honey.save()
    bare_category = factories.category("Chè")
    bare_maker = factories.producer("HTX Chè Shan Tuyết", code="che")
    url = reverse("translations-dashboard:missing")
    assert url == "/dashboard/translations/"
    soup = page(operator_client, url)
    products = soup.select_one("#missing-product")
    links = {a.get_text(strip=True): a["href"] for a in products.select("a")}
    assert links["Chè Shan Tuyết cổ thụ"] == reverse(
        "dashboard:catalogue-product", kwargs={"pk": plain.pk}
    )
    assert links["Mật ong bạc hà 500ml"]  # its storage is not translated
    row = products.find("a", string="Mật ong bạc hà 500ml").find_parent("tr")
    assert row.select("td")[0].get_text(strip=True) == "Bảo quản"
    categories = soup.select_one("#missing-category").get_text(" ")
    assert "Chè" in categories and "Mật ong" not in categories
    producers = soup.select_one("#missing-producer")
    assert producers.find("a", string="HTX Chè Shan Tuyết")["href"] == reverse(
        "dashboard:partner-manage", kwargs={"pk": bare_maker.pk}
    )
    assert "HTX Mật ong bạc hà Đồng Văn" not in producers.get_text(" ")
    assert bare_category.pk
    # Once written, it drops off the list.
    plain.title_en = "Old-tree Shan Tuyet tea"
    plain.save()
    again = page(operator_client, url).select_one("#missing-product").get_text(" ")
    assert "Chè Shan Tuyết cổ thụ" not in again
    # The dashboard menu leads there.
    menu = page(operator_client, reverse("dashboard:index"))
    assert menu.find("a", href=url) is not None


def test_only_operators_see_what_lacks_english(client, honey):
    url = reverse("translations-dashboard:missing")
    response = client.get(url)
    assert response.status_code == 302 and "login" in response.url
    client.force_login(factories.producer_user(honey.producer))
    assert client.get(url).status_code in (302, 403)
    assert client.post(url).status_code in (302, 403, 405)


def test_a_search_engine_title_shows_only_in_its_own_language(client, honey):
    honey.meta_title_vi = "Mật ong bạc hà Đồng Văn chính gốc"
    honey.meta_description_vi = "Mua mật ong bạc hà từ hợp tác xã."
    honey.save()
    with translation.override("en"):
        url = honey.get_absolute_url()
    soup = page(client, url)
    assert soup.title.get_text().strip().startswith("Mint flower honey 500ml | ")
    assert metas(soup)["description"].strip() == "Honey from mint flowers."
    honey.meta_title_en = "Dong Van mint honey, from the cooperative"
    honey.save()
    soup = page(client, url)
    assert soup.title.get_text().strip().startswith("Dong Van mint honey, from the cooperative | ")
    with translation.override("vi"):
        soup = page(client, honey.get_absolute_url())
    assert soup.title.get_text().strip().startswith("Mật ong bạc hà Đồng Văn chính gốc | ")
    assert metas(soup)["description"].strip() == "Mua mật ong bạc hà từ hợp tác xã."
