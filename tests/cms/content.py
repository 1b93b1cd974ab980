"""Builders for content pages, through the same models and services as the site."""

import io
import json
import uuid

from django.core.files.images import ImageFile
from wagtail.images import get_image_model

from cms import demo, models, services
from tests import factories

_slugs = iter(range(1, 10_000))


def english():
    return services.locales_ensure()["en"]


def home():
    return services.home_page_ensure()


def add(parent, model, *, publish=True, **fields):
    fields.setdefault("slug", f"{model._meta.model_name}-{next(_slugs)}")
    fields.setdefault("live", publish)
    page = model(**fields)
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


def image(title="Núi đá Đồng Văn", *, seed=1):
    data = demo.landscape("#f2c46d", "#3f7d3a", seed=seed, size=(600, 315))
    picture = get_image_model()(title=title, description=f"Ảnh: {title}")
    picture.file = ImageFile(io.BytesIO(data), name=f"test-{seed}.jpg")
    picture.save()
    return picture


def stream(*blocks) -> str:
    """Raw StreamField JSON from (type, value) pairs; lists become list-block items."""

    def raw(value):
        if isinstance(value, dict):
            return {key: raw(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [{"type": "item", "value": raw(v), "id": str(uuid.uuid4())} for v in value]
        return value

    return json.dumps(
        [{"type": kind, "value": raw(value), "id": str(uuid.uuid4())} for kind, value in blocks]
    )


def products_block(*products, heading="Đang vào mùa"):
    return (
        "featured_products",
        {"heading": heading, "text": "", "products": [p.pk for p in products]},
    )


def producers_block(*producers, heading="Gặp người làm ra"):
    return ("featured_producers", {"heading": heading, "producers": [p.pk for p in producers]})


def pages_block(*pages, heading="Những vùng đặc sản"):
    return ("region_stories", {"heading": heading, "pages": [p.pk for p in pages]})


def articles_block(count=3, kind="", heading="Tin tức"):
    return ("latest_articles", {"heading": heading, "count": count, "kind": kind})


def hero_block(heading="Đặc sản vùng cao", picture=None, url="/shop/", label="Vào chợ"):
    return (
        "hero",
        {
            "heading": heading,
            "text": "Từ tay người làm ra.",
            "image": (
                {"image": picture.pk, "alt_text": "Ruộng bậc thang", "decorative": False}
                if picture
                else None
            ),
            "link": {"label": label, "page": None, "url": url},
        },
    )


def region_index(parent):
    return add(parent, models.RegionIndexPage, title="Vùng đặc sản", slug="vung-dac-san")


def region(parent, *, title="Cao nguyên đá Đồng Văn", ward=factories.DONG_VAN, body=(), **kw):
    return add(
        parent,
        models.RegionPage,
        title=title,
        province_code=8,
        ward_code=ward,
        body=stream(*body),
        **kw,
    )


def story_index(parent):
    return add(parent, models.StoryIndexPage, title="Câu chuyện", slug="cau-chuyen")


def story(parent, producer, *, title="Những người giữ ong", body=(), **kw):
    return add(
        parent, models.ProducerStoryPage, title=title, producer=producer, body=stream(*body), **kw
    )


def article_index(parent):
    return add(parent, models.ArticleIndexPage, title="Tin tức", slug="tin-tuc")


def article(parent, *, title="Mùa mật ong", kind="news", date="2025-11-10", **kw):
    return add(parent, models.ArticlePage, title=title, kind=kind, date=date, **kw)


def standard(parent, *, title="Giới thiệu", **kw):
    return add(parent, models.StandardPage, title=title, **kw)


def faq(parent, *, title="Hỏi đáp", questions=(), **kw):
    blocks = [("question", {"question": q, "answer": f"<p>{a}</p>"}) for q, a in questions]
    return add(parent, models.FaqPage, title=title, questions=stream(*blocks), **kw)


# English for the home page that `home_page_ensure` starts with.
HOME_EN = {
    "Chợ Phiên": "Chợ Phiên",
    "trang-chu": "home",
    "Đặc sản vùng cao, từ tay người làm ra": "Highland specialties, from the hands that make them",
    (
        "Mật ong bạc hà, chè Shan Tuyết, cam sành, thịt trâu gác bếp… mua trực tiếp từ hộ sản "
        "xuất và hợp tác xã, nguồn gốc minh bạch."
    ): "Mint honey, Shan Tuyết tea, king oranges, smoked buffalo… straight from the makers.",
    "Vào chợ": "Shop the floor",
    "/shop/": "/shop/",
}
