"""Demo content for the floor, in Vietnamese and English, loaded by `shop.demo.demo_load()`.

Every text is written once as a `T(vi, en)` pair. Pages are built in Vietnamese (the source
language) and translated into English through wagtail-localize with the English halves, so the
English pages are ordinary translations that editors can revise in the translation editor.

`content_demo_load()` is idempotent: pages are found by their slug under their parent, images by
their title, accounts by e-mail; what exists is left as editors may have changed it.
"""

import io
import json
import random
import uuid
from dataclasses import dataclass

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
    """Rich text as a list of paragraphs (T), headings ("h2", T) and lists ("ol"/"ul", [T])."""

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


def rich(*parts) -> Rich:
    return Rich(tuple(parts))


# Images drawn locally --------------------------------------------------------------------------

IMAGES = {
    # key: (title, description, sky colour, land colour, seed)
    "home": (
        "Ruộng bậc thang và núi đá",
        "Núi đá xám và ruộng bậc thang vào mùa",
        "#f2c46d",
        "#3f7d3a",
        1,
    ),
    "dong-van": (
        "Cao nguyên đá Đồng Văn",
        "Núi đá tai mèo trên cao nguyên Đồng Văn",
        "#e9d8a6",
        "#5b6b2f",
        2,
    ),
    "hoang-su-phi": ("Đồi chè Hoàng Su Phì", "Đồi chè cổ thụ trong sương", "#cfe3d4", "#2f6b3a", 3),
    "bac-quang": ("Vườn cam Bắc Quang", "Vườn cam sành chín vàng", "#f7d9a8", "#c2661b", 4),
    "mat-ong": ("Đàn ong bạc hà", "Thùng ong giữa hoa bạc hà trắng", "#f5e3b3", "#c98a12", 5),
    "che": ("Cây chè Shan Tuyết cổ thụ", "Cây chè cổ phủ rêu trắng", "#dde9d0", "#3f7d3a", 6),
    "thit": ("Gian bếp người Mông", "Thịt trâu treo trên gác bếp", "#e8c9a8", "#8c3b22", 7),
    "cam": ("Mùa cam Bắc Quang", "Người hái cam trong vườn", "#f9dcb0", "#e0861b", 8),
    "tam-giac-mach": (
        "Hoa tam giác mạch",
        "Cánh đồng hoa tam giác mạch hồng",
        "#f4d7e0",
        "#7a2a55",
        9,
    ),
    "nam": ("Rừng già Yên Minh", "Tán rừng già nơi hái nấm hương", "#d6e4cf", "#5b6b2f", 10),
    "qr": ("Quét mã QR để thanh toán", "Điện thoại quét mã QR ở quầy", "#d9e8f5", "#1f5f3a", 11),
    "origin": ("Tem truy xuất nguồn gốc", "Hũ mật ong có tem mã QR", "#f3e6c4", "#8a4b00", 12),
    "season": ("Mùa hoa bạc hà", "Sườn núi phủ hoa bạc hà", "#efe4f5", "#6b4c8a", 13),
}


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
    title, description, sky, land, seed = IMAGES[key]
    image = WagtailImage.objects.filter(title=title).first()
    if image is None:
        data = landscape(sky, land, seed=seed)
        image = WagtailImage(title=title, description=description)
        image.file = ImageFile(io.BytesIO(data), name=f"{key}.jpg")
        image.save()
    return image


# The content ----------------------------------------------------------------------------------


def hero(heading: T, text: T, image: ImageRef | None, label: T, url: str) -> tuple:
    return (
        "hero",
        {
            "heading": heading,
            "text": text,
            "image": image,
            "link": {"label": label, "page": None, "url": T(url, url)},
        },
    )


def featured_products(heading: T, text: T, *upcs: str) -> tuple:
    return (
        "featured_products",
        {"heading": heading, "text": text, "products": [ProductRef(upc) for upc in upcs]},
    )


def quote(text: T, who: T) -> tuple:
    return ("quote", {"text": text, "attribution": who})


def figure(image: ImageRef, caption: T) -> tuple:
    return ("image", {"image": image, "caption": caption})


