"""Content pages served by Wagtail: the home page, regions, producers' stories, articles, FAQ.

Every page type says where it may live (`parent_page_types`) and what it may hold
(`subpage_types`), and builds its body from the one palette in `cms.blocks`.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms import blocks, selectors
from shop import geo
from shop.text import fold

REGION_PRODUCTS = 12
STORY_PRODUCTS = 12
ARTICLES_PER_PAGE = 12


def province_select() -> forms.Select:
    return forms.Select(choices=[("", "---------"), *geo.province_choices()])


def ward_select() -> forms.Select:
    """Communes grouped by province, so an editor picks a name and never types a code."""
    groups = [(name, geo.ward_choices(code)) for code, name in geo.province_choices()]
    return forms.Select(choices=[("", "---------"), *groups])


class ContentPage(Page):
    """What every content page has: an introduction, a main image, a body from the palette."""

    intro = models.TextField(
        _("Introduction"),
        blank=True,
        max_length=500,
        help_text=_("One or two sentences, shown on cards and used as the default description."),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown at the top, on cards and when the page is shared."),
    )
    image_alt = models.CharField(
        _("Image description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    body = StreamField(blocks.ContentBlocks(), verbose_name=_("Body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Main image")),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("folded_text"),
    ]

    class Meta:
        abstract = True

    def folded_text(self) -> str:
        """The page's words without diacritics, indexed so searches may omit them."""
        parts = [
            self.title,
            self.intro,
            *self._meta.get_field("body").get_searchable_content(self.body),
        ]
        return fold(" ".join(part for part in parts if part))

    @property
    def page_type(self) -> str:
        return self._meta.model_name

    @property
    def main_image_alt(self) -> str:
        if self.image_alt:
            return self.image_alt
        return self.image.default_alt_text if self.image else ""

    @property
    def social_image(self):
        return self.image

    def get_view_restrictions(self):
        return selectors.view_restrictions(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["stream_data"] = selectors.stream_context(self.body, locale=self.locale_id)
        return context


class HomePage(ContentPage):
    """The front of the floor, built by editors from the palette."""

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = len(settings.WAGTAIL_CONTENT_LANGUAGES)  # one per language
    subpage_types = [
        "cms.RegionIndexPage",
        "cms.StoryIndexPage",
        "cms.ArticleIndexPage",
        "cms.StandardPage",
        "cms.FaqPage",
    ]

    class Meta:
        verbose_name = _("home page")

    @property
    def social_image(self):
        heroes = [
            b.value["image"] for b in self.body if b.block_type == "hero" and b.value["image"]
        ]
        for image in heroes:  # loaded already with the body: no query when it is the same image
            if image.pk == self.image_id:
                return image
        if self.image:
            return self.image
        return heroes[0] if heroes else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        first = next(iter(self.body), None)
        context["hero_first"] = context["hero_is_title"] = (
            first is not None and first.block_type == "hero"
        )
        context["categories"] = selectors.catalogue.top_categories()
        return context


class RegionIndexPage(ContentPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.RegionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("region index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["regions"] = selectors.child_pages(self, "RegionPage").order_by("title")
        return context


class RegionPage(ContentPage):
    """A province or commune and its specialties, with the products that come from there."""

    province_code = models.PositiveSmallIntegerField(_("Province"))
    ward_code = models.PositiveIntegerField(
        _("Commune"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the whole province."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("province_code", widget=province_select()),
                FieldPanel("ward_code", widget=ward_select()),
            ],
            heading=_("Where"),
        ),
        *ContentPage.content_panels[1:],
    ]
    parent_page_types = ["cms.RegionIndexPage", "cms.RegionPage"]
    subpage_types = ["cms.RegionPage"]

    class Meta:
        verbose_name = _("region page")

    def clean(self):
        super().clean()
        if geo.province(self.province_code) is None:
            raise ValidationError({"province_code": _("This province does not exist.")})
        if self.ward_code is not None and not geo.ward_in_province(
            self.ward_code, self.province_code
        ):
            raise ValidationError({"ward_code": _("This commune is not in the chosen province.")})

    @property
    def region_label(self) -> str:
        return geo.place_label(ward_code=self.ward_code, province_code=self.province_code)

    def origin_url(self) -> str:
        if self.ward_code and geo.ward(self.ward_code):
            return reverse(
                "catalogue:origin-ward",
                kwargs={
                    "province": self.province_code,
                    "ward": self.ward_code,
                    "slug": geo.ward(self.ward_code).codename.replace("_", "-"),
                },
            )
        return reverse(
            "catalogue:origin",
            kwargs={"province": self.province_code, "slug": geo.province_slug(self.province_code)},
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["products"] = selectors.region_products(
            province_code=self.province_code, ward_code=self.ward_code, limit=REGION_PRODUCTS
        )
        context["stories"] = selectors.region_producer_stories(
            province_code=self.province_code, ward_code=self.ward_code, locale=self.locale_id
        )
        context["subregions"] = selectors.child_pages(self, "RegionPage").order_by("title")
        return context


class StoryIndexPage(ContentPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ProducerStoryPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("producer story index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["stories"] = (
            selectors.child_pages(self, "ProducerStoryPage")
            .select_related("producer")
            .order_by("title")
        )
        return context


class ProducerStoryPage(ContentPage):
    """The story of one producer, with its live products and certificates."""

    producer = models.ForeignKey(
        "partner.Partner",
        verbose_name=_("Producer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="story_pages",
    )
    certificates = StreamField(
        [("certificate", blocks.CertificateBlock())],
        verbose_name=_("Certificates"),
        blank=True,
        help_text=_(
            "Certificates the producer holds. OCOP stars and geographical indications of its "
            "products are shown from the catalogue."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("producer"),
        *ContentPage.content_panels[1:],
        FieldPanel("certificates"),
    ]
    parent_page_types = ["cms.StoryIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("producer story")

    def clean(self):
        super().clean()
        if self.producer_id is None:
            raise ValidationError({"producer": _("Choose the producer this story is about.")})
        others = ProducerStoryPage.objects.filter(
            producer_id=self.producer_id, locale_id=self.locale_id
        ).exclude(translation_key=self.translation_key)
        if others.exists():
            raise ValidationError({"producer": _("This producer already has a story page.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        producer = self.producer
        if producer is not None and producer.is_on_floor:
            context["products"] = selectors.producer_products(
                producer=producer, limit=STORY_PRODUCTS
            )
            context["certifications"] = selectors.catalogue.producer_certificates(producer=producer)
        return context


class ArticleIndexPage(ContentPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ArticlePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("article index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        kind = request.GET.get("kind", "")
        kinds = dict(ArticlePage.Kind.choices)
        articles = selectors.child_pages(self, "ArticlePage").order_by("-date", "-pk")
        if kind in kinds:
            articles = articles.filter(kind=kind)
        else:
            kind = ""
        paginator = Paginator(articles, ARTICLES_PER_PAGE)
        context["articles"] = paginator.get_page(request.GET.get("page"))
        context["kind"] = kind
        context["kinds"] = ArticlePage.Kind.choices
        return context


class ArticlePage(ContentPage):
    """News, and guides for buyers (paying by QR code, verifying a product's origin...)."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        GUIDE = "guide", _("Buyer guide")

    kind = models.CharField(_("Kind"), max_length=8, choices=Kind.choices, default=Kind.NEWS)
    date = models.DateField(_("Date"), default=timezone.localdate)
    author = models.CharField(_("Author"), max_length=120, blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("date"), FieldPanel("author")], heading=_("Article")
        ),
        *ContentPage.content_panels[1:],
    ]
    search_fields = [*ContentPage.search_fields, index.FilterField("kind")]
    parent_page_types = ["cms.ArticleIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("article")


class StandardPage(ContentPage):
    """About us, terms, contact: a page of text and blocks."""

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage", "cms.FaqPage"]

    class Meta:
        verbose_name = _("standard page")


class FaqPage(ContentPage):
    questions = StreamField(
        [("question", blocks.FaqItemBlock())], verbose_name=_("Questions"), blank=True
    )

    content_panels = [*ContentPage.content_panels, FieldPanel("questions")]
    search_fields = [*ContentPage.search_fields, index.SearchField("questions")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("FAQ page")

    def folded_text(self) -> str:
        answers = self._meta.get_field("questions").get_searchable_content(self.questions)
        return " ".join([super().folded_text(), fold(" ".join(answers))])
