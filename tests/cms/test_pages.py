"""Each page type: where it may live, created from the admin, rendered."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms import models
from tests import factories
from tests.cms import content


class PageTreeTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = content.home()
        cls.regions = content.region_index(cls.home)
        cls.stories = content.story_index(cls.home)
        cls.articles = content.article_index(cls.home)
        cls.producer = factories.producer()
        cls.honey = factories.product(maker=cls.producer, ocop_stars=4, image=True)
        cls.admin = get_user_model().objects.create_superuser(
            "content-admin", "content-admin@example.com", "pw-123456789"
        )

    def setUp(self):
        self.client.force_login(self.admin)

    def test_each_page_type_says_where_it_may_live(self):
        self.assertAllowedParentPageTypes(models.HomePage, {Page})
        self.assertAllowedSubpageTypes(
            models.HomePage,
            {
                models.RegionIndexPage,
                models.StoryIndexPage,
                models.ArticleIndexPage,
                models.StandardPage,
                models.FaqPage,
            },
        )
        self.assertAllowedParentPageTypes(models.RegionIndexPage, {models.HomePage})
        self.assertAllowedSubpageTypes(models.RegionIndexPage, {models.RegionPage})
        self.assertAllowedParentPageTypes(
            models.RegionPage, {models.RegionIndexPage, models.RegionPage}
        )
        self.assertAllowedSubpageTypes(models.RegionPage, {models.RegionPage})
        self.assertAllowedParentPageTypes(models.StoryIndexPage, {models.HomePage})
        self.assertAllowedSubpageTypes(models.StoryIndexPage, {models.ProducerStoryPage})
        self.assertAllowedParentPageTypes(models.ProducerStoryPage, {models.StoryIndexPage})
        self.assertAllowedSubpageTypes(models.ProducerStoryPage, set())
        self.assertAllowedParentPageTypes(models.ArticleIndexPage, {models.HomePage})
        self.assertAllowedSubpageTypes(models.ArticleIndexPage, {models.ArticlePage})
        self.assertAllowedParentPageTypes(models.ArticlePage, {models.ArticleIndexPage})
        self.assertAllowedSubpageTypes(models.ArticlePage, set())
        self.assertAllowedParentPageTypes(
            models.StandardPage, {models.HomePage, models.StandardPage}
        )
        self.assertAllowedSubpageTypes(models.StandardPage, {models.StandardPage, models.FaqPage})
        self.assertAllowedParentPageTypes(models.FaqPage, {models.HomePage, models.StandardPage})
        self.assertAllowedSubpageTypes(models.FaqPage, set())

    def test_misplaced_pages_cannot_be_created(self):
        self.assertCanNotCreateAt(models.HomePage, models.ArticlePage)
        self.assertCanNotCreateAt(models.ArticleIndexPage, models.RegionPage)
        self.assertCanNotCreateAt(models.RegionIndexPage, models.ProducerStoryPage)
        self.assertCanNotCreateAt(models.StoryIndexPage, models.StandardPage)
        # One index of each kind under a home page.
        self.assertFalse(models.RegionIndexPage.can_create_at(self.home))
        self.assertFalse(models.ArticleIndexPage.can_create_at(self.home))
        # One home page per language at the root.
        content.add(self.home.get_parent(), models.HomePage, title="Home", locale=content.english())
        self.assertFalse(models.HomePage.can_create_at(self.home.get_parent()))

    def test_the_home_page_is_built_from_the_palette_in_the_admin(self):
        # The home page exists already (one per language), so the palette is checked on its edit
        # form: every block is accepted, saved and rendered.
        picture = content.image()
        region = content.region(self.regions)
        data = nested_form_data(
            {
                "title": "Chợ Phiên",
                "slug": "trang-chu",
                "intro": "Sàn đặc sản của tỉnh.",
                "body": streamfield(
                    [
                        (
                            "hero",
                            {
                                "heading": "Đặc sản vùng cao",
                                "text": "Từ tay người làm ra.",
                                "image": {
                                    "image": picture.pk,
                                    "alt_text": "Ruộng",
                                    "decorative": "",
                                },
                                "link": {"label": "Vào chợ", "page": "", "url": "/shop/"},
                            },
                        ),
                        (
                            "featured_products",
                            {
                                "heading": "Đang vào mùa",
                                "text": "",
                                "products": streamfield([("item", self.honey.pk)]),
                            },
                        ),
                        (
                            "featured_producers",
                            {
                                "heading": "Gặp người làm ra",
                                "producers": streamfield([("item", self.producer.pk)]),
                            },
                        ),
                        (
                            "region_stories",
                            {"heading": "Vùng", "pages": streamfield([("item", region.pk)])},
                        ),
                        ("latest_articles", {"heading": "Tin", "count": 3, "kind": ""}),
                        ("rich_text", rich_text("<p>Vì sao mua ở Chợ Phiên?</p>")),
                        (
                            "image",
                            {
                                "image": {"image": picture.pk, "alt_text": "Núi", "decorative": ""},
                                "caption": "Núi đá",
                            },
                        ),
                        ("quote", {"text": "Mật nào cũng có mùa.", "attribution": "Sính"}),
                    ]
                ),
                "action-publish": "publish",
            }
        )
        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=[self.home.pk]), data, follow=True
        )
        self.assertEqual(response.status_code, 200)
        self.home.refresh_from_db()
        self.assertEqual(
            [block.block_type for block in self.home.body],
            [
                "hero",
                "featured_products",
                "featured_producers",
                "region_stories",
                "latest_articles",
                "rich_text",
                "image",
                "quote",
            ],
        )
        self.assertPageIsRenderable(self.home)
        html = self.client.get("/").content.decode()
        self.assertIn(self.honey.title, html)
        self.assertIn(self.producer.name, html)
        self.assertIn(region.title, html)

    def test_region_page_is_created_and_renders_the_products_of_its_origin(self):
        self.assertCanCreate(
            self.regions,
            models.RegionPage,
            nested_form_data(
                {
                    "title": "Đồng Văn",
                    "slug": "dong-van",
                    "province_code": 8,
                    "ward_code": factories.DONG_VAN,
                    "intro": "Cao nguyên đá.",
                    "body": streamfield([]),
                }
            ),
        )
        page = models.RegionPage.objects.get(slug="dong-van", locale=self.home.locale)
        elsewhere = factories.product("Thịt trâu gác bếp", ward=factories.MEO_VAC)
        self.assertPageIsRenderable(page)
        html = self.client.get(page.url).content.decode()
        self.assertIn(self.honey.title, html)
        self.assertNotIn(elsewhere.title, html)
        self.assertIn("Xã Đồng Văn, Tuyên Quang", html)

    def test_region_page_refuses_a_commune_outside_its_province(self):
        page = models.RegionPage(
            title="Sai", slug="sai", province_code=1, ward_code=factories.DONG_VAN
        )
        with self.assertRaises(ValidationError):
            page.full_clean()

    def test_producer_story_is_created_and_shows_live_products_and_certificates(self):
        self.assertCanCreate(
            self.stories,
            models.ProducerStoryPage,
            nested_form_data(
                {
                    "title": "Những người giữ ong",
                    "slug": "giu-ong",
                    "producer": self.producer.pk,
                    "intro": "Bốn mươi hộ nuôi ong.",
                    "body": streamfield([("rich_text", rich_text("<p>Chuyện của HTX.</p>"))]),
                    "certificates": streamfield(
                        [
                            (
                                "certificate",
                                {
                                    "name": "VietGAP",
                                    "issuer": "Trung tâm Chứng nhận",
                                    "number": "VG-001",
                                    "valid_until": "2027-12-31",
                                    "document": "",
                                },
                            )
                        ]
                    ),
                }
            ),
        )
        page = models.ProducerStoryPage.objects.get(slug="giu-ong", locale=self.home.locale)
        withdrawn = factories.product("Phấn hoa", maker=self.producer, public=False)
        self.assertPageIsRenderable(page)
        html = self.client.get(page.url).content.decode()
        self.assertIn(self.honey.title, html)
        self.assertNotIn(withdrawn.title, html)
        self.assertIn("VietGAP", html)
        self.assertIn("VG-001", html)
        self.assertIn("OCOP 4★", html)  # from the catalogue

    def test_a_producer_has_one_story_per_language(self):
        content.story(self.stories, self.producer, slug="mot")
        second = models.ProducerStoryPage(
            title="Lần hai", slug="hai", producer=self.producer, locale=self.home.locale
        )
        with self.assertRaises(ValidationError) as raised:
            self.stories.add_child(instance=second)
        self.assertIn("producer", raised.exception.message_dict)

    def test_article_index_and_articles(self):
        self.assertCanCreate(
            self.articles,
            models.ArticlePage,
            nested_form_data(
                {
                    "title": "Cách thanh toán bằng quét mã QR",
                    "slug": "quet-ma-qr",
                    "kind": "guide",
                    "date": "2025-11-03",
                    "author": "Ban biên tập",
                    "intro": "Từng bước.",
                    "body": streamfield(
                        [("rich_text", rich_text("<ol><li>Mở ứng dụng ngân hàng.</li></ol>"))]
                    ),
                }
            ),
        )
        content.article(self.articles, title="Mùa mật ong", kind="news")
        guide = models.ArticlePage.objects.get(slug="quet-ma-qr", locale=self.home.locale)
        self.assertPageIsRenderable(guide)
        self.assertPageIsRenderable(self.articles)
        self.assertPageIsRenderable(self.articles, query_data={"kind": "guide"})
        guides = self.client.get(self.articles.url, {"kind": "guide"}).content.decode()
        self.assertIn("Cách thanh toán bằng quét mã QR", guides)
        self.assertNotIn("Mùa mật ong", guides)
        everything = self.client.get(self.articles.url).content.decode()
        self.assertIn("Mùa mật ong", everything)

    def test_standard_and_faq_pages(self):
        self.assertCanCreate(
            self.home,
            models.StandardPage,
            nested_form_data(
                {
                    "title": "Giới thiệu",
                    "slug": "gioi-thieu",
                    "intro": "Về Chợ Phiên.",
                    "body": streamfield([("rich_text", rich_text("<p>Sàn đặc sản.</p>"))]),
                }
            ),
        )
        about = models.StandardPage.objects.get(slug="gioi-thieu", locale=self.home.locale)
        self.assertCanCreate(
            about,
            models.FaqPage,
            nested_form_data(
                {
                    "title": "Hỏi đáp",
                    "slug": "hoi-dap",
                    "intro": "",
                    "body": streamfield([]),
                    "questions": streamfield(
                        [
                            (
                                "question",
                                {
                                    "question": "Bao lâu thì nhận hàng?",
                                    "answer": rich_text("<p>2 đến 5 ngày.</p>"),
                                },
                            )
                        ]
                    ),
                }
            ),
        )
        faq = models.FaqPage.objects.get(slug="hoi-dap", locale=self.home.locale)
        self.assertPageIsRenderable(about)
        self.assertPageIsRenderable(faq)
        html = self.client.get(faq.url).content.decode()
        self.assertIn("<summary>Bao lâu thì nhận hàng?</summary>", html)

    def test_index_pages_render_their_children(self):
        content.region(self.regions, title="Hoàng Su Phì")
        content.story(self.stories, self.producer, title="Giữ ong trên đá")
        for page in (self.home, self.regions, self.stories, self.articles):
            self.assertPageIsRenderable(page)
        self.assertIn("Hoàng Su Phì", self.client.get(self.regions.url).content.decode())
        self.assertIn("Giữ ong trên đá", self.client.get(self.stories.url).content.decode())

    def test_a_province_region_page_lists_the_products_of_all_its_communes(self):
        elsewhere = factories.product("Thịt trâu gác bếp", ward=factories.MEO_VAC)
        page = content.region(self.regions, title="Tuyên Quang", slug="tuyen-quang", ward=None)
        self.assertPageIsRenderable(page)
        html = self.client.get(page.url).content.decode()
        self.assertIn(self.honey.title, html)
        self.assertIn(elsewhere.title, html)