HOME = {
    "title": T("Chợ Phiên", "Chợ Phiên"),
    "slug": T("trang-chu", "home"),
    "seo_title": T(
        "Chợ Phiên – đặc sản vùng cao, nguồn gốc minh bạch",
        "Chợ Phiên – highland specialties with a verifiable origin",
    ),
    "search_description": T(
        "Mua mật ong bạc hà, chè Shan Tuyết, cam sành và thịt gác bếp trực tiếp từ hộ sản xuất, "
        "hợp tác xã và doanh nghiệp OCOP của tỉnh.",
        "Buy mint honey, Shan Tuyết tea, king oranges and smoked meats straight from the "
        "province's households, cooperatives and OCOP enterprises.",
    ),
    "intro": T(
        "Sàn đặc sản của tỉnh: mua trực tiếp từ người làm ra, nguồn gốc kiểm chứng được.",
        "The province's specialty floor: buy from the people who make it, with an origin you "
        "can check.",
    ),
    "image": ImageRef(
        "home", T("Ruộng bậc thang dưới núi đá", "Rice terraces under the stone mountains")
    ),
    "body": [
        hero(
            T(
                "Đặc sản vùng cao, từ tay người làm ra",
                "Highland specialties, from the hands that make them",
            ),
            T(
                "Mật ong bạc hà, chè Shan Tuyết, cam sành, thịt trâu gác bếp… mua trực tiếp từ hộ "
                "sản xuất và hợp tác xã, nguồn gốc minh bạch.",
                "Mint honey, Shan Tuyết tea, king oranges, smoked buffalo… bought straight from "
                "households and cooperatives, with a clear origin.",
            ),
            ImageRef(
                "home", T("Ruộng bậc thang dưới núi đá", "Rice terraces under the stone mountains")
            ),
            T("Vào chợ", "Shop the floor"),
            "/shop/",
        ),
        featured_products(
            T("Đang vào mùa", "In season now"),
            T(
                "Những sản phẩm bà con vừa thu hoạch, gửi đi ngay trong tuần.",
                "Freshly harvested by the producers and shipped within the week.",
            ),
            "CP00001",
            "CP00007",
            "CP00013",
            "CP00019",
        ),
        (
            "region_stories",
            {
                "heading": T("Những vùng đặc sản", "Where our specialties come from"),
                "pages": [PageRef("dong-van"), PageRef("hoang-su-phi"), PageRef("bac-quang")],
            },
        ),
        (
            "featured_producers",
            {
                "heading": T("Gặp người làm ra", "Meet the makers"),
                "producers": [
                    ProducerRef("mat-ong"),
                    ProducerRef("che"),
                    ProducerRef("thit"),
                    ProducerRef("cam"),
                ],
            },
        ),
        quote(
            T(
                "Con ong chỉ cho mật khi hoa bạc hà nở trắng núi đá. Mật nào cũng có mùa của nó.",
                "Our bees only make honey when the mint flowers whiten the stone mountains. Every "
                "honey has its season.",
            ),
            T(
                "Thào Mí Sính, HTX Mật ong bạc hà Đồng Văn",
                "Thào Mí Sính, Đồng Văn mint honey cooperative",
            ),
        ),
        (
            "latest_articles",
            {"heading": T("Tin tức và hướng dẫn", "News and guides"), "count": 3, "kind": ""},
        ),
        (
            "rich_text",
            rich(
                ("h2", T("Vì sao mua ở Chợ Phiên?", "Why buy at Chợ Phiên?")),
                (
                    "ul",
                    [
                        T(
                            "Mỗi sản phẩm ghi rõ xã, tỉnh nơi làm ra và người làm ra.",
                            "Every product names the commune and province it comes from, and "
                            "who made it.",
                        ),
                        T(
                            "Quét mã trên tem để xem lô hàng đã được kiểm định và ghi lên sổ cái.",
                            "Scan the label to see that the lot was inspected and recorded on "
                            "the ledger.",
                        ),
                        T(
                            "Thanh toán bằng mã VietQR, VNPay, thẻ hoặc khi nhận hàng.",
                            "Pay with a VietQR code, VNPay, a card or cash on delivery.",
                        ),
                    ],
                ),
            ),
        ),
    ],
}

REGION_INDEX = {
    "title": T("Vùng đặc sản", "Regions"),
    "slug": T("vung-dac-san", "regions"),
    "search_description": T(
        "Những xã vùng cao làm ra đặc sản của tỉnh và câu chuyện của họ.",
        "The highland communes behind the province's specialties, and their stories.",
    ),
    "intro": T(
        "Mỗi đặc sản gắn với một vùng đất: khí hậu, thổ nhưỡng và bàn tay người ở đó.",
        "Every specialty belongs to a place: its climate, its soil and the hands of its people.",
    ),
    "image": ImageRef("dong-van", T("Núi đá Đồng Văn", "The stone mountains of Đồng Văn")),
    "show_in_menus": True,
    "body": [],
}

