"""Demo content for the floor, in Vietnamese and English, loaded by `shop.demo.demo_load()`.

The content is data: the YAML files next to this module (home, regions, producers' stories,
articles, the about page and the FAQ, the floor's three legal pages, their pictures and the
content accounts). Every text is
written once as a {vi, en} pair. Pages are built in Vietnamese (the source language) and
translated into English through wagtail-localize with the English halves, so the English pages
are ordinary translations that editors can revise in the translation editor.

The files use a few tags: `!image {key, alt}` (a picture of images.yaml, drawn locally),
`!product UPC`, `!producer code`, `!page slug` (a region page) and `!rich [...]` (rich text:
paragraphs, `{h2: text}` headings and `{ul|ol: [text, ...]}` lists). A page's `body` is its
StreamField, one `{block type: value}` a block.

`content_demo_load()` is idempotent: pages are found by their slug under their parent, images by
their title, accounts by e-mail; what exists is left as editors may have changed it.
"""

import io
import json
import random
import uuid
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from oscar.core.loading import get_model
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from cms import models, services
from shop import geo, people

Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")
WagtailImage = get_image_model()

PROVINCE = 8  # Tuyên Quang, as in shop.demo


@dataclass(frozen=True)
class T:
    """A text in Vietnamese and its English translation."""

    vi: str
    en: str


@dataclass(frozen=True)
class Rich:
    """Rich text as a list of paragraphs (T), headings ({"h2": T}) and lists ({"ul": [T]})."""

    parts: tuple


@dataclass(frozen=True)
class ProductRef:
    upc: str


@dataclass(frozen=True)
class ProducerRef:
    code: str


@dataclass(frozen=True)
class PageRef:
    slug: str


@dataclass(frozen=True)
class ImageRef:
    key: str
    alt: T


# Reading the files -----------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """YAML with {vi, en} pairs read as T, and the tags of the module's docstring."""


def _mapping(loader, node):
    value = loader.construct_mapping(node, deep=True)
    return T(**value) if value.keys() == {"vi", "en"} else value


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("!rich", lambda lo, node: Rich(tuple(lo.construct_sequence(node, True))))
_Loader.add_constructor("!image", lambda lo, node: ImageRef(**_mapping(lo, node)))
for _tag, _ref in (("!product", ProductRef), ("!producer", ProducerRef), ("!page", PageRef)):
    _Loader.add_constructor(_tag, lambda lo, node, ref=_ref: ref(lo.construct_scalar(node)))


def _data(name: str):
    loader = _Loader((Path(__file__).parent / name).read_text(encoding="utf-8"))
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


IMAGES: dict[str, dict] = _data("images.yaml")
HOME: dict = _data("home.yaml")
REGIONS: dict = _data("regions.yaml")
STORIES: dict = _data("stories.yaml")
ARTICLES: dict = _data("articles.yaml")
PAGES: dict = _data("pages.yaml")
LEGAL: dict = _data("legal.yaml")
CONTENT_ACCOUNTS: list[dict] = _data("accounts.yaml")


# Images drawn locally --------------------------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def landscape(sky: str, land: str, *, seed: int, size=(1200, 630)) -> bytes:
    """A JPEG of layered mountains under a warm sky, drawn with Pillow."""
    rng = random.Random(seed)  # noqa: S311 (decoration, not security)
    width, height = size
    top, ground = _rgb(sky), _rgb(land)
    img = PILImage.new("RGB", size, top)
    draw = ImageDraw.Draw(img)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(c * (1 - 0.35 * t) + 255 * 0.35 * t * 0.6) for c in top),
        )
    sun_x, sun_y = rng.randint(150, width - 150), rng.randint(70, 180)
    draw.ellipse([sun_x - 55, sun_y - 55, sun_x + 55, sun_y + 55], fill=(255, 244, 214))
    for layer in range(4):
        base_y = int(height * (0.42 + 0.14 * layer)) + rng.randint(-15, 15)
        points = [(0, height), (0, base_y)]
        for x in range(0, width + 1, 80):
            points.append((x, base_y + rng.randint(-70, 30) + (layer % 2) * 20))
        points.append((width, height))
        shade = 0.95 - 0.18 * layer
        draw.polygon(points, fill=tuple(max(0, min(255, int(c * shade))) for c in ground))
    for row in range(5):  # terraces
        y = int(height * 0.8) + row * 22
        draw.arc(
            [-200, y - 40, width + 200, y + 60], 180, 360, fill=tuple(int(c * 0.5) for c in ground)
        )
    out = io.BytesIO()
    img.save(out, "JPEG", quality=84)
    return out.getvalue()


def image_ensure(key: str):
    spec = IMAGES[key]
    image = WagtailImage.objects.filter(title=spec["title"]).first()
    if image is None:
        data = landscape(spec["sky"], spec["land"], seed=spec["seed"])
        image = WagtailImage(title=spec["title"], description=spec["description"])
        image.file = ImageFile(io.BytesIO(data), name=f"{key}.jpg")
        image.save()
    return image


