from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvinceConfig(AppConfig):
    name = "shop.province"
    label = "province"
    verbose_name = _("Province dashboard")
    default_auto_field = "django.db.models.BigAutoField"