REGIONS = [
    {
        "title": T("Cao nguyên đá Đồng Văn", "The Đồng Văn stone plateau"),
        "slug": T("dong-van", "dong-van"),
        "ward": "Xã Đồng Văn",
        "search_description": T(
            "Mật ong bạc hà và lê Tai Nung từ cao nguyên đá Đồng Văn.",
            "Mint honey and Tai Nung pears from the Đồng Văn stone plateau.",
        ),
        "intro": T(
            "Giữa những khối đá tai mèo, hoa bạc hà dại nở trắng sườn núi mỗi mùa đông.",
            "Between the jagged limestone, wild mint flowers whiten the slopes every winter.",
        ),
        "image": ImageRef("dong-van", T("Núi đá tai mèo Đồng Văn", "Jagged limestone of Đồng Văn")),
        "body": [
            (
                "rich_text",
                rich(
                    T(
                        "Đồng Văn nằm trên cao nguyên đá ở độ cao hơn 1.000 mét. Đất ít, đá nhiều, "
                        "nên người Mông trồng ngô trong hốc đá và nuôi ong lấy mật hoa bạc hà.",
                        "Đồng Văn sits on a limestone plateau more than 1,000 metres high. Soil "
                        "is scarce and stone is everywhere, so the Hmong grow maize in rock "
                        "hollows and keep bees for mint-flower honey.",
                    ),
                    T(
                        "Mật ong bạc hà có màu vàng sáng, thơm mùi hoa "
                        "và kết tinh mịn khi trời lạnh.",
                        "Mint honey is bright gold, smells of the flowers and sets into fine "
                        "crystals in the cold.",
                    ),
                ),
            ),
            featured_products(
                T("Đặc sản Đồng Văn", "Specialties of Đồng Văn"),
                T(
                    "Chọn lọc từ HTX Mật ong bạc hà Đồng Văn.",
                    "Chosen from the Đồng Văn mint honey cooperative.",
                ),
                "CP00001",
                "CP00002",
                "CP00018",
            ),
            figure(
                ImageRef(
                    "season",
                    T("Sườn núi phủ hoa bạc hà tím", "A slope covered in purple mint flowers"),
                ),
                T(
                    "Hoa bạc hà nở từ tháng 10 đến tháng 12.",
                    "Mint flowers bloom from October to December.",
                ),
            ),
        ],
    },
    {
        "title": T("Hoàng Su Phì, xứ chè Shan Tuyết", "Hoàng Su Phì, home of Shan Tuyết tea"),
        "slug": T("hoang-su-phi", "hoang-su-phi"),
        "ward": "Xã Hoàng Su Phì",
        "search_description": T(
            "Chè Shan Tuyết cổ thụ từ Hoàng Su Phì.",
            "Ancient Shan Tuyết tea from Hoàng Su Phì.",
        ),
        "intro": T(
            "Những cây chè hàng trăm năm tuổi mọc giữa mây, búp phủ lông tơ trắng như tuyết.",
            "Tea trees hundreds of years old grow in the clouds, their buds covered in down as "
            "white as snow.",
        ),
        "image": ImageRef("hoang-su-phi", T("Đồi chè trong sương", "Tea hills in the mist")),
        "body": [
            (
                "rich_text",
                rich(
                    T(
                        "Người Dao và người Tày ở Hoàng Su Phì hái chè bằng tay, sao trong chảo "
                        "gang và vò khi lá còn nóng.",
                        "The Dao and Tày people of Hoàng Su Phì pick the tea by hand, roast it in "
                        "cast-iron pans and roll it while the leaves are still hot.",
                    ),
                ),
            ),
            featured_products(
                T("Chè của Hoàng Su Phì", "Teas of Hoàng Su Phì"),
                T("", ""),
                "CP00007",
                "CP00009",
                "CP00011",
            ),
            quote(
                T(
                    "Chè ngon phải hái lúc sương chưa tan.",
                    "Good tea is picked before the dew lifts.",
                ),
                T(
                    "Lý Seo Chớ, HTX Chè Shan Tuyết Hoàng Su Phì",
                    "Lý Seo Chớ, Hoàng Su Phì Shan Tuyết tea cooperative",
                ),
            ),
        ],
    },
    {
        "title": T("Bắc Quang, vùng cam sành", "Bắc Quang, land of king oranges"),
        "slug": T("bac-quang", "bac-quang"),
        "ward": "Xã Bắc Quang",
        "search_description": T(
            "Cam sành Bắc Quang mang chỉ dẫn địa lý Hà Giang.",
            "Bắc Quang king oranges, with the Hà Giang geographical indication.",
        ),
        "intro": T(
            "Đất đỏ bên sông Lô cho những quả cam vỏ sần, múi mọng và ngọt thanh.",
            "The red soil by the Lô river gives rough-skinned oranges with juicy, gently sweet "
            "segments.",
        ),
        "image": ImageRef("bac-quang", T("Vườn cam chín vàng", "An orchard of ripe oranges")),
        "body": [
            (
                "rich_text",
                rich(
                    T(
                        "Cam sành Bắc Quang chín từ tháng 11 đến tháng 1. Quả được hái khi đủ ngọt "
                        "và gửi đi trong ngày.",
                        "Bắc Quang king oranges ripen from November to January. They are picked "
                        "when sweet enough and shipped the same day.",
                    ),
                ),
            ),
            featured_products(
                T("Trái cây Bắc Quang", "Fruit of Bắc Quang"),
                T("", ""),
                "CP00013",
                "CP00014",
                "CP00015",
                "CP00017",
            ),
        ],
    },
]

