from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZnsConfig(AppConfig):
    """Zalo notification messages (ZNS): the adapter, its simulator, the OA's tokens and the
    record of every message sent or handed over to e-mail."""

    name = "shop.zns"
    label = "zns"
    verbose_name = _("Zalo messages")
    default_auto_field = "django.db.models.BigAutoField"
