from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site itself: page cache invalidation, health check and demo data command."""

    name = "shop"
    label = "site"
    verbose_name = "Chợ Phiên"

    def ready(self) -> None:
        from . import pagecache

        pagecache.connect_invalidation()