STORY_INDEX = {
    "title": T("Câu chuyện nhà sản xuất", "Producers' stories"),
    "slug": T("cau-chuyen", "stories"),
    "search_description": T(
        "Những hộ gia đình, hợp tác xã và doanh nghiệp làm ra đặc sản của tỉnh.",
        "The households, cooperatives and enterprises that make the province's specialties.",
    ),
    "intro": T(
        "Đằng sau mỗi hũ mật, mỗi gói chè là một gia đình, một hợp tác xã với câu chuyện riêng.",
        "Behind every jar of honey and every packet of tea is a family or a cooperative with its "
        "own story.",
    ),
    "image": ImageRef("che", T("Cây chè cổ thụ", "An ancient tea tree")),
    "show_in_menus": True,
    "body": [],
}

STORIES = {
    "mat-ong": {
        "title": T("Những người giữ ong trên đá", "The beekeepers of the stone plateau"),
        "slug": T("htx-mat-ong-bac-ha-dong-van", "dong-van-mint-honey-cooperative"),
        "intro": T(
            "Bốn mươi hộ người Mông ở Đồng Văn cùng nuôi ong và chia nhau từng mùa mật.",
            "Forty Hmong households in Đồng Văn keep bees together and share every honey season.",
        ),
        "image": ImageRef("mat-ong", T("Thùng ong giữa hoa bạc hà", "Beehives among mint flowers")),
        "paragraphs": [
            T(
                "Hợp tác xã thành lập năm 2015. Mỗi hộ có từ 10 đến 30 đàn ong nội, đặt dưới chân "
                "núi đá nơi bạc hà dại mọc nhiều nhất.",
                "The cooperative was founded in 2015. Each household keeps 10 to 30 colonies of "
                "native bees at the foot of the cliffs, where wild mint grows thickest.",
            ),
            T(
                "Mật chỉ được quay khi đã đủ già, không pha đường, không cô đặc bằng máy.",
                "Honey is only extracted once it is mature, with no added sugar and no machine "
                "thickening.",
            ),
        ],
        "quote": (
            T("Ong khỏe thì mật mới thơm.", "Healthy bees make fragrant honey."),
            T("Thào Mí Sính", "Thào Mí Sính"),
        ),
        "certificates": [
            (
                T("OCOP 4 sao", "OCOP 4 stars"),
                T("UBND tỉnh Tuyên Quang", "Tuyên Quang Provincial People's Committee"),
                "OCOP-TQ-2024-017",
            ),
            (
                T(
                    "Chỉ dẫn địa lý Mật ong bạc hà Mèo Vạc",
                    "Mèo Vạc mint honey geographical indication",
                ),
                T("Cục Sở hữu trí tuệ", "Intellectual Property Office of Việt Nam"),
                "00089",
            ),
        ],
    },
    "che": {
        "title": T("Chè cổ thụ giữa mây", "Ancient tea in the clouds"),
        "slug": T("htx-che-shan-tuyet-hoang-su-phi", "hoang-su-phi-shan-tuyet-tea-cooperative"),
        "intro": T(
            "Hợp tác xã chăm sóc hơn 3.000 cây chè Shan Tuyết cổ thụ trên sườn núi Tây Côn Lĩnh.",
            "The cooperative looks after more than 3,000 ancient Shan Tuyết tea trees on the "
            "slopes of Tây Côn Lĩnh.",
        ),
        "image": ImageRef("che", T("Cây chè cổ phủ rêu", "A moss-covered ancient tea tree")),
        "paragraphs": [
            T(
                "Chè được hái một tôm hai lá vào sáng sớm, làm héo trên nong tre rồi sao tay.",
                "The tea is picked as a bud and two leaves in the early morning, withered on "
                "bamboo trays and roasted by hand.",
            ),
        ],
        "quote": (
            T("Cây chè già hơn cả làng.", "The tea trees are older than the village."),
            T("Lý Seo Chớ", "Lý Seo Chớ"),
        ),
        "certificates": [
            (
                T("OCOP 5 sao", "OCOP 5 stars"),
                T("Bộ Nông nghiệp và Môi trường", "Ministry of Agriculture and Environment"),
                "OCOP-QG-2024-005",
            ),
            (T("Chứng nhận hữu cơ TCVN 11041", "Organic certification TCVN 11041"), T("", ""), ""),
        ],
    },
    "thit": {
        "title": T("Lửa bếp nhà Sùng Mí Chá", "The kitchen fire of the Sùng Mí Chá family"),
        "slug": T("ho-sung-mi-cha", "sung-mi-cha-family"),
        "intro": T(
            "Thịt trâu, thịt lợn được ướp mắc khén và hun trên gác bếp củi nghiến hàng tháng trời.",
            "Buffalo and pork are rubbed with mắc khén pepper and smoked over ironwood fires for "
            "months.",
        ),
        "image": ImageRef("thit", T("Gác bếp người Mông", "A Hmong smoking loft")),
        "paragraphs": [
            T(
                "Gia đình làm thịt gác bếp theo cách của ông bà: không chất bảo quản, chỉ muối, "
                "gừng, ớt và khói.",
                "The family smokes meat the way their grandparents did: no preservatives, only "
                "salt, ginger, chilli and smoke.",
            ),
        ],
        "quote": (
            T("Khói bếp giữ thịt qua cả mùa đông.", "Kitchen smoke keeps the meat all winter."),
            T("Sùng Mí Chá", "Sùng Mí Chá"),
        ),
        "certificates": [
            (
                T(
                    "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
                    "Food safety certificate for the premises",
                ),
                T("Sở Y tế Tuyên Quang", "Tuyên Quang Department of Health"),
                "ATTP-2025-0412",
            ),
        ],
    },
    "cam": {
        "title": T("Mùa cam bên sông Lô", "Orange season by the Lô river"),
        "slug": T("htx-cam-sanh-bac-quang", "bac-quang-king-orange-cooperative"),
        "intro": T(
            "Hai mươi lăm nhà vườn Bắc Quang cùng giữ giống cam sành và bán chung một thương hiệu.",
            "Twenty-five Bắc Quang growers keep the king orange variety alive and sell under one "
            "brand.",
        ),
        "image": ImageRef("cam", T("Người hái cam trong vườn", "Picking oranges in the orchard")),
        "paragraphs": [
            T(
                "Vườn được bón phân chuồng ủ hoai, tưới bằng nước suối "
                "và hái bằng kéo để giữ cuống.",
                "The orchards are fed with composted manure, watered from streams and picked "
                "with shears to keep the stems.",
            ),
        ],
        "quote": (
            T(
                "Cam ngon nhất là quả chín trên cây.",
                "The best orange is the one that ripens on the tree.",
            ),
            T("HTX Cam sành Bắc Quang", "Bắc Quang king orange cooperative"),
        ),
        "certificates": [
            (
                T("VietGAP", "VietGAP"),
                T("Trung tâm Chứng nhận Phù hợp", "Conformity Certification Centre"),
                "VietGAP-TT-25-0198",
            ),
        ],
    },
    "tam-giac-mach": {
        "title": T(
            "Từ hoa tam giác mạch đến bánh và rượu", "From buckwheat flowers to cakes and spirits"
        ),
        "slug": T("cong-ty-nong-san-quan-ba", "quan-ba-farm-produce-company"),
        "intro": T(
            "Doanh nghiệp OCOP ở Quản Bạ thu mua tam giác mạch của bà con và chế biến tại chỗ.",
            "An OCOP enterprise in Quản Bạ buys buckwheat from local farmers and processes it on "
            "the spot.",
        ),
        "image": ImageRef(
            "tam-giac-mach", T("Cánh đồng hoa tam giác mạch", "A field of buckwheat flowers")
        ),
        "paragraphs": [
            T(
                "Hạt tam giác mạch được xay thành bột làm bánh, ủ men lá làm rượu theo công thức "
                "của người Tày.",
                "Buckwheat is milled into flour for cakes and brewed with leaf yeast into spirits "
                "following a Tày recipe.",
            ),
        ],
        "quote": (
            T("Mỗi mùa hoa là một mùa khách.", "Every flower season brings visitors."),
            T("Công ty Nông sản Quản Bạ", "Quản Bạ farm produce company"),
        ),
        "certificates": [],
    },
    "nam": {
        "title": T("Những món quà của rừng già", "Gifts of the old forest"),
        "slug": T("ho-lo-thi-mai", "lo-thi-mai-family"),
        "intro": T(
            "Chị Lò Thị Mai hái nấm hương, măng và thảo quả dưới tán rừng Yên Minh.",
            "Lò Thị Mai gathers shiitake, bamboo shoots and black cardamom under the Yên Minh "
            "forest canopy.",
        ),
        "image": ImageRef("nam", T("Tán rừng già Yên Minh", "The old forest canopy of Yên Minh")),
        "paragraphs": [
            T(
                "Chỉ hái những gì rừng cho: nấm mọc sau mưa xuân, "
                "măng vào đầu hè, thảo quả vào cuối thu.",
                "She only takes what the forest gives: mushrooms after the spring rain, shoots in "
                "early summer, cardamom in late autumn.",
            ),
        ],
        "quote": (
            T("Giữ rừng thì rừng nuôi mình.", "Look after the forest and it looks after you."),
            T("Lò Thị Mai", "Lò Thị Mai"),
        ),
        "certificates": [],
    },
}

