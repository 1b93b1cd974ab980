"""Settings shared by every environment.

Everything that differs between a laptop and production comes from environment variables; the
embedded defaults (SQLite, no Redis, local files) need none of them.
"""

import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

# Settings by concern, in their own modules: Oscar's (its defaults, and ours over them), the
# security ones (CSP, login throttling, second factor) and the limits (uploads, rates, bodies).
from shop.settings.carriers import *  # noqa: F403
from shop.settings.limits import *  # noqa: F403
from shop.settings.oscar import *  # noqa: F403
from shop.settings.security import *  # noqa: F403
from shop.settings.trust import *  # noqa: F403
from shop.settings.zns import *  # noqa: F403

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CHO_PHIEN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_ID = 1

INSTALLED_APPS = [
    "modeltranslation",  # before admin: translated catalogue fields (shop/*/translation.py)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.forms",  # Django's widget templates, for FORM_RENDERER below
    # Oscar, with the apps we fork replaced by ours.
    "shop.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "shop.address.apps.AddressConfig",
    "shop.shipping.apps.ShippingConfig",
    "shop.catalogue.apps.CatalogueConfig",
    "shop.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "shop.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "shop.order.apps.OrderConfig",
    "shop.customer.apps.CustomerConfig",
    "shop.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "shop.dashboard.apps.DashboardConfig",
    "shop.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "shop.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "shop.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "shop.dashboard.reviews.apps.ReviewsDashboardConfig",
    "shop.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "django_tables2",
    "sorl.thumbnail",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    # Sign-in security: login throttling and operators' second factor.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Ours
    "shop.apps.SiteConfig",
    "shop.accounts",
    "shop.producers",
    "shop.fulfilment",
    "shop.onboarding",
    "shop.settlements",
    "shop.outbox",
    "shop.carriers",  # no models: the carrier_units command
    "shop.zns",
    "shop.complaints",
    "shop.satisfaction",
    "shop.figures",  # the public figures by commune and the Ministry's statistics
    "shop.province",  # the province dashboard and its summary tables
    "cms",
    "payments",
    "traceability",
    "csp",
]

MIDDLEWARE = [
    "shop.limits.BodySizeLimitMiddleware",  # before anything reads a body
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shop.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shop.limits.RateLimitMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "shop.accounts.middleware.OperatorGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shop.basket.middleware.BasketMiddleware",  # Oscar's, reading offers in fewer queries
    # After the basket's: a shared page gets its visitor's basket (shop/personal.py).
    "shop.personal.middleware.PageCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into shop/accounts/lockout.py's page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "shop.pagecache.csrf",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.core.context_processors.metadata",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so templates/ can override one (Oscar's image input).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite on a laptop, PostgreSQL (DATABASE_URL) anywhere that matters.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a health check that costs no round trip (shop/db/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "shop.db.postgresql"
if DATABASES["default"]["ENGINE"] == "shop.db.postgresql" and os.environ.get(
    "DB_PREPARE_THRESHOLD", "5"
):
    # PostgreSQL binds the parameters itself, and a statement a connection has run this many
    # times is prepared: planned once, not at every run (a paying IPN's statements are the
    # same each time). DB_PREPARE_THRESHOLD="" turns both off, for a connection pooler that
    # cannot carry prepared statements (PgBouncer before 1.21 in transaction mode).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=int(os.environ.get("DB_PREPARE_THRESHOLD", "5")),
    )
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# Cache and broker: Redis when REDIS_URL is set, in-process otherwise. The cache fails soft
# (shop/cache.py): with Redis down, pages render uncached and sessions come from the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "shop.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "chophien"),
            "TIMEOUT": 600,
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("CACHE_CONNECT_TIMEOUT", "0.25")),
                "socket_timeout": float(os.environ.get("CACHE_SOCKET_TIMEOUT", "0.5")),
                "BREAKER_SECONDS": float(os.environ.get("CACHE_BREAKER_SECONDS", "5")),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "cho-phien",
            "TIMEOUT": 600,
        }
    }
SESSION_ENGINE = "shop.sessions"  # cached_db, an update without BEGIN and COMMIT

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    "clear-expired-sessions": {"task": "shop.clear_expired_sessions", "schedule": 24 * 60 * 60},
    # Wagtail's scheduled publishing (go-live and expiry dates) runs every minute.
    "publish-scheduled-content": {"task": "cms.publish_scheduled", "schedule": 60},
}

