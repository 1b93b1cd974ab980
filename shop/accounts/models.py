"""What an account remembers about its person beyond Django's user: their language and how
they want to hear from us."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.channels import Channel


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        _("Language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    notify_channel = models.CharField(
        _("Messages by"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    # Zalo messages go to this number (E.164, shop.phones); empty: no Zalo.
    phone = models.CharField(_("Phone number"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("Profile")
        verbose_name_plural = _("Profiles")

    def __str__(self) -> str:
        return str(self.user)