ARTICLE_INDEX = {
    "title": T("Tin tức & hướng dẫn", "News & guides"),
    "slug": T("tin-tuc", "news"),
    "search_description": T(
        "Tin mùa vụ và hướng dẫn mua hàng ở Chợ Phiên.",
        "Harvest news and buying guides for Chợ Phiên.",
    ),
    "intro": T(
        "Tin mùa vụ từ các vùng và hướng dẫn để mua hàng an tâm.",
        "Harvest news from the regions and guides to buy with confidence.",
    ),
    "image": None,
    "show_in_menus": True,
    "body": [],
}

ARTICLES = [
    {
        "title": T("Cách thanh toán bằng quét mã QR", "How to pay by scanning a QR code"),
        "slug": T("thanh-toan-bang-ma-qr", "pay-by-scanning-a-qr-code"),
        "kind": "guide",
        "date": "2025-11-03",
        "search_description": T(
            "Thanh toán đơn hàng bằng mã VietQR với ứng dụng ngân hàng, từng bước.",
            "Pay for an order with a VietQR code and your banking app, step by step.",
        ),
        "intro": T(
            "Mở ứng dụng ngân hàng, quét mã, kiểm tra số tiền: đơn hàng được xác nhận ngay khi "
            "ngân hàng báo tiền đến.",
            "Open your banking app, scan the code, check the amount: your order is confirmed as "
            "soon as the bank reports the transfer.",
        ),
        "image": ImageRef("qr", T("Điện thoại quét mã QR", "A phone scanning a QR code")),
        "body": [
            (
                "rich_text",
                rich(
                    ("h2", T("Các bước", "Step by step")),
                    (
                        "ol",
                        [
                            T(
                                "Ở bước thanh toán, chọn “Chuyển khoản ngân hàng (VietQR)”.",
                                "At checkout, choose “Bank transfer (VietQR)”.",
                            ),
                            T(
                                "Mở ứng dụng ngân hàng trên điện thoại và chọn quét mã QR.",
                                "Open your bank's app on your phone and choose to scan a QR code.",
                            ),
                            T(
                                "Quét mã hiện trên màn hình. Số tiền và nội dung chuyển khoản được "
                                "điền sẵn.",
                                "Scan the code on the screen. The amount and the transfer "
                                "reference are filled in for you.",
                            ),
                            T(
                                "Kiểm tra tên người nhận và số tiền rồi xác nhận. "
                                "Không sửa nội dung "
                                "chuyển khoản.",
                                "Check the recipient's name and the amount, then confirm. Do not "
                                "change the transfer reference.",
                            ),
                            T(
                                "Trang đơn hàng tự chuyển sang “Đã thanh toán” khi ngân hàng báo "
                                "tiền đến, thường trong vài giây.",
                                "The order page turns to “Paid” when the bank reports the "
                                "transfer, usually within seconds.",
                            ),
                        ],
                    ),
                    ("h2", T("Nếu có trục trặc", "If something goes wrong")),
                    T(
                        "Nếu đã chuyển tiền mà sau 15 phút đơn hàng vẫn chờ thanh toán, hãy gửi "
                        "ảnh biên lai cho chúng tôi qua trang liên hệ.",
                        "If you have paid and the order is still waiting after 15 minutes, send "
                        "us a picture of the receipt through the contact page.",
                    ),
                ),
            ),
        ],
    },
    {
        "title": T("Cách xác minh nguồn gốc sản phẩm", "How to verify a product's origin"),
        "slug": T("xac-minh-nguon-goc", "verify-a-products-origin"),
        "kind": "guide",
        "date": "2025-10-20",
        "search_description": T(
            "Quét tem QR trên sản phẩm để biết lô hàng được làm ở đâu, khi nào và ai đã kiểm định.",
            "Scan the QR label on a product to learn where and when its lot was made and who "
            "inspected it.",
        ),
        "intro": T(
            "Mỗi lô hàng có một tem mã QR. Quét tem là biết ngay sản phẩm đến từ đâu và có bị sửa "
            "đổi hay không.",
            "Every lot carries a QR label. Scan it to see where the product comes from and "
            "whether anything was altered.",
        ),
        "image": ImageRef("origin", T("Hũ mật ong có tem mã QR", "A honey jar with a QR label")),
        "body": [
            (
                "rich_text",
                rich(
                    (
                        "ol",
                        [
                            T(
                                "Mở camera điện thoại và quét mã QR trên tem của sản phẩm.",
                                "Open your phone's camera and scan the QR code on the product's "
                                "label.",
                            ),
                            T(
                                "Trang lô hàng hiện tên sản phẩm, người làm ra, "
                                "xã nơi thu hoạch và "
                                "các lần kiểm định.",
                                "The lot page shows the product, its maker, the commune where it "
                                "was harvested and every inspection.",
                            ),
                            T(
                                "Dòng trạng thái “Đã xác minh trên sổ cái” nghĩa là dữ liệu trùng "
                                "khớp với bản ghi không thể sửa trên chuỗi khối.",
                                "The status “Verified on the ledger” means the data matches the "
                                "record that cannot be changed on the blockchain.",
                            ),
                        ],
                    ),
                    T(
                        "Nếu trang báo “BỊ SỬA ĐỔI”, dữ liệu đã bị sửa sau khi ghi: đừng mua sản "
                        "phẩm đó và hãy báo cho chúng tôi.",
                        "If the page says “TAMPERED”, the data was changed after it was recorded: "
                        "do not buy the product and tell us.",
                    ),
                    T(
                        "Trên trang sản phẩm, bạn cũng thấy số sao OCOP và chỉ dẫn địa lý nếu có.",
                        "On the product page you also see its OCOP stars and any geographical "
                        "indication.",
                    ),
                ),
            ),
        ],
    },
    {
        "title": T("Mùa mật ong bạc hà đã bắt đầu", "The mint honey season has begun"),
        "slug": T("mua-mat-ong-bac-ha", "mint-honey-season"),
        "kind": "news",
        "date": "2025-11-10",
        "search_description": T(
            "Hoa bạc hà nở sớm, các hộ nuôi ong Đồng Văn bắt đầu quay mật vụ đông.",
            "The mint flowers bloomed early and Đồng Văn's beekeepers have started the winter "
            "harvest.",
        ),
        "intro": T(
            "Năm nay hoa bạc hà nở sớm hai tuần. Những hũ mật đầu mùa đã lên sàn.",
            "This year the mint flowers opened two weeks early. The first jars of the season are "
            "on the floor.",
        ),
        "image": ImageRef(
            "season", T("Sườn núi phủ hoa bạc hà", "A slope covered in mint flowers")
        ),
        "body": [
            (
                "rich_text",
                rich(
                    T(
                        "Các hộ của HTX Mật ong bạc hà Đồng Văn đã quay mẻ mật đầu tiên. "
                        "Mật đầu mùa "
                        "loãng hơn, thơm hơn và kết tinh chậm.",
                        "The households of the Đồng Văn mint honey cooperative have extracted the "
                        "first batch. Early honey is thinner, more fragrant and crystallises "
                        "slowly.",
                    ),
                ),
            ),
            featured_products(
                T("Mật ong vụ đông", "Winter honey"),
                T("", ""),
                "CP00001",
                "CP00002",
                "CP00004",
            ),
        ],
    },
]