# Building pages -------------------------------------------------------------------------------


class Resolver:
    """Turns a spec into raw page data in one language, collecting the vi -> en strings."""

    def __init__(self, lang: str):
        self.lang = lang
        self.strings: dict[str, str] = {}
        self.pages: dict[str, Page] = {}
        self._products: dict[str, int] | None = None
        self._producers: dict[str, int] | None = None

    def text(self, value: T) -> str:
        if value.vi:
            self.strings[value.vi] = value.en
        return getattr(value, self.lang)

    def product_id(self, upc: str) -> int | None:
        if self._products is None:
            self._products = dict(Product.objects.values_list("upc", "pk"))
        return self._products.get(upc)

    def producer_id(self, code: str) -> int | None:
        if self._producers is None:
            self._producers = dict(Partner.objects.values_list("code", "pk"))
        return self._producers.get(code)

    def rich(self, value: Rich) -> str:
        html = []
        for part in value.parts:
            if isinstance(part, T):
                html.append(f"<p>{self.text(part)}</p>")
                continue
            ((tag, content),) = part.items()
            if tag in ("ol", "ul"):
                items = "".join(f"<li>{self.text(item)}</li>" for item in content)
                html.append(f"<{tag}>{items}</{tag}>")
            else:
                html.append(f"<{tag}>{self.text(content)}</{tag}>")
        return "".join(html)

    def raw(self, value):
        """The stream's raw JSON form of `value`."""
        if isinstance(value, T):
            return self.text(value)
        if isinstance(value, Rich):
            return self.rich(value)
        if isinstance(value, ProductRef):
            return self.product_id(value.upc)
        if isinstance(value, ProducerRef):
            return self.producer_id(value.code)
        if isinstance(value, PageRef):
            page = self.pages.get(value.slug)
            return page.pk if page else None
        if isinstance(value, ImageRef):
            image = image_ensure(value.key)
            return {"image": image.pk, "alt_text": self.text(value.alt), "decorative": False}
        if isinstance(value, dict):
            return {key: self.raw(item) for key, item in value.items()}
        if isinstance(value, list):
            items = [self.raw(item) for item in value]
            return [
                {"type": "item", "value": item, "id": str(uuid.uuid4())}
                for item in items
                if item is not None
            ]
        return value

    def stream(self, blocks: list[dict]) -> str:
        """A StreamField's JSON from its blocks, one {block type: value} each."""
        return json.dumps(
            [
                {"type": block_type, "value": self.raw(value), "id": str(uuid.uuid4())}
                for block in blocks
                for block_type, value in block.items()
            ]
        )


def _page_ensure(resolver: Resolver, parent: Page, model, spec: dict, **fields) -> Page:
    """The page of `spec` under `parent` in the source language, created if missing."""
    slug = spec["slug"].vi
    existing = parent.get_children().filter(slug=slug).specific().first()
    # Collect the strings whatever happens, for the translation.
    values = {
        "title": resolver.text(spec["title"]),
        "slug": resolver.text(spec["slug"]),
        "seo_title": resolver.text(spec["seo_title"]) if spec.get("seo_title") else "",
        "search_description": resolver.text(spec["search_description"]),
        "intro": resolver.text(spec["intro"]),
        "show_in_menus": spec.get("show_in_menus", False),
        "body": resolver.stream(spec.get("body", [])),
    }
    image_ref = spec.get("image")
    if image_ref is not None:
        values["image"] = image_ensure(image_ref.key)
        values["image_alt"] = resolver.text(image_ref.alt)
    values.update(fields)
    if existing is not None:
        return existing
    page = model(locale=parent.locale, **values)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def legal_figures() -> dict[str, int]:
    """The figures the legal pages quote from the settings that enforce them."""
    return {
        "window_days": settings.COMPLAINT_WINDOW_DAYS,
        "answer_hours": settings.COMPLAINT_ANSWER_HOURS,
        "buyer_days": settings.COMPLAINT_BUYER_DAYS,
        "resolve_days": settings.COMPLAINT_RESOLVE_DAYS,
        "erasure_hours": getattr(settings, "PRIVACY_REQUEST_DEADLINE_HOURS", 72),
    }


def _with_figures(value, figures: dict):
    """`value` (a spec of legal.yaml) with its {placeholders} filled from `figures`."""
    if isinstance(value, T):
        return T(value.vi.format_map(figures), value.en.format_map(figures))
    if isinstance(value, Rich):
        return Rich(tuple(_with_figures(part, figures) for part in value.parts))
    if isinstance(value, dict):
        return {key: _with_figures(item, figures) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_figures(item, figures) for item in value]
    return value


