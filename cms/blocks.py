"""One palette of StreamField blocks for every content page.

Blocks that show catalogue items or other pages read what the page prepared for them (see
`cms.models.ContentPage.get_context`), so a page costs the same number of queries whatever the
number of items its editors feature.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.urls import translate_url
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

from cms import selectors
from cms.choosers import producer_chooser, product_chooser

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]

local_or_web_url = RegexValidator(
    r"^(/|https?://)",
    _("Enter an address on this site (starting with /) or a full web address."),
)


class ProductChooserBlock(product_chooser.get_block_class()):
    """A product, chosen in the admin. Its value is the product whether or not it is still on
    sale; templates show only products that are (`cms.selectors.on_sale`)."""

    def bulk_to_python(self, values):
        products = selectors.products_by_id(values)
        return [products.get(pk) for pk in values]

    def get_searchable_content(self, value):
        return []

    class Meta:
        icon = "pick"


class ProducerChooserBlock(producer_chooser.get_block_class()):
    def bulk_to_python(self, values):
        producers = selectors.producers_by_id(values)
        return [producers.get(pk) for pk in values]

    def get_searchable_content(self, value):
        return []

    class Meta:
        icon = "group"


class LinkBlock(blocks.StructBlock):
    """A call to action: a page of the site, or an address (a shop page such as /shop/)."""

    label = blocks.CharBlock(label=_("Button text"), max_length=60, required=False)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.CharBlock(
        label=_("Or an address"),
        required=False,
        max_length=300,
        validators=[local_or_web_url],
        help_text=_("For example /shop/ or /shop/catalogue/origin/."),
    )

    def clean(self, value):
        value = super().clean(value)
        if value.get("label") and not (value.get("page") or value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={"page": ValidationError(_("Choose a page or enter an address."))}
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["href"] = link_href(value, parent_context or {})
        return context

    class Meta:
        icon = "link"
        label = _("Link")


def link_href(value, context) -> str:
    """Where a LinkBlock points, in the language being shown."""
    page = value.get("page")
    if page is not None:
        page = context.get("stream_data", {}).get("pages", {}).get(page.pk, page)
        return page.get_url(context.get("request"))
    url = value.get("url") or ""
    if url.startswith("/"):
        # Editors write addresses as the default language has them (/shop/...).
        language = get_language()
        with override(settings.LANGUAGE_CODE):
            return translate_url(url, language)
    return url


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False, max_length=400)
    image = ImageBlock(label=_("Image"), required=False)
    link = LinkBlock(label=_("Call to action"), required=False)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["href"] = link_href(value["link"], parent_context or {})
        parent = parent_context or {}
        # The first hero of a page that asks for it (the home page) carries the page's <h1>.
        context["is_title"] = bool(parent.get("first_block") and parent.get("hero_is_title"))
        return context

    class Meta:
        icon = "image"
        label = _("Hero with image and call to action")
        template = "cms/blocks/hero.html"


class FeaturedProductsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False, max_length=400)
    products = blocks.ListBlock(ProductChooserBlock(label=_("Product")), label=_("Products"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["products"] = [p for p in value["products"] if selectors.on_sale(p)]
        return context

    class Meta:
        icon = "pick"
        label = _("Featured products")
        template = "cms/blocks/featured_products.html"


class FeaturedProducersBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    producers = blocks.ListBlock(ProducerChooserBlock(label=_("Producer")), label=_("Producers"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        stories = (parent_context or {}).get("stream_data", {}).get("stories", {})
        producers = [producer for producer in value["producers"] if producer is not None]
        if any(not hasattr(producer, "n_products") for producer in producers):
            # A value from the editor's form (a preview) holds plain producers, not counted ones.
            counted = selectors.producers_by_id(producer.pk for producer in producers)
            producers = [counted[p.pk] for p in producers if p.pk in counted]
        context["producers"] = [
            (producer, stories.get(producer.pk)) for producer in producers if producer.is_on_floor
        ]
        return context

    class Meta:
        icon = "group"
        label = _("Featured producers")
        template = "cms/blocks/featured_producers.html"


class FeaturedPagesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    pages = blocks.ListBlock(
        blocks.PageChooserBlock(
            label=_("Story"), page_type=["cms.RegionPage", "cms.ProducerStoryPage"]
        ),
        label=_("Stories"),
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        shown = (parent_context or {}).get("stream_data", {}).get("pages", {})
        context["pages"] = [shown[p.pk] for p in value["pages"] if p is not None and p.pk in shown]
        return context

    class Meta:
        icon = "site"
        label = _("Region and producer stories")
        template = "cms/blocks/featured_pages.html"


class LatestArticlesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    count = blocks.IntegerBlock(label=_("How many"), min_value=1, max_value=12, default=3)
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        required=False,
        choices=[("news", _("News")), ("guide", _("Buyer guide"))],
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        articles = (parent_context or {}).get("stream_data", {}).get("articles", {})
        context["articles"] = articles.get(value.get("kind") or "", [])[: value["count"]]
        return context

    class Meta:
        icon = "doc-full"
        label = _("Latest articles")
        template = "cms/blocks/latest_articles.html"


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/figure.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Who said it"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


class ContentBlocks(blocks.StreamBlock):
    hero = HeroBlock()
    featured_products = FeaturedProductsBlock()
    featured_producers = FeaturedProducersBlock()
    region_stories = FeaturedPagesBlock()
    latest_articles = LatestArticlesBlock()
    rich_text = blocks.RichTextBlock(
        label=_("Text"), features=RICH_TEXT_FEATURES, template="cms/blocks/rich_text.html"
    )
    image = FigureBlock()
    quote = QuoteBlock()


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=250)
    answer = blocks.RichTextBlock(label=_("Answer"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("Question and answer")
        template = "cms/blocks/faq_item.html"


class CertificateBlock(blocks.StructBlock):
    """A certificate the producer holds (VietGAP, organic, OCOP decision, food safety...)."""

    name = blocks.CharBlock(label=_("Certificate"), max_length=160)
    issuer = blocks.CharBlock(label=_("Issued by"), required=False, max_length=160)
    number = blocks.CharBlock(label=_("Number"), required=False, max_length=80)
    valid_until = blocks.DateBlock(label=_("Valid until"), required=False)
    document = DocumentChooserBlock(label=_("Scan of the certificate"), required=False)

    class Meta:
        icon = "success"
        label = _("Certificate")
        template = "cms/blocks/certificate.html"
