from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementsConfig(AppConfig):
    """Commission, what each producer earns, and the statements the marketplace pays out."""

    name = "shop.settlements"
    label = "settlements"
    verbose_name = _("Settlements")