def legal_pages_ensure(resolver: "Resolver", home: Page) -> list[Page]:
    """The operating regulations, the complaints policy and the privacy policy under the home
    page, at the slugs the footer looks for (``cms.selectors.LEGAL_PAGE_SLUGS``)."""
    figures = legal_figures()
    return [
        _page_ensure(resolver, home, models.StandardPage, _with_figures(LEGAL[key], figures))
        for key in ("regulation", "complaints", "privacy")
    ]


def _translation_ensure(page: Page, locale: Locale, strings: dict[str, str]) -> None:
    translated = page.get_translations().filter(locale=locale).first()
    if translated is not None and translated.alias_of_id is None:
        return
    services.page_translation_save(page=page, locale=locale, strings=strings)


def _accounts_ensure(*, password: str) -> None:
    User = get_user_model()
    services.editorial_workflow_ensure()
    for account in CONTENT_ACCOUNTS:
        group = Group.objects.get(name=account["group"])
        email = account["email"]
        user = User.objects.filter(email=email).first() or User(
            username=email.split("@")[0], email=email
        )
        people.full_name_set(user, account["name"])
        if not user.has_usable_password() or not user.check_password(password):
            user.set_password(password)
        user.save()
        user.groups.add(group)


@transaction.atomic
def content_demo_load(*, password: str) -> dict[str, int]:
    """Home, regions, producers' stories, articles, about, FAQ and the legal pages, in
    Vietnamese and English;
    the content accounts sign in with `password` (the floor's demo password)."""
    locales = services.locales_ensure()
    english = locales["en"]
    home = services.home_page_ensure()
    vi = Resolver("vi")

    # The home page chooses region pages, so its body is written once they exist.
    regions_index = _page_ensure(vi, home, models.RegionIndexPage, REGIONS["index"])
    regions = []
    for spec in REGIONS["pages"]:
        ward = int(geo.find_ward(province_code=PROVINCE, name=spec["ward"]).code)
        page = _page_ensure(
            vi, regions_index, models.RegionPage, spec, province_code=PROVINCE, ward_code=ward
        )
        vi.pages[spec["slug"].vi] = page
        regions.append(page)

    stories_index = _page_ensure(vi, home, models.StoryIndexPage, STORIES["index"])
    stories = []
    producers = {p.code: p for p in Partner.objects.filter(code__in=STORIES["pages"])}
    for code, spec in STORIES["pages"].items():
        if code not in producers:
            continue
        story = {
            **spec,
            "search_description": spec["intro"],
            "body": [{"rich_text": Rich(tuple(spec["paragraphs"]))}, {"quote": spec["quote"]}],
        }
        certificates = vi.stream(
            [
                {
                    "certificate": {
                        **certificate,
                        "number": T(certificate["number"], certificate["number"]),
                        "valid_until": "2027-12-31",
                        "document": None,
                    }
                }
                for certificate in spec["certificates"]
            ]
        )
        page = _page_ensure(
            vi,
            stories_index,
            models.ProducerStoryPage,
            story,
            producer=producers[code],
            certificates=certificates,
        )
        stories.append(page)

    articles_index = _page_ensure(vi, home, models.ArticleIndexPage, ARTICLES["index"])
    articles = [
        _page_ensure(
            vi, articles_index, models.ArticlePage, spec, kind=spec["kind"], date=spec["date"]
        )
        for spec in ARTICLES["pages"]
    ]
    about = _page_ensure(vi, home, models.StandardPage, PAGES["about"])
    faq_spec = PAGES["faq"]
    faq_questions = vi.stream([{"question": item} for item in faq_spec["questions"]])
    faq = _page_ensure(vi, home, models.FaqPage, faq_spec, questions=faq_questions)
    legal = legal_pages_ensure(vi, home)

    # The home page: its own fields and body (once, unless editors already built it).
    home_body = vi.stream(HOME["body"])
    for key in ("title", "slug", "seo_title", "search_description", "intro"):
        vi.text(HOME[key])
    vi.text(HOME["image"].alt)
    if not _home_built(home):
        home.seo_title = HOME["seo_title"].vi
        home.search_description = HOME["search_description"].vi
        home.intro = HOME["intro"].vi
        home.image = image_ensure(HOME["image"].key)
        home.image_alt = HOME["image"].alt.vi
        home.body = home_body
        home.save_revision().publish()
        home.refresh_from_db()

    # English, parents first.
    strings = dict(vi.strings)
    strings.update({url: url for url in ("/shop/",)})
    pages = [home, regions_index, *regions, stories_index, *stories, articles_index, *articles]
    pages += [about, faq, *legal]
    for page in pages:
        _translation_ensure(page, english, strings)

    _accounts_ensure(password=password)
    return {"pages": len(pages), "locales": len(locales)}


def _home_built(home) -> bool:
    """Whether the home page already has more than the hero it starts with."""
    return any(block.block_type != "hero" for block in home.body)
