"""Every page in Vietnamese and English, and a language switch that lands on the same page."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page
from wagtail_localize.models import Translation

from cms import models, services
from tests import factories
from tests.cms import content

pytestmark = pytest.mark.django_db


def switch_links(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    return {a["hreflang"]: a["href"] for a in soup.select(".lang-switch a")}


def translate(page, strings):
    return services.page_translation_save(page=page, locale=content.english(), strings=strings)


@pytest.fixture
def region_in_two_languages():
    home = content.home()
    en_home = translate(home, content.HOME_EN)
    regions = content.region_index(home)
    translate(regions, {"Vùng đặc sản": "Regions", "vung-dac-san": "regions"})
    honey = factories.product("Mật ong bạc hà 500ml")
    region = content.region(
        regions,
        title="Cao nguyên đá Đồng Văn",
        slug="dong-van",
        intro="Hoa bạc hà nở trắng núi đá.",
        body=[content.products_block(honey, heading="Đặc sản Đồng Văn")],
    )
    english = translate(
        region,
        {
            "Cao nguyên đá Đồng Văn": "The Đồng Văn stone plateau",
            "dong-van": "dong-van-plateau",
            "Hoa bạc hà nở trắng núi đá.": "Mint flowers whiten the mountains.",
            "Đặc sản Đồng Văn": "Specialties of Đồng Văn",
            "": "",
        },
    )
    return {"home": home, "en_home": en_home, "region": region, "english": english, "honey": honey}


def test_translations_are_wagtail_localize_translations(region_in_two_languages):
    english = region_in_two_languages["english"]
    region = region_in_two_languages["region"]
    assert english.live and english.alias_of_id is None
    assert english.locale.language_code == "en"
    assert english.translation_key == region.translation_key
    assert english.title == "The Đồng Văn stone plateau"
    assert english.url == "/en/regions/dong-van-plateau/"
    assert english.province_code == region.province_code  # synchronised, not translated
    assert Translation.objects.filter(
        source__object_id=region.translation_key, target_locale=english.locale
    ).exists()


def test_the_switch_lands_on_the_same_page_in_the_other_language(client, region_in_two_languages):
    region, english = region_in_two_languages["region"], region_in_two_languages["english"]
    vietnamese_html = client.get(region.url).content.decode()
    assert switch_links(vietnamese_html) == {"vi": region.url, "en": english.url}

    response = client.get(english.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in html
    assert "Mint flowers whiten the mountains." in html
    assert "Specialties of Đồng Văn" in html
    assert switch_links(html) == {"vi": region.url, "en": english.url}

    # The product chosen in Vietnamese is linked in the English shop.
    honey = region_in_two_languages["honey"]
    soup = BeautifulSoup(html, "html.parser")
    link = soup.select_one(".featured-products a.product-card-link")["href"]
    with translation.override("en"):
        assert link == honey.get_absolute_url()
    assert link.startswith("/en/shop/")
    assert client.get(link).status_code == 200


def test_a_page_without_a_translation_switches_to_the_other_home_page(client):
    home = content.home()
    content.english()
    about = content.standard(home, title="Giới thiệu", slug="gioi-thieu")
    # Not created through the admin, so no English alias exists.
    assert not about.get_translations().exists()
    assert switch_links(client.get(about.url).content.decode())["en"] == "/en/"


def test_pages_added_in_the_admin_appear_in_english_until_translated(client, django_user_model):
    """The English tree follows the Vietnamese one (wagtail-localize's locale sync)."""
    admin = django_user_model.objects.create_superuser("a", "a@example.com", "pw-123456789")
    client.force_login(admin)
    home = content.home()
    en_home = translate(home, content.HOME_EN)
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    client.post(
        reverse("wagtailadmin_pages:add", args=["cms", "standardpage", home.pk]),
        nested_form_data(
            {
                "title": "Giới thiệu",
                "slug": "gioi-thieu",
                "intro": "",
                "body": streamfield([]),
                "action-publish": "publish",
            }
        ),
    )
    about = models.StandardPage.objects.get(locale=home.locale, slug="gioi-thieu")
    alias = about.get_translation(en_home.locale)
    assert alias.alias_of_id == about.pk and alias.live
    assert alias.get_parent().pk == en_home.pk
    client.logout()
    assert switch_links(client.get(about.url).content.decode())["en"] == "/en/gioi-thieu/"
    assert client.get("/en/gioi-thieu/").status_code == 200


def test_translated_home_shows_the_translated_region_stories(client, region_in_two_languages):
    home = region_in_two_languages["home"]
    region = region_in_two_languages["region"]
    home.body = content.stream(content.pages_block(region, heading="Những vùng đặc sản"))
    home.save_revision().publish()
    translate(home, {**content.HOME_EN, "Những vùng đặc sản": "Regions"})
    soup = BeautifulSoup(client.get("/en/").content.decode(), "html.parser")
    cards = soup.select(".featured-pages .page-card-title")
    assert [c.get_text() for c in cards] == ["The Đồng Văn stone plateau"]
    assert soup.select_one(".featured-pages a")["href"] == "/en/regions/dong-van-plateau/"


def test_a_missing_string_is_refused_rather_than_published_half_translated():
    home = content.home()
    content.english()
    with pytest.raises(services.MissingTranslation, match="Chợ Phiên"):
        translate(home, {"trang-chu": "home"})
    assert not Page.objects.filter(locale__language_code="en", depth=2).exists()


def test_editors_can_revise_a_translation_in_the_translation_editor(
    client, django_user_model, region_in_two_languages
):
    admin = django_user_model.objects.create_superuser("a", "a@example.com", "pw-123456789")
    client.force_login(admin)
    english = region_in_two_languages["english"]
    response = client.get(reverse("wagtailadmin_pages:edit", args=[english.pk]))
    assert response.status_code == 200
    assert "wagtail_localize" in response.content.decode()  # the translation editor's assets
