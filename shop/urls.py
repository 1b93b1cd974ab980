from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import sitemaps as cms_sitemaps
from cms import views as cms_views
from shop import views
from shop.accounts import views as accounts_views
from shop.complaints.dashboard import urls as complaints_dashboard
from shop.producers.dashboard import urls as producers_dashboard
from shop.roles import staff_only_dashboard
from shop.settlements.dashboard import urls as settlements_dashboard
from shop.zns import registry as zns_registry
from traceability import epcis_api

oscar_dashboard, dashboard_app, dashboard_namespace = apps.get_app_config("dashboard").urls

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("epcis/events", epcis_api.events, name="epcis-events"),  # EPCIS 2.0, any language
    path("i18n/setlang/", accounts_views.language_switch, name="set_language"),
    path("shipping/units/", include("shop.address.urls")),  # the same in every language
    # Every dashboard under one prefix: any other path is told apart from all of them at once.
    path(
        "dashboard/",
        include(
            [
                path("payments/", include("payments.dashboard.urls")),
                path("producer/orders/", include("shop.fulfilment.dashboard.urls")),
                path("producer/statements/", include(settlements_dashboard.producer)),
                path("producer/reviews/", include("shop.dashboard.reviews.producer_urls")),
                path("producer/complaints/", include(complaints_dashboard.producer)),
                path("producer/satisfaction/", include("shop.satisfaction.dashboard.urls")),
                path("producer/", include(producers_dashboard.producer)),
                path("complaints/", include(complaints_dashboard.operator)),
                path("settlements/", include(settlements_dashboard.operator)),
                path("applications/", include("shop.onboarding.dashboard.urls")),
                path("listings/", include(producers_dashboard.listings)),
                path("producer-access/", include(producers_dashboard.access)),
                path("lockouts/", include("shop.accounts.dashboard.urls")),
                path("translations/", include("shop.catalogue.dashboard.urls")),
                path("waybills/", include("shop.fulfilment.dashboard.operator_urls")),
                path("complaint-payouts/", include("shop.complaints.dashboard.payout_urls")),
                # The Ministry of Industry and Trade's periodic statistics (operators).
                path("moit-statistics/", include("shop.figures.dashboard.urls")),
                path("privacy/", include("shop.privacy.dashboard.urls")),  # personal data requests
                path("province/", include("shop.province.dashboard")),  # the province's figures
                path(
                    "",
                    (staff_only_dashboard(oscar_dashboard), dashboard_app, dashboard_namespace),
                ),
            ]
        ),
    ),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("django-admin/", admin.site.urls),
    path("sitemap.xml", cms_sitemaps.sitemap, name="sitemap"),
    path("robots.txt", cms_sitemaps.robots_txt, name="robots-txt"),
]

# Zalo's notification service simulated (development and tests only; production forces it off).
if zns_simulator := zns_registry.simulator_module():
    urlpatterns.append(path("messages/simulator/zns/", include(zns_simulator)))

if settings.DEBUG:
    from shop.uploads.views import media

    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", media)]

urlpatterns += i18n_patterns(
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("second-factor/", include("shop.accounts.urls")),
    path("signed-in/", views.signed_in, name="signed-in"),
    path("shop/sell/", include("shop.onboarding.urls")),
    path("shop/accounts/messages/", accounts_views.message_settings, name="account-messages"),
    path("shop/complaints/", include("shop.complaints.urls")),
    path("shop/accounts/privacy/", include("shop.privacy.urls")),  # the buyer's personal data
    path("legal/<slug:key>/", views.legal_page, name="legal-page"),  # consent texts link here
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
    path("payments/", include("payments.urls")),
    path("shipping/", include("shop.fulfilment.urls")),
    path("", include("traceability.urls")),
    path("search/", cms_views.search, name="content-search"),
    path("satisfaction/", include("shop.satisfaction.urls")),
    # The floor's public figures by commune: /so-lieu/ in Vietnamese, /en/figures/ in English.
    path(_("figures/"), include("shop.figures.urls")),
    # Wagtail's catch-all comes last.
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