ABOUT = {
    "title": T("Giới thiệu Chợ Phiên", "About Chợ Phiên"),
    "slug": T("gioi-thieu", "about"),
    "search_description": T(
        "Chợ Phiên là sàn thương mại điện tử đặc sản của tỉnh.",
        "Chợ Phiên is the province's online specialty marketplace.",
    ),
    "intro": T(
        "Như phiên chợ vùng cao, nơi người làm ra gặp người mua, nhưng mở cửa mọi ngày.",
        "Like a highland market day, where makers meet buyers, but open every day.",
    ),
    "image": ImageRef(
        "home", T("Ruộng bậc thang dưới núi đá", "Rice terraces under the stone mountains")
    ),
    "show_in_menus": False,
    "body": [
        (
            "rich_text",
            rich(
                T(
                    "Chợ Phiên giúp hộ sản xuất, hợp tác xã và doanh nghiệp OCOP bán đặc sản trực "
                    "tiếp cho người mua trên cả nước.",
                    "Chợ Phiên helps households, cooperatives and OCOP enterprises sell their "
                    "specialties straight to buyers across the country.",
                ),
                T(
                    "Mỗi sản phẩm ghi rõ nguồn gốc; mỗi lô hàng có tem truy xuất mà ai cũng kiểm "
                    "tra được.",
                    "Every product states its origin; every lot carries a traceability label "
                    "anyone can check.",
                ),
            ),
        ),
    ],
}