# The outbox (shop/outbox): side effects of committed changes wait in the database until a
# worker has carried them out. Handed to the broker on commit; what is still undone after the
# grace (broker down, worker lost) is handed over again by the drain, every OUTBOX_DRAIN_SECONDS
# (without a broker: `manage.py outbox_drain` from cron). A claimed row is another worker's for
# OUTBOX_LEASE_SECONDS, longer than any task takes; failures retry with exponential backoff.
# The drain also forgets rows done more than OUTBOX_KEEP_DAYS ago.
OUTBOX_DISPATCH_GRACE_SECONDS = int(os.environ.get("OUTBOX_DISPATCH_GRACE_SECONDS", "300"))
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "900"))
OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "30"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "12"))
OUTBOX_DRAIN_SECONDS = int(os.environ.get("OUTBOX_DRAIN_SECONDS", "60"))
OUTBOX_KEEP_DAYS = int(os.environ.get("OUTBOX_KEEP_DAYS", "30"))  # done rows, then forgotten
CELERY_BEAT_SCHEDULE["outbox-drain"] = {"task": "outbox.drain", "schedule": OUTBOX_DRAIN_SECONDS}

AUTHENTICATION_BACKENDS = (
    # First: refuses a locked-out account at its address before any password is checked.
    "shop.accounts.backends.LoginThrottleBackend",
    # Oscar's (an e-mail address) and Django's (a username), with the account read from the
    # cache on each request.
    "shop.accounts.backends.EmailBackend",
    "shop.accounts.backends.ModelBackend",
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "customer:login"
LOGIN_REDIRECT_URL = "signed-in"  # shop.views.signed_in: to one's work (shop.roles.start_page)

# Language, time and money.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_oscar"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Dates: 06/12/2026 in Vietnamese, 6 Dec 2026 in English, 24-hour times (shop/formats/).
FORMAT_MODULE_PATH = ["shop.formats"]
LANGUAGE_COOKIE_NAME = "cho_phien_language"
# Catalogue text in both languages (django-modeltranslation): `title_vi`, `title_en`…; a field
# read in English falls back to Vietnamese when nobody has written the English yet.
MODELTRANSLATION_DEFAULT_LANGUAGE = "vi"
MODELTRANSLATION_LANGUAGES = ("vi", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("vi",)}
MODELTRANSLATION_AUTO_POPULATE = False

# Files.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "shop.staticfiles.NpmAssetsFinder",
]
# Runtime npm packages the pages use (package.json "dependencies", installed by the build step
# `npm ci --omit=dev`): (URL prefix under STATIC_URL, directory). collectstatic refuses to run
# without them (shop/staticfiles.py).
NPM_STATIC_ASSETS = [
    ("vendor/jsqr", BASE_DIR / "node_modules" / "jsqr" / "dist"),  # the label scanner
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),  # satisfaction charts
    # The buyer's own verification of a lot: ethers, @openzeppelin/merkle-tree and canonicalize,
    # bundled by traceability/browser/build.mjs (package.json "postinstall", run by `npm ci`).
    ("vendor/verifier", BASE_DIR / "node_modules" / ".chophien" / "verifier"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Private files (applicants' documents, lot-event attachments, lab reports): never under
# MEDIA_ROOT, never given a URL, downloaded only through views (shop/uploads).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "shop.uploads.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Several web and worker nodes share files through an S3-compatible store when it is configured.
_S3 = {
    key: value
    for key, value in {
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL", ""),
        "region_name": os.environ.get("S3_REGION", ""),
        "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
        "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
    }.items()
    if value
}
if os.environ.get("S3_MEDIA_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3,
            "bucket_name": os.environ["S3_MEDIA_BUCKET"],
            "custom_domain": os.environ.get("S3_MEDIA_DOMAIN") or None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
if os.environ.get("S3_PRIVATE_BUCKET"):
    STORAGES["private"] = {
        "BACKEND": "shop.uploads.s3.PrivateS3Storage",
        "OPTIONS": {**_S3, "bucket_name": os.environ["S3_PRIVATE_BUCKET"], "file_overwrite": False},
    }
# An applicant's status link works this long; a fresh one is e-mailed on request.
ONBOARDING_STATUS_LINK_MAX_AGE = int(
    os.environ.get("ONBOARDING_STATUS_LINK_MAX_AGE", 30 * 24 * 60 * 60)
)

# E-mail.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Chợ Phiên <no-reply@chophien.vn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL

# Wagtail.
WAGTAIL_SITE_NAME = "Chợ Phiên"
# Every absolute link (e-mails, labels, gateways' return addresses) starts with SITE_URL
# (shop/links.py); on a laptop it follows the port the run command serves on (PORT).
SITE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT') or 8000}").rstrip(
    "/"
)
WAGTAILADMIN_BASE_URL = SITE_URL
OSCAR_URL_SCHEMA = SITE_URL.split("://", 1)[0]
# Content in Vietnamese and English: one page tree per locale, translated with wagtail-localize.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_ALLOW_UNICODE_SLUGS = False  # ASCII page addresses, like the shop's (shop.text.slugify)
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# No avatars from gravatar.com: the admin loads nothing from another origin, nor tells it who works.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Traceability (see traceability/): the chain, the anchoring account, batches, GS1 numbering.
CHAIN_RPC_URL = os.environ.get("CHAIN_RPC_URL", "")
CHAIN_RPC_TIMEOUT = float(os.environ.get("CHAIN_RPC_TIMEOUT", "10"))
CHAIN_POA = env_bool("CHAIN_POA")
CHAIN_REGISTRY_ADDRESS = os.environ.get("CHAIN_REGISTRY_ADDRESS", "")  # else the last deployed
CHAIN_ANCHOR_KEY = os.environ.get("CHAIN_ANCHOR_KEY", "")  # hex private key, or a keystore:
CHAIN_ANCHOR_KEYSTORE = os.environ.get("CHAIN_ANCHOR_KEYSTORE", "")
CHAIN_ANCHOR_KEYSTORE_PASSWORD = os.environ.get("CHAIN_ANCHOR_KEYSTORE_PASSWORD", "")
CHAIN_ANCHOR_KEYSTORE_PASSWORD_FILE = os.environ.get("CHAIN_ANCHOR_KEYSTORE_PASSWORD_FILE", "")
CHAIN_CONFIRMATIONS = int(os.environ.get("CHAIN_CONFIRMATIONS", "1"))
CHAIN_LOOKUP_CACHE_SECONDS = int(os.environ.get("CHAIN_LOOKUP_CACHE_SECONDS", "86400"))
# Events are written in this schema (traceability/PROOF_FORMAT.md); 1 only for old lots' tests.
TRACE_EVENT_SCHEMA = int(os.environ.get("TRACE_EVENT_SCHEMA", "2"))
# The JSON-RPC node the buyer's browser asks when it verifies a lot itself ("Tự kiểm chứng"):
# a public node of the registry's chain, reachable from phones (CORS), never our own server.
CHAIN_PUBLIC_RPC_URL = os.environ.get("CHAIN_PUBLIC_RPC_URL", "")
TRACE_BATCH_INTERVAL = int(os.environ.get("TRACE_BATCH_INTERVAL", "60"))
TRACE_BATCH_MIN = int(os.environ.get("TRACE_BATCH_MIN", "1"))
TRACE_BATCH_MAX_WAIT = int(os.environ.get("TRACE_BATCH_MAX_WAIT", "3600"))
TRACE_BATCH_MAX = int(os.environ.get("TRACE_BATCH_MAX", "100000"))
TRACE_POLL_SECONDS = float(os.environ.get("TRACE_POLL_SECONDS", "5"))
TRACE_RETRY_BACKOFF_MAX = int(os.environ.get("TRACE_RETRY_BACKOFF_MAX", "600"))
TRACE_KEYSTORE_SCRYPT_N = int(os.environ.get("TRACE_KEYSTORE_SCRYPT_N", str(2**18)))
# A lab report attached to an inspection that was not signed (wrong passphrase) is kept this
# long for the inspector's next try, then forgotten (beat: "traceability-held-reports").
TRACE_HELD_REPORT_SECONDS = int(os.environ.get("TRACE_HELD_REPORT_SECONDS", "3600"))
TRACE_LABELS_MAX = int(os.environ.get("TRACE_LABELS_MAX", "210"))  # ten A4 sheets per PDF
# The lot page warns that a label may be copied once this many distinct scanners (each once a
# day) have scanned it: so many per package of the lot, and never fewer than the minimum.
TRACE_SCANS_PER_PACKAGE = int(os.environ.get("TRACE_SCANS_PER_PACKAGE", "3"))
TRACE_SCANS_WARNING_MIN = int(os.environ.get("TRACE_SCANS_WARNING_MIN", "20"))
TRACE_LABEL_FONT_DIRS = env_list(
    "TRACE_LABEL_FONT_DIRS", "/usr/share/fonts/truetype/dejavu,/usr/share/fonts/dejavu"
)
# 200-299 are GS1's restricted-circulation prefixes: never a real product; production sets its own.
GS1_COMPANY_PREFIX = os.environ.get("GS1_COMPANY_PREFIX", "2000000")
CELERY_TASK_ROUTES = {"traceability.*": {"queue": "chain"}}
CELERY_BEAT_SCHEDULE["traceability-anchor"] = {
    "task": "traceability.anchor_pending",
    "schedule": TRACE_BATCH_INTERVAL,
}
CELERY_BEAT_SCHEDULE["traceability-held-reports"] = {
    "task": "traceability.held_reports_expire",
    "schedule": 15 * 60,
}
# Certificates expire at midnight (their windows are whole days): stars follow them daily.
CELERY_BEAT_SCHEDULE["traceability-certificates"] = {
    "task": "traceability.certificates_sync",
    "schedule": crontab(hour=0, minute=5),
}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A broker host that does not answer fails a request's hand-over in seconds, not minutes:
    # what was to be handed over waits in the outbox (shop/outbox).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": float(os.environ.get("CELERY_BROKER_CONNECT_TIMEOUT", "2"))
    }
if CELERY_BROKER_URL.startswith("filesystem://"):  # ./dev run: a broker in files, no Redis
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "control"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Payments (see payments/README.md). Adapters are chosen here, in the style of CACHES: each
# method's BACKEND, OPTIONS and LABEL; the simulators (settings/simulators.py) speak each
# gateway's protocol locally and exist only in development and tests.
PAYMENT_SIMULATORS = False
PAYMENT_METHODS = env_list("PAYMENT_METHODS", "vnpay,momo,vietqr,card,cod")
PAYMENT_EXPIRY_SECONDS = {
    "vnpay": int(os.environ.get("PAYMENT_EXPIRY_VNPAY", 15 * 60)),
    "momo": int(os.environ.get("PAYMENT_EXPIRY_MOMO", 15 * 60)),
    "vietqr": int(os.environ.get("PAYMENT_EXPIRY_VIETQR", 24 * 60 * 60)),
    "card": int(os.environ.get("PAYMENT_EXPIRY_CARD", 60 * 60)),
}
# A payment page link (in e-mails, on the thank-you page) works this long; then its holder
# asks for a new one, e-mailed to the order's address. Signed-in buyers get one on their order.
PAYMENT_LINK_MAX_AGE = int(os.environ.get("PAYMENT_LINK_MAX_AGE", 7 * 24 * 60 * 60))
PAYMENT_COD_MAX_TOTAL = int(os.environ.get("PAYMENT_COD_MAX_TOTAL", "2000000"))
PAYMENT_GATEWAYS: dict = {}
if os.environ.get("VNPAY_TMN_CODE"):
    PAYMENT_GATEWAYS["vnpay"] = {
        "BACKEND": "payments.gateways.vnpay.VNPayGateway",
        "LABEL": _("VNPay"),
        "OPTIONS": {
            "tmn_code": os.environ["VNPAY_TMN_CODE"],
            "hash_secret": os.environ.get("VNPAY_HASH_SECRET", ""),
            "pay_url": os.environ.get(
                "VNPAY_PAY_URL", "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
            ),
            "api_url": os.environ.get(
                "VNPAY_API_URL", "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
            ),
        },
    }
if os.environ.get("MOMO_PARTNER_CODE"):
    PAYMENT_GATEWAYS["momo"] = {
        "BACKEND": "payments.gateways.momo.MoMoGateway",
        "LABEL": _("MoMo wallet"),
        "OPTIONS": {
            "partner_code": os.environ["MOMO_PARTNER_CODE"],
            "access_key": os.environ.get("MOMO_ACCESS_KEY", ""),
            "secret_key": os.environ.get("MOMO_SECRET_KEY", ""),
            "endpoint": os.environ.get("MOMO_ENDPOINT", "https://test-payment.momo.vn"),
        },
    }
if os.environ.get("VIETQR_ACCOUNT_NUMBER"):
    PAYMENT_GATEWAYS["vietqr"] = {
        "BACKEND": "payments.gateways.bank_transfer.BankTransferGateway",
        "LABEL": _("Bank transfer (VietQR)"),
        "OPTIONS": {
            "bank_bin": os.environ.get("VIETQR_BANK_BIN", ""),
            "account_number": os.environ["VIETQR_ACCOUNT_NUMBER"],
            "account_name": os.environ.get("VIETQR_ACCOUNT_NAME", ""),
            "webhook_secret": os.environ.get("BANK_WEBHOOK_SECRET", ""),
        },
    }
if os.environ.get("STRIPE_SECRET_KEY"):
    PAYMENT_GATEWAYS["card"] = {
        "BACKEND": "payments.gateways.stripe_checkout.StripeCheckoutGateway",
        "LABEL": _("International card"),
        "OPTIONS": {
            "api_key": os.environ["STRIPE_SECRET_KEY"],
            "webhook_secret": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        },
    }
CELERY_BEAT_SCHEDULE["payments-expire"] = {"task": "payments.expire_attempts", "schedule": 60}
CELERY_BEAT_SCHEDULE["payments-reconcile"] = {
    "task": "payments.reconcile_attempts",
    "schedule": 120,
}

CELERY_BEAT_SCHEDULE["carriers-track"] = {"task": "fulfilment.track_parcels", "schedule": 30 * 60}
CELERY_BEAT_SCHEDULE["deliveries-confirm"] = {
    "task": "fulfilment.confirm_deliveries",
    "schedule": 60 * 60,
}

# Trust (shop/settings/trust.py for the windows and deadlines): review invitations after
# delivery, followers' news, complaints' deadlines and parcels, the monthly satisfaction index.
CELERY_BEAT_SCHEDULE["reviews-invite"] = {"task": "reviews.invite_due", "schedule": 60 * 60}
CELERY_BEAT_SCHEDULE["follows-digest"] = {"task": "partner.follow_digests", "schedule": 60 * 60}
CELERY_BEAT_SCHEDULE["complaints-deadlines"] = {"task": "complaints.deadlines", "schedule": 10 * 60}
CELERY_BEAT_SCHEDULE["complaints-parcels"] = {
    "task": "complaints.track_parcels",
    "schedule": 30 * 60,
}
CELERY_BEAT_SCHEDULE["satisfaction-compute"] = {
    "task": "satisfaction.compute",
    "schedule": 6 * 60 * 60,
}

# Settlements (shop/settlements): what the marketplace keeps on goods, as a fraction (a
# producer's own Partner.commission_rate overrides it). Periods: SETTLEMENT_PERIOD_START_DAYS,
# default (1, 16), twice a month. Statements of a finished period are issued hourly.
MARKETPLACE_COMMISSION_RATE = Decimal(os.environ.get("MARKETPLACE_COMMISSION_RATE", "0.08"))
CELERY_BEAT_SCHEDULE["settlements-close"] = {
    "task": "settlements.close_periods",
    "schedule": 60 * 60,
}

# The province's floor, its legal duties and its dashboard: personal data requests
# (Decree 13/2023/NĐ-CP), the summaries of the province dashboard, the Ministry's registration
# notice, and the tax withheld for household sellers (Decree 117/2025/NĐ-CP):
# shop/settings/floor.py and shop/settings/tax.py.
from shop.settings.floor import *  # noqa: E402, F403
from shop.settings.pages import *  # noqa: E402, F403
from shop.settings.tax import *  # noqa: E402, F403

INSTALLED_APPS += ["shop.privacy"]
CELERY_BEAT_SCHEDULE["privacy-erasures"] = {"task": "privacy.erasures_retry", "schedule": 60 * 60}
# The retention table, daily at 03:20 (shop/privacy/retention.py).
CELERY_BEAT_SCHEDULE["privacy-retention"] = {
    "task": "privacy.retention_apply",
    "schedule": crontab(hour=3, minute=20),
}
CELERY_BEAT_SCHEDULE["province-summaries"] = {
    "task": "province.summaries_refresh",
    "schedule": PROVINCE_REFRESH_MINUTES * 60,  # noqa: F405
}
