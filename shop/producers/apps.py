from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProducersConfig(AppConfig):
    """The producer's own dashboard: their products, with operator approval of listings."""

    name = "shop.producers"
    label = "producers"
    verbose_name = _("Producers")