FAQ = {
    "title": T("Câu hỏi thường gặp", "Frequently asked questions"),
    "slug": T("hoi-dap", "faq"),
    "search_description": T(
        "Giải đáp về giao hàng, thanh toán, nguồn gốc và đổi trả.",
        "Answers about delivery, payment, origin and returns.",
    ),
    "intro": T("Những điều người mua hay hỏi.", "What buyers often ask."),
    "image": None,
    "show_in_menus": False,
    "body": [],
    "questions": [
        (
            T("Bao lâu thì tôi nhận được hàng?", "How long does delivery take?"),
            T(
                "Mỗi nhà sản xuất tự gửi hàng của mình, thường từ 2 đến 5 ngày tùy nơi nhận.",
                "Each producer ships their own goods, usually within 2 to 5 days depending on "
                "where you are.",
            ),
        ),
        (
            T("Tôi có thể thanh toán bằng cách nào?", "How can I pay?"),
            T(
                "Bằng mã VietQR với ứng dụng ngân hàng, qua VNPay, bằng thẻ, hoặc trả tiền khi "
                "nhận hàng.",
                "With a VietQR code and your banking app, through VNPay, by card, or cash on "
                "delivery.",
            ),
        ),
        (
            T("Làm sao biết sản phẩm đúng nguồn gốc?", "How do I know the origin is genuine?"),
            T(
                "Quét mã QR trên tem: trang lô hàng cho biết nơi làm ra, các lần kiểm định và "
                "bản ghi trên sổ cái.",
                "Scan the QR label: the lot page shows where it was made, its inspections and "
                "its record on the ledger.",
            ),
        ),
        (
            T("Hàng bị hỏng khi nhận thì sao?", "What if my order arrives damaged?"),
            T(
                "Chụp ảnh gói hàng và báo cho chúng tôi trong 48 giờ; nhà sản xuất sẽ gửi lại "
                "hoặc hoàn tiền.",
                "Take a picture of the parcel and tell us within 48 hours; the producer will "
                "send a replacement or refund you.",
            ),
        ),
    ],
}

