from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data (Decree 13/2023/NĐ-CP, the Law on Personal Data Protection 2025): consents
    given and withdrawn, a buyer's data download, erasure on request, the operators' register."""

    name = "shop.privacy"
    label = "privacy"
    verbose_name = _("Personal data")
