from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    """One shipment per producer per order: its lines, its shipping charge, its progress."""

    name = "shop.fulfilment"
    label = "fulfilment"
    verbose_name = _("Fulfilment")