CONTENT_ACCOUNTS = [
    # (e-mail, first name, last name, Wagtail group)
    ("editor@chophien.test", "Thu", "Đỗ", "Editors"),
    ("moderator@chophien.test", "Minh", "Vũ", "Moderators"),
]


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
            elif part[0] in ("ol", "ul"):
                items = "".join(f"<li>{self.text(item)}</li>" for item in part[1])
                html.append(f"<{part[0]}>{items}</{part[0]}>")
            else:
                html.append(f"<{part[0]}>{self.text(part[1])}</{part[0]}>")
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

    def stream(self, blocks: list) -> str:
        return json.dumps(
            [
                {"type": block_type, "value": self.raw(value), "id": str(uuid.uuid4())}
                for block_type, value in blocks
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


def _translation_ensure(page: Page, locale: Locale, strings: dict[str, str]) -> None:
    translated = page.get_translations().filter(locale=locale).first()
    if translated is not None and translated.alias_of_id is None:
        return
    services.page_translation_save(page=page, locale=locale, strings=strings)


def _accounts_ensure() -> None:
    from shop.demo import DEMO_PASSWORD

    User = get_user_model()
    services.editorial_workflow_ensure()
    for email, first_name, last_name, group_name in CONTENT_ACCOUNTS:
        group = Group.objects.get(name=group_name)
        user = User.objects.filter(email=email).first() or User(
            username=email.split("@")[0], email=email
        )
        user.first_name, user.last_name = first_name, last_name
        if not user.has_usable_password() or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(group)


@transaction.atomic
def content_demo_load() -> dict[str, int]:
    """Home, regions, producers' stories, articles, about and FAQ, in Vietnamese and English."""
    locales = services.locales_ensure()
    english = locales["en"]
    home = services.home_page_ensure()
    vi = Resolver("vi")

    # The home page chooses region pages, so its body is written once they exist.
    regions_index = _page_ensure(vi, home, models.RegionIndexPage, REGION_INDEX)
    regions = []
    for spec in REGIONS:
        ward = _ward_code(spec["ward"])
        page = _page_ensure(
            vi, regions_index, models.RegionPage, spec, province_code=PROVINCE, ward_code=ward
        )
        vi.pages[spec["slug"].vi] = page
        regions.append(page)

    stories_index = _page_ensure(vi, home, models.StoryIndexPage, STORY_INDEX)
    stories = []
    producers = {p.code: p for p in Partner.objects.filter(code__in=STORIES)}
    for code, spec in STORIES.items():
        if code not in producers:
            continue
        text, who = spec["quote"]
        story = {
            **spec,
            "search_description": spec["intro"],
            "body": [
                ("rich_text", rich(*spec["paragraphs"])),
                quote(text, who),
            ],
        }
        certificates = vi.stream(
            [
                (
                    "certificate",
                    {
                        "name": name,
                        "issuer": issuer,
                        "number": T(number, number),
                        "valid_until": "2027-12-31",
                        "document": None,
                    },
                )
                for name, issuer, number in spec["certificates"]
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

    articles_index = _page_ensure(vi, home, models.ArticleIndexPage, ARTICLE_INDEX)
    articles = [
        _page_ensure(
            vi, articles_index, models.ArticlePage, spec, kind=spec["kind"], date=spec["date"]
        )
        for spec in ARTICLES
    ]
    about = _page_ensure(vi, home, models.StandardPage, ABOUT)
    faq_questions = vi.stream(
        [
            ("question", {"question": question, "answer": rich(answer)})
            for question, answer in FAQ["questions"]
        ]
    )
    faq = _page_ensure(vi, home, models.FaqPage, FAQ, questions=faq_questions)

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
    pages += [about, faq]
    for page in pages:
        _translation_ensure(page, english, strings)

    _accounts_ensure()
    return {"pages": len(pages), "locales": len(locales)}


def _home_built(home) -> bool:
    """Whether the home page already has more than the hero it starts with."""
    return any(block.block_type != "hero" for block in home.body)


def _ward_code(name: str) -> int:
    from shop import geo

    return int(geo.find_ward(province_code=PROVINCE, name=name).code)
