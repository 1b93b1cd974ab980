from django.urls import path
from oscar.apps.catalogue import apps
from oscar.core.loading import get_class


class CatalogueConfig(apps.CatalogueConfig):
    name = "shop.catalogue"

    def ready(self):
        super().ready()
        self.origin_index_view = get_class("catalogue.views", "OriginIndexView")
        self.origin_view = get_class("catalogue.views", "OriginProductsView")

    def get_urls(self):
        urls = super().get_urls()
        urls += [
            path("origin/", self.origin_index_view.as_view(), name="origin-index"),
            path(
                "origin/<int:province>-<slug:slug>/",
                self.origin_view.as_view(),
                name="origin",
            ),
            path(
                "origin/<int:province>/<int:ward>-<slug:slug>/",
                self.origin_view.as_view(),
                name="origin-ward",
            ),
        ]
        return self.post_process_urls(urls)
