from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    """Producers apply to sell; operators review and approve, reject or ask for more."""

    name = "shop.onboarding"
    label = "onboarding"
    verbose_name = _("Producer applications")
