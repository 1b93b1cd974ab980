from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class SiteConfig(AppConfig):
    """The site itself: page cache invalidation, health check, demo data command, and the
    Sites records kept in step with SITE_URL."""

    name = "shop"
    label = "site"
    verbose_name = "Chợ Phiên"

    def ready(self) -> None:
        from django.apps import apps

        from . import links, pagecache, personal

        pagecache.connect_invalidation()
        personal.connect_invalidation()
        # After the sites app creates its default record (this app has no models of its own,
        # so migrate sends no signal for it).
        post_migrate.connect(
            links.sites_sync, sender=apps.get_app_config("sites"), dispatch_uid="shop.sites_sync"
        )
        checks.register(sites_check, checks.Tags.database)


def sites_check(app_configs=None, databases=None, **kwargs):
    from django.db import DatabaseError

    from . import links

    if not databases:
        return []
    try:
        problems = links.sites_out_of_step()
    except DatabaseError:  # not migrated yet: migrate sets them
        return []
    return [
        checks.Warning(
            f"{problem}, not what SITE_URL says; run manage.py migrate to set it.",
            id="site.W001",
        )
        for problem in problems
    ]
