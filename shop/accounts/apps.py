from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Signing in: login throttling (django-axes) and operators' second factor (django-otp)."""

    name = "shop.accounts"
    label = "accounts"
    verbose_name = _("Sign-in security")
