"""Oscar's root app without the dashboard, which `shop.urls` mounts on its own at /dashboard/,
and with our password-reset form."""

from django.urls import path
from oscar import config


class Shop(config.Shop):
    def ready(self):
        super().ready()
        from shop.accounts.forms import PasswordResetForm

        self.password_reset_form = PasswordResetForm  # e-mailed in the account's language

    def get_urls(self):
        return [
            pattern
            for pattern in super().get_urls()
            if not (getattr(pattern, "pattern", None) and str(pattern.pattern) == "dashboard/")
        ] + [path("producers/", self.producers_urls())]

    def producers_urls(self):
        from shop.partner import urls

        return (urls.urlpatterns, "producers", "producers")
