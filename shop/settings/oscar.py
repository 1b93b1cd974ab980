"""Oscar: its defaults, and ours over them (shop, currency, order and line pipelines, the
dashboard menu). Imported by ``base.py``.
"""

from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403 (Oscar's documented way to load its defaults)

# Django-free at import: the dashboard menu below needs the callables; the order pipeline.
from shop.order import statuses as order_statuses
from shop.producers import menu as producer_menu

OSCAR_SHOP_NAME = "Chợ Phiên"
OSCAR_SHOP_TAGLINE = _("Highland specialties with an origin you can verify")
OSCAR_HOMEPAGE = "/"
OSCAR_DEFAULT_CURRENCY = "VND"
OSCAR_CURRENCY_FORMAT = {"VND": {"format": "#,##0\xa0¤"}}
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_SLUG_FUNCTION = "shop.text.slugify"
OSCAR_PRODUCTS_PER_PAGE = 20
# A Vietnamese address (shop/address/forms.py): the name in one field, a phone the carrier
# calls, the official province and ward by code, the street. No postcode; the country is Vietnam.
OSCAR_REQUIRED_ADDRESS_FIELDS = (
    "first_name",
    "phone_number",
    "province_code",
    "ward_code",
    "line1",
)
OSCAR_THUMBNAILER = "oscar.core.thumbnails.SorlThumbnail"
OSCAR_MISSING_IMAGE_URL = "image_not_found.jpg"
THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"
THUMBNAIL_PRESERVE_FORMAT = True
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
OSCAR_OFFER_ROUNDING_FUNCTION = "shop.money.round_discount"
OSCAR_HIDDEN_FEATURES: list[
    str
] = []  # reviews and wishlists are on, restricted (shop/settings/trust.py)

# The order's and its lines' statuses and pipelines live with the order fork
# (shop/order/statuses.py).
OSCAR_INITIAL_ORDER_STATUS = order_statuses.INITIAL
OSCAR_ORDER_STATUS_PIPELINE = order_statuses.PIPELINE
OSCAR_INITIAL_LINE_STATUS = order_statuses.LINE_INITIAL
OSCAR_LINE_STATUS_PIPELINE = order_statuses.LINE_PIPELINE
# The dashboard menu: the producer's own shop, Oscar's pages (operators only), then the
# marketplace's and payments' operator pages (each app's dashboard/ package).
OSCAR_DASHBOARD_NAVIGATION = [
    {
        "label": _("My shop"),
        "icon": "fas fa-store",
        "children": [
            {
                "label": _("Overview"),
                "url_name": "producer-dashboard:index",
                "access_fn": producer_menu.producers,
            },
            {
                "label": _("My products"),
                "url_name": "producer-dashboard:product-list",
                "access_fn": producer_menu.producers,
            },
            {
                "label": _("My orders"),
                "url_name": "producer-orders:list",
                "access_fn": producer_menu.producers,
            },
            {
                "label": _("My statements"),
                "url_name": "producer-statements:list",
                "access_fn": producer_menu.producers,
            },
            {
                "label": _("Reviews of my products"),
                "url_name": "producer-reviews:list",
                "access_fn": producer_menu.producers,
            },
            {
                "label": _("Complaints"),
                "url_name": "producer-complaints:list",
                "access_fn": producer_menu.producers,
            },
            {
                "label": _("Satisfaction index"),
                "url_name": "producer-satisfaction:own",
                "access_fn": producer_menu.producers,
            },
            {
                "label": _("Pick-up and carrier"),
                "url_name": "producer-dashboard:pickup",
                "access_fn": producer_menu.producers,
            },
            {
                "label": _("Language and messages"),
                "url_name": "producer-dashboard:messages",
                "access_fn": producer_menu.producers,
            },
            {
                "label": _("Lots and origin labels"),
                "url_name": "traceability:lot-list",
                "access_fn": producer_menu.producers,
            },
        ],
    },
    *producer_menu.for_operators(OSCAR_DASHBOARD_NAVIGATION),  # noqa: F405 (from oscar.defaults)
    {
        "label": _("Marketplace"),
        "icon": "fas fa-handshake",
        "children": [
            {
                "label": _("Province dashboard"),
                "url_name": "province-dashboard:index",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Act for a producer"),
                "url_name": "producer-dashboard:choose",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Producer applications"),
                "url_name": "applications-dashboard:list",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Listings to review"),
                "url_name": "listings-dashboard:list",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Missing English"),
                "url_name": "translations-dashboard:missing",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Settlements"),
                "url_name": "settlements-dashboard:list",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Cash on delivery to check"),
                "url_name": "settlements-dashboard:cod-queue",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Producers' access"),
                "url_name": "producer-access:list",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Complaints to decide"),
                "url_name": "complaints-dashboard:list",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Complaint refunds to pay"),
                "url_name": "complaint-payouts:list",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Waybills to watch"),
                "url_name": "waybills-dashboard:list",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Locked sign-ins"),
                "url_name": "lockouts-dashboard:list",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Carrier callbacks"),
                "url_name": "producer-orders:carrier-callbacks",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Statistics for the Ministry"),
                "url_name": "moit-statistics:index",
                "access_fn": producer_menu.operators,
            },
            # Personal data requests and their deadlines (shop/privacy).
            {
                "label": _("Personal data requests"),
                "url_name": "privacy-dashboard:list",
                "access_fn": producer_menu.operators,
            },
        ],
    },
    {
        "label": _("Payments"),
        "icon": "fas fa-money-bill-wave",
        "children": [
            {
                "label": _("Payment attempts"),
                "url_name": "payments-dashboard:attempt-list",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Transfer queue"),
                "url_name": "payments-dashboard:transfer-list",
                "access_fn": producer_menu.operators,
            },
            {
                "label": _("Gateway calls"),
                "url_name": "payments-dashboard:call-list",
                "access_fn": producer_menu.operators,
            },
        ],
    },
]
