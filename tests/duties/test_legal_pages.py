"""The floor's duties on every page (Decree 52/2013/NĐ-CP as amended by Decree 85/2021/NĐ-CP):
the three legal pages loaded by the demo in both languages, linked from the footer; the MOIT
registration notice when configured; the seller's information on each producer's page."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from cms import selectors
from cms.demo import content_demo_load
from tests import factories

pytestmark = pytest.mark.django_db

TITLES = {
    "vi": [
        "Quy chế hoạt động",
        "Chính sách giải quyết khiếu nại",
        "Chính sách bảo vệ dữ liệu cá nhân",
    ],
    "en": ["Operating regulations", "Complaints policy", "Privacy policy"],
}


@pytest.fixture
def legal(settings):
    settings.COMPLAINT_WINDOW_DAYS, settings.COMPLAINT_ANSWER_HOURS = 9, 36
    settings.COMPLAINT_BUYER_DAYS, settings.PRIVACY_REQUEST_DEADLINE_HOURS = 5, 60
    settings.PAGE_CACHE_SECONDS = 0
    with translation.override("vi"):
        content_demo_load(password="pw-123456789")
    cache.clear()


def page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_footer_links_the_three_legal_pages_in_the_page_s_language(client, legal, language):
    prefix = "" if language == "vi" else "/en"
    html = page_text(client, f"{prefix}/shop/catalogue/")
    footer = html[html.index('class="site-footer"') :]
    for key, title in zip(selectors.LEGAL_PAGE_SLUGS, TITLES[language], strict=True):
        with translation.override(language):
            url = selectors.legal_page_url(key=key)
        assert url and f'href="{url}"' in footer and title in footer
        assert url.startswith(f"{prefix}/")
        page = page_text(client, url)
        assert "<h1" in page
    # Listed once: apart from the other content pages.
    assert footer.count(f'href="{url}"') == 1


def test_the_pages_quote_the_deadlines_the_code_enforces(client, legal):
    with translation.override("vi"):
        complaints = page_text(client, selectors.legal_page_url(key="complaints"))
        privacy = page_text(client, selectors.legal_page_url(key="privacy"))
        regulation = page_text(client, selectors.legal_page_url(key="regulation"))
    assert "trong vòng 9 ngày kể từ khi nhận hàng" in complaints
    assert "trả lời trong 36 giờ" in complaints and "5 ngày" in complaints
    assert "Nghị định 52/2013/NĐ-CP" in complaints and "85/2021/NĐ-CP" in complaints
    assert "trong vòng 60 giờ" in privacy
    for kept in ("10 năm", "5 năm", "3 năm", "90 ngày", "Điều 41", "13/2023/NĐ-CP"):
        assert kept in privacy, kept
    assert "117/2025/NĐ-CP" in regulation and "0,5%" in regulation
    with translation.override("en"):
        english = page_text(client, selectors.legal_page_url(key="complaints"))
    assert "within 9 days of delivery" in english and "within 36 hours" in english


def test_loading_twice_keeps_one_page_each(legal):
    with translation.override("vi"):
        content_demo_load(password="pw-123456789")
    for slug in selectors.LEGAL_PAGE_SLUGS.values():
        assert Page.objects.filter(slug=slug).count() == 1


def test_no_legal_page_no_link_and_no_moit_notice_unless_configured(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.MOIT_REGISTRATION = {"number": "", "url": "", "badge": ""}
    html = page_text(client, "/shop/catalogue/")
    assert "footer-legal" not in html and "Bộ Công Thương" not in html


def test_the_moit_notice_shows_when_configured(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.MOIT_REGISTRATION = {
        "number": "2026/TB-BCT-0042",
        "url": "http://online.gov.vn/Home/WebDetails/4242",
        "badge": "",
    }
    html = page_text(client, "/shop/catalogue/")
    assert "Đã đăng ký với Bộ Công Thương" in html and "số đăng ký 2026/TB-BCT-0042" in html
    assert 'href="http://online.gov.vn/Home/WebDetails/4242"' in html
    english = page_text(client, "/en/shop/catalogue/")
    assert "Registered with the Ministry of Industry and Trade" in english


def test_the_producer_page_discloses_the_seller_escaped_in_both_languages(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    producer = factories.producer("HTX <b>Mật ong</b> Đồng Văn", code="mat-ong")
    producer.kind = "cooperative"
    producer.street = "Thôn Lũng Cú"
    producer.registration_number = "HTX-0123/2020"
    producer.tax_id = "0101234567"
    producer.representative = "Nguyễn Thị Hoa"
    producer.phone = "+84912345678"
    producer.email = "mat-ong@example.com"
    producer.save()
    url = reverse("producers:detail", kwargs={"code": "mat-ong"})
    html = page_text(client, url)
    block = html[html.index("seller-disclosure") :]
    for shown in (
        "Thông tin người bán",
        "HTX &lt;b&gt;Mật ong&lt;/b&gt; Đồng Văn",
        "Hợp tác xã",
        "Thôn Lũng Cú, Xã Đồng Văn",
        "HTX-0123/2020",
        "0101234567",
        "Nguyễn Thị Hoa",
        "0912 345 678",
        "mat-ong@example.com",
        "Nghị định 52/2013/NĐ-CP",
    ):
        assert shown in block, shown
    assert "<b>Mật ong</b>" not in html
    with translation.override("en"):
        english_url = reverse("producers:detail", kwargs={"code": "mat-ong"})
    english = page_text(client, english_url)
    for shown in ("Seller information", "Representative", "Tax code", "Decree 52/2013/NĐ-CP"):
        assert shown in english, shown


def test_a_household_s_personal_id_number_is_shown_masked(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    producer = factories.producer("Hộ bà Lò Thị Mai", code="ho-mai")
    producer.tax_id = "008123456789"
    producer.save()
    html = page_text(client, reverse("producers:detail", kwargs={"code": "ho-mai"}))
    assert "008••••••789" in html and "008123456789" not in html
